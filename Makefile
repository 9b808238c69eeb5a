# soratrack — make demo, make test, make install, make bench.
SHELL := /bin/bash
SWIFT ?= swift
PREFIX ?= /usr/local
VENV := .venv
PYTHON := $(VENV)/bin/python
BIN_DEBUG := .build/debug/soratrack
SUDO := $(shell [ "$$(id -u)" -ne 0 ] && command -v sudo)

.PHONY: all deps build test sdk-compat demo install release bench clean

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

## demo: build, then run the whole tool on the built-in simulator (no API key needed).
demo: build
	$(BIN_DEBUG) demo

## release: an optimised binary with the Swift standard library linked in (only libsqlite3 stays dynamic).
RELEASE_DIR := .build-static
BIN_RELEASE := $(RELEASE_DIR)/release/soratrack
release: deps
	$(SWIFT) build -c release --static-swift-stdlib --product soratrack --scratch-path $(RELEASE_DIR)

## install: the release binary, shell completions (bash, zsh, fish) and a man page under PREFIX.
install: release
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/bash-completion/completions \
		$(DESTDIR)$(PREFIX)/share/zsh/site-functions $(DESTDIR)$(PREFIX)/share/fish/vendor_completions.d \
		$(DESTDIR)$(PREFIX)/share/man/man1
	install -m 755 $(BIN_RELEASE) $(DESTDIR)$(PREFIX)/bin/soratrack
	strip $(DESTDIR)$(PREFIX)/bin/soratrack 2>/dev/null || true
	$(BIN_RELEASE) --generate-completion-script bash > $(DESTDIR)$(PREFIX)/share/bash-completion/completions/soratrack
	$(BIN_RELEASE) --generate-completion-script zsh > $(DESTDIR)$(PREFIX)/share/zsh/site-functions/_soratrack
	$(BIN_RELEASE) --generate-completion-script fish > $(DESTDIR)$(PREFIX)/share/fish/vendor_completions.d/soratrack.fish
	@if $(SWIFT) build --scratch-path $(RELEASE_DIR) --product generate-manual >/dev/null 2>&1; then \
		tool=$$(find $(RELEASE_DIR) -name 'generate-manual*' -type f -perm -u+x | head -n 1); \
		mkdir -p $(RELEASE_DIR)/man && $$tool $(BIN_RELEASE) --output-directory $(RELEASE_DIR)/man && \
		install -m 644 $(RELEASE_DIR)/man/soratrack.1 $(DESTDIR)$(PREFIX)/share/man/man1/soratrack.1 || \
		echo "(man page skipped: the manual generator failed)"; \
	else echo "(man page skipped: ArgumentParser's manual generator did not build)"; fi
	@echo "installed $(DESTDIR)$(PREFIX)/bin/soratrack"

## test: unit, store, sync and end-to-end tests, then the store, sync, report and end-to-end suites again
## on PostgreSQL (each pass on a throwaway server, scripts/with-postgres.sh), a CSV round trip read back by
## Python's csv module, the official SDK against the simulator, then the HTML report in a real browser.
BACKEND_SUITES := JobStoreTests|SyncEngineTests|ReportsTests|EndToEndTests
test: deps $(VENV)/.installed $(VENV)/.browser-installed
	$(SWIFT) build --build-tests
	scripts/with-postgres.sh $(SWIFT) test --skip-build
	SORATRACK_TEST_BACKEND=postgres scripts/with-postgres.sh $(SWIFT) test --skip-build --filter '$(BACKEND_SUITES)'
	scripts/csv-roundtrip.sh $(BIN_DEBUG) $(PYTHON)
	$(MAKE) --no-print-directory sdk-compat
	$(MAKE) --no-print-directory test-browser

## test-browser: the page of `report html` in headless Chromium (installed through apt when missing): every chart
## drawn, every table equal to its report's CSV, no console error; the screenshot goes to .build/test-artifacts/.
.PHONY: test-browser
$(VENV)/.browser-installed: scripts/requirements-browser.txt $(VENV)/.installed
	$(VENV)/bin/pip install -q --disable-pip-version-check -r scripts/requirements-browser.txt
	@touch $@

test-browser: $(VENV)/.browser-installed
	@scripts/browser-check.sh $(BIN_DEBUG) $(PYTHON)

sdk-compat: $(VENV)/.installed
	@scripts/sdk-compat.sh $(BIN_DEBUG) $(PYTHON)

## test-gateways: soratrack end to end through a real LiteLLM proxy (pinned in scripts/requirements-gateway.txt,
## in a virtualenv under .venv-gateway/) in front of `soratrack simulate`: submit, track, sync, download, reports,
## 404/429/503/401 answers and discover as the gateway reshapes them (scripts/gateway-e2e.py).
GATEWAY_VENV := .venv-gateway
.PHONY: test-gateways
$(GATEWAY_VENV)/.installed: scripts/requirements-gateway.txt
	@python3 -m venv $(GATEWAY_VENV) 2>/dev/null || { $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq python3-venv && python3 -m venv $(GATEWAY_VENV); }
	$(GATEWAY_VENV)/bin/pip install -q --disable-pip-version-check -r scripts/requirements-gateway.txt
	@touch $@

test-gateways: deps $(GATEWAY_VENV)/.installed
	$(SWIFT) build --product soratrack
	$(GATEWAY_VENV)/bin/python scripts/gateway-e2e.py --soratrack $(BIN_DEBUG) --litellm $(GATEWAY_VENV)/bin/litellm

## bench: the benchmark behind the README's Performance table (bench/run.sh): release builds of soratrack
## and soratrack-seed (static Swift standard library, the binary `make install` puts in place, sharing its
## build folder), then one
## table of sync throughput (against the openai SDK and wrk), sync under latency, write cost, reports,
## export and idle start-up, each against a reference measured in the same run. Installs sqlite3, wrk,
## hyperfine and time through apt when they are missing, and the SDK's virtualenv. BENCH_QUICK=1 skips
## the reports on the 100k/2M history (seeded once, a few minutes, then reused). BENCH_ONLY=bad-day runs
## only the bad-day rows (refused and hanging API, a 600 req/min rate limit, one stderr line: about 2 min);
## BENCH_ONLY takes a comma-separated list of sync, latency, insert, reports, export, idle, bad-day, json,
## postgres (the PostgreSQL rows, on a throwaway server).
BENCH_APT := sqlite3:sqlite3 wrk:wrk hyperfine:hyperfine /usr/bin/time:time
bench: deps $(VENV)/.installed
	@missing=""; for pair in $(BENCH_APT); do command -v "$${pair%%:*}" >/dev/null || missing="$$missing $${pair##*:}"; done; \
	if [ -n "$$missing" ]; then echo "==> installing$$missing"; \
		$(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq $$missing; fi
	$(SWIFT) build -c release --static-swift-stdlib --product soratrack --scratch-path $(RELEASE_DIR)
	$(SWIFT) build -c release --static-swift-stdlib --product soratrack-seed --scratch-path $(RELEASE_DIR)
	$(SWIFT) build -c release --static-swift-stdlib --product soratrack-json-bench --scratch-path $(RELEASE_DIR)
	bench/run.sh $(RELEASE_DIR)/release

clean:
	rm -rf .build $(VENV)
