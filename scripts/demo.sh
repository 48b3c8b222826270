#!/usr/bin/env bash
# `make demo`: start a virtual board, put an example program on it, run it, show its output.
set -euo pipefail
cd "$(dirname "$0")/.."
bk() {
  printf '$ boardkit'
  for a in "$@"; do case "$a" in *" "*) printf ' "%s"' "$a" ;; *) printf ' %s' "$a" ;; esac; done
  echo
  .venv/bin/boardkit "$@"
  echo
}
.venv/bin/boardkit virtual stop demo >/dev/null 2>&1 || true
trap '.venv/bin/boardkit virtual stop demo >/dev/null 2>&1 || true' EXIT
bk virtual start wasm --name demo
bk devices
bk -p demo info
bk -p demo put examples/hello.py hello.py
bk -p demo ls
bk -p demo exec "import hello"
bk -p demo run examples/hello.py
