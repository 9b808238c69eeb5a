# soratrack — make demo, make test, make install, make bench.
SHELL := /bin/bash
SWIFT ?= swift
PREFIX ?= /usr/local
VENV := .venv
PYTHON := $(VENV)/bin/python
BIN_DEBUG := .build/debug/soratrack
SUDO := $(shell [ "$$(id -u)" -ne 0 ] && command -v sudo)

.PHONY: all deps build test unit-tests sdk-compat demo install bench clean

all: build

## deps: install the system packages the build needs (libsqlite3-dev) when they are missing.
deps:
	@if ! dpkg -s libsqlite3-dev >/dev/null 2>&1 && ! pkg-config --exists sqlite3 2>/dev/null; then \
		echo "==> installing libsqlite3-dev"; \
		$(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq libsqlite3-dev; \
	fi

## venv: a virtualenv with the official openai SDK (for the wire-compatibility check and benchmarks).
$(VENV)/.installed: scripts/requirements-sdk.txt
	@python3 -m venv $(VENV) 2>/dev/null || { $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq python3-venv && python3 -m venv $(VENV); }
	$(VENV)/bin/pip install -q --disable-pip-version-check -r scripts/requirements-sdk.txt
	@touch $@

build: deps
	$(SWIFT) build --product soratrack

## test: unit, store, sync and end-to-end tests, then the official SDK against the simulator.
test: deps $(VENV)/.installed
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build
	$(MAKE) --no-print-directory sdk-compat

sdk-compat: $(VENV)/.installed
	@scripts/sdk-compat.sh $(BIN_DEBUG) $(PYTHON)

clean:
	rm -rf .build $(VENV)
