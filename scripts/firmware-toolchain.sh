#!/usr/bin/env bash
# The micro:bit firmware toolchain (`boardkit firmware build`): a deb-src entry mirroring the
# machine's Debian entries, then Debian's ARM toolchain, yotta and friends (~330 MB download).
# As root it installs them; otherwise it prints the exact commands and fails.
set -euo pipefail
cd "$(dirname "$0")/.."
PY="${PYTHON:-.venv/bin/python}"
export PYTHONPATH="$PWD/host${PYTHONPATH:+:$PYTHONPATH}"
if [ "$(id -u)" -eq 0 ]; then
  exec "$PY" -m boardkit firmware toolchain --install
fi
exec "$PY" -m boardkit firmware toolchain
