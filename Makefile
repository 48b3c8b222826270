# boardkit — `make demo` and `make test` set up everything they need, then run.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
WASM := firmware/wasm
APT_PACKAGES := qemu-system-arm firmware-microbit-micropython chromium ser2net

.PHONY: studio-page setup firmware-toolchain demo lint test test-quick test-slow test-fast test-wasm test-microbit test-install build bench clean system-packages

setup: $(VENV)/.installed $(WASM)/node_modules/.installed studio-page system-packages

$(VENV)/.installed: pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "boardkit needs Python 3.11 or newer")'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	# compat mode: a plain .pth entry, no import-hook finder to pay for on every start
	$(BIN)/python -m pip install --quiet -e '.[test,browser]' --config-settings editable_mode=compat
	touch $@

$(WASM)/node_modules/.installed: $(WASM)/package.json $(WASM)/package-lock.json
	@command -v node >/dev/null || { echo "boardkit needs Node.js 20 (https://nodejs.org or: apt-get install nodejs)"; exit 1; }
	cd $(WASM) && npm ci --no-audit --no-fund --loglevel=error
	touch $@

# The studio's page: web/ (pinned npm packages) bundled into host/boardkit/studio/assets/.
# The bundle is committed (a wheel built anywhere carries it); this rebuilds it from web/src,
# byte-for-byte the same when nothing changed.
studio-page: web/node_modules/.installed
	cd web && node build.mjs

web/node_modules/.installed: web/package.json web/package-lock.json
	@command -v node >/dev/null || { echo "boardkit needs Node.js 20 (https://nodejs.org or: apt-get install nodejs)"; exit 1; }
	cd web && npm ci --no-audit --no-fund --loglevel=error
	touch $@

# Debian packages for the virtual micro:bit: installed with apt-get when run as root,
# otherwise the exact command to run is printed.
system-packages:
	@bash scripts/system-packages.sh $(APT_PACKAGES)

# The micro:bit firmware build's toolchain (deb-src entry + ARM gcc, yotta, ...; ~330 MB):
# installed as root, the exact commands printed otherwise. The tests build firmware with it.
firmware-toolchain: $(VENV)/.installed
	@PYTHON=$(BIN)/python bash scripts/firmware-toolchain.sh

demo: setup
	@bash scripts/demo.sh

# The whole suite (what CI runs). Long, emulator-heavy groups are marked slow:
# `make test-slow` runs only them, `make test-quick` everything else.
test: setup firmware-toolchain lint
	$(BIN)/python -m pytest -q

# ruff (lint + format check) and mypy (strict on the public API), as configured in pyproject.toml.
lint: $(VENV)/.installed
	$(BIN)/ruff check host tests lib
	$(BIN)/ruff format --check host tests lib
	$(BIN)/mypy

test-quick: setup
	$(BIN)/python -m pytest -q -m "not slow"

test-slow: setup firmware-toolchain
	$(BIN)/python -m pytest -q -m slow

# Subsets: the quick unit tests, or one virtual board's tests alone.
test-fast: setup
	$(BIN)/python -m pytest -q tests/unit

test-wasm: setup
	$(BIN)/python -m pytest -q -m wasm

test-microbit: setup firmware-toolchain
	$(BIN)/python -m pytest -q -m microbit

# The wheel and the sdist, installed into clean venvs and run from outside the checkout.
test-install: setup
	$(BIN)/python -m pytest -q tests/test_install.py

# The wheel and the sdist, in dist/ (what `pipx install boardkit` gets). Without
# PYTHONDONTWRITEBYTECODE: with it, setuptools prints a warning for every build.
build: $(VENV)/.installed
	env -u PYTHONDONTWRITEBYTECODE $(BIN)/python -m build --outdir dist .

bench: setup
	$(BIN)/python tests/bench/bench_session.py
	$(BIN)/python tests/bench/bench_sync.py
	$(BIN)/python tests/bench/bench_conformance.py
	$(BIN)/python tests/bench/bench_fleet.py
	$(BIN)/python tests/bench/bench_firmware.py
	$(BIN)/python tests/bench/bench_studio.py
	$(BIN)/python tests/bench/bench_install.py
	$(BIN)/python tests/bench/bench_watch.py

clean:
	rm -rf $(VENV) $(WASM)/node_modules web/node_modules .pytest_cache dist build host/boardkit.egg-info
