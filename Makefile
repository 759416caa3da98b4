# Pixxel for QGIS: every target installs what it needs on first run and is quick afterwards.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
export QT_QPA_PLATFORM ?= offscreen
# Debian's QGIS Python is /usr/bin/python3; the first python3 on PATH may be another interpreter.
SYSPY := /usr/bin/python3
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: all qgis venv test demo package lint bench simulator screenshot translations clean

all: test

# Debian packages the targets need: QGIS (qgis brings qgis_process for the Processing tests), its Python
# bindings and providers, and venv support for /usr/bin/python3.
APT_PKGS := python3-qgis qgis-providers qgis python3-venv

qgis:
	@missing=$$(for p in $(APT_PKGS); do dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "ok installed" || echo $$p; done); \
	if [ -n "$$missing" ] || ! $(SYSPY) -c "import qgis.core" 2>/dev/null; then \
	  echo "Installing from Debian: $${missing:-$(APT_PKGS)} ..."; \
	  $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends \
	    $${missing:-$(APT_PKGS)} >/dev/null && \
	  $(SYSPY) -c "import qgis.core"; \
	fi

venv: qgis $(STAMP)

$(STAMP): requirements.txt requirements-dev.txt constraints.txt
	$(SYSPY) -m venv --system-site-packages $(VENV)
	$(PY) -m pip install -q --disable-pip-version-check -c constraints.txt -r requirements-dev.txt
	@# Make the clone importable as `pixxel_qgis`, the name the installed plugin folder has.
	mkdir -p $(VENV)/pkgroot && ln -sfn "$(CURDIR)" $(VENV)/pkgroot/pixxel_qgis
	$(PY) -c "import site,sys; open(site.getsitepackages()[0]+'/pixxel_qgis_dev.pth','w').write(sys.argv[1]+'\n')" "$(CURDIR)/$(VENV)/pkgroot"
	touch $(STAMP)

test: venv
	$(PY) -m pytest

demo: venv
	$(PY) scripts/demo.py --out demo-output

package: venv
	$(PY) scripts/package.py --out dist

# i18n/pixxel_qgis_<lang>.ts from every tr() in ui/, plugin.py and processing_provider/ (pylupdate5, one
# context), then the .qm files QGIS loads (lrelease). Debian's Qt tools are installed on first use.
I18N_APT := pyqt5-dev-tools qttools5-dev-tools
translations: venv
	@missing=$$(for p in $(I18N_APT); do dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "ok installed" || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  echo "Installing from Debian: $$missing ..."; \
	  $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	fi
	$(PY) scripts/translations.py

lint: venv
	$(VENV)/bin/ruff check .

bench: venv
	$(PY) bench/run.py --out bench/results.md

simulator: venv
	PYTHONPATH=dev $(PY) -m pixxel_simulator --port 8765 --api-key demo-key

# The README's picture of the panel in the real QGIS window, under a virtual X server.
screenshot: venv
	@command -v xvfb-run >/dev/null || DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq \
	  --no-install-recommends xvfb xauth >/dev/null
	xvfb-run -a -s "-screen 0 1600x1000x24" $(PY) scripts/panel_screenshot.py --out docs/panel-in-qgis.png

# Mutation testing of the reliability- and key-critical modules (slow, not part of `make test`): writes
# tests/mutation-report.md. Modules and their guarding tests: dev/mutation/targets.py.
.PHONY: mutation
MUTATION_STAMP := $(VENV)/.mutation-installed
$(MUTATION_STAMP): requirements-mutation.txt constraints.txt | $(STAMP)
	$(PY) -m pip install -q --disable-pip-version-check -c constraints.txt -r requirements-mutation.txt
	touch $(MUTATION_STAMP)

mutation: venv $(MUTATION_STAMP)
	$(PY) dev/mutation/run.py

clean:
	rm -rf dist demo-output .pytest_cache
	find . -name __pycache__ -prune -exec rm -rf {} +
