# Everything a newcomer needs: `make run` starts the kiosk, `make test` runs the tests.
# Both create .venv and install what is missing on the first run.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PACKAGE_STAMP := $(VENV)/.installed-package

.PHONY: run test test-fast bench lint screenshots i18n run-deps system-deps package deb clean axe

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@touch $(STAMP)

# axe-core, the accessibility rules the browser tests run in Chromium (tests/e2e/axe), at the
# version its package-lock.json pins.
AXE := tests/e2e/axe/node_modules/.package-lock.json
$(AXE): tests/e2e/axe/package.json tests/e2e/axe/package-lock.json
	cd tests/e2e/axe && npm ci --no-audit --no-fund --loglevel=error
	@touch $(AXE)

axe: $(AXE)

$(PACKAGE_STAMP): $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[test,package]'
	@touch $(PACKAGE_STAMP)

# What running the kiosk needs (Qt's libraries, fonts, speech); system-deps adds the tools
# the tests use (receipts, deployment recipes, the real-input tests' X server and taps, and
# a Java JDK for tests/conformance, which runs ODK Collect's engine).
run-deps:
	@sh build/install-system-deps.sh --run

system-deps:
	@sh build/install-system-deps.sh

# The one-folder bundle IT deploys (dist/kiosk/), then its checks: size, libraries, and
# `kiosk self-test` with no Python around it. PyInstaller's work files go to build/work/.
package: $(PACKAGE_STAMP)
	@sh build/install-system-deps.sh --package
	$(BIN)/pyinstaller --noconfirm --log-level WARN --workpath build/work --distpath dist build/kiosk.spec
	sh build/check-bundle.sh dist/kiosk

# The Debian package IT installs with `apt install ./dist/kiosk_<version>_amd64.deb`
# (build/deb/, build/README.md), made from dist/kiosk (built first when it is missing).
deb:
	@test -x dist/kiosk/kiosk || $(MAKE) package
	@sh build/install-system-deps.sh --package
	sh build/deb/build-deb.sh --bundle dist/kiosk --out dist

run: $(STAMP) run-deps
	$(BIN)/kiosk run --windowed

test: $(STAMP) system-deps $(AXE)
	$(BIN)/python -m pytest

# The Qt-free core alone, in under a minute: no screens, no servers, nothing measured slow
# (the markers are put on in tests/conftest.py). `make test` still runs everything.
test-fast: $(STAMP) system-deps
	$(BIN)/python -m pytest -m "not ui and not slow and not network"

bench: $(PACKAGE_STAMP) system-deps
	$(BIN)/python tests/bench/run.py

screenshots: $(STAMP) system-deps
	xvfb-run -a -s "-screen 0 1280x1024x24" $(BIN)/python tests/e2e/screenshots.py
	xvfb-run -a -s "-screen 0 1280x1024x24" $(BIN)/python tests/e2e/screenshots_visit_controls.py
	xvfb-run -a -s "-screen 0 1280x1024x24" $(BIN)/python tests/e2e/screenshots_progress.py
	$(BIN)/python tests/e2e/screenshots_central.py

i18n: $(STAMP)
	$(BIN)/python -m kiosk.i18n

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/lint-imports
	$(BIN)/mypy

clean:
	rm -rf $(VENV) dist build/work bench-results.json .pytest_cache
