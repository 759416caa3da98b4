# Pixxel for QGIS: every target installs what it needs on first run and is quick afterwards.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
export QT_QPA_PLATFORM ?= offscreen
# Debian's QGIS Python is /usr/bin/python3; the first python3 on PATH may be another interpreter.
SYSPY := /usr/bin/python3
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: all qgis venv test test-pure test-py39 test-matrix matrix-tools demo package lint lint-qt6 bench simulator \
	screenshot translations clean

all: test

# Debian packages the targets need: QGIS (qgis brings qgis_process for the Processing tests), its Python
# bindings and providers, venv support for /usr/bin/python3, and gdal-bin (ogr2ogr: the reference of bench/end_to_end.py).
APT_PKGS := python3-qgis qgis-providers qgis python3-venv python3-pip xvfb xauth gdal-bin

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

# The venv never replaces what QGIS's Python was built against: constraints generated now from the system
# interpreter pin every system package with compiled code (numpy 1.24 on Debian 12, 2.2 on Debian 13, ...);
# --clear: a venv left from older requirements could keep (or make pip reinstall) a wheel of numpy.
$(STAMP): requirements.txt requirements-dev.txt constraints.txt dev/system_constraints.py
	$(SYSPY) -m venv --clear --system-site-packages $(VENV)
	$(SYSPY) dev/system_constraints.py requirements-dev.txt > $(VENV)/constraints-system.txt
	$(PY) -m pip install -q --disable-pip-version-check -c constraints.txt -c $(VENV)/constraints-system.txt \
	  -r requirements-dev.txt
	@# Make the clone importable as `pixxel_qgis`, the name the installed plugin folder has.
	mkdir -p $(VENV)/pkgroot && ln -sfn "$(CURDIR)" $(VENV)/pkgroot/pixxel_qgis
	$(PY) -c "import site,sys; open(site.getsitepackages()[0]+'/pixxel_qgis_dev.pth','w').write(sys.argv[1]+'\n')" "$(CURDIR)/$(VENV)/pkgroot"
	touch $(STAMP)

test: venv
	$(PY) -m pytest

# Only the tests marked `pure` (no QGIS needed: client/, core/aoi_shape.py, core/asset_geometry.py, the
# simulator, ...), here in the QGIS venv; `make test-py39` runs the same tests under Python 3.9 without QGIS.
test-pure: venv
	$(PY) -m pytest -m pure

# Python 3.9, what QGIS 3.22-3.28 embed on Windows: pyenv's 3.9 if there is one, else python3.9 on PATH;
# PY39=/path/to/python3.9 chooses another. A venv without QGIS (.venv-py39) runs the pure tests.
PY39 ?= $(firstword $(wildcard $(HOME)/.pyenv/versions/3.9.*/bin/python /root/.pyenv/versions/3.9.*/bin/python) \
	$(shell command -v python3.9 2>/dev/null))
VENV39 := .venv-py39

test-py39:
	@if [ -z "$(PY39)" ]; then echo "test-py39: no Python 3.9 here (looked for ~/.pyenv/versions/3.9.*/bin/python" \
	  "and python3.9 on PATH). Set PY39=/path/to/python3.9, or run make test-matrix (a Debian 11 chroot)."; exit 2; fi
	@"$(PY39)" -c 'import sys; assert sys.version_info[:2] == (3, 9), sys.version' || \
	  { echo "test-py39: $(PY39) is not Python 3.9"; exit 2; }
	@[ -f $(VENV39)/.installed ] && [ $(VENV39)/.installed -nt requirements-pure.txt ] \
	  && [ $(VENV39)/.installed -nt requirements.txt ] || { \
	  "$(PY39)" -m venv --clear $(VENV39) && \
	  $(VENV39)/bin/python -m pip install -q --disable-pip-version-check -r requirements-pure.txt && \
	  mkdir -p $(VENV39)/pkgroot && ln -sfn "$(CURDIR)" $(VENV39)/pkgroot/pixxel_qgis && \
	  $(VENV39)/bin/python -c "import site,sys; open(site.getsitepackages()[0]+'/pixxel_qgis_dev.pth','w').write(sys.argv[1]+'\n')" \
	    "$(CURDIR)/$(VENV39)/pkgroot" && touch $(VENV39)/.installed; }
	$(VENV39)/bin/python -m pytest -m pure -p no:cacheprovider

# Every supported QGIS and Python (see README, "Tested versions"): this machine, Python 3.9, and QGIS 3.40
# (Debian 13) and 3.44 (Debian testing) in cached debootstrap chroots. Needs root; MATRIX_CACHE,
# MATRIX_ROWS=host,py39,trixie,testing and MATRIX_ARGS=--rebuild adjust it.
MATRIX_CACHE ?= /var/cache/pixxel-matrix
matrix-tools:
	@command -v debootstrap >/dev/null || { $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends debootstrap >/dev/null; }

test-matrix: venv matrix-tools
	$(SUDO) env "PATH=$$PATH" $(SYSPY) dev/matrix/run.py --cache "$(MATRIX_CACHE)" $(MATRIX_ARGS)

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

lint: venv lint-qt6
	$(VENV)/bin/ruff check .

# Qt6 / QGIS 4 readiness: no unscoped enum, no PyQt5-only name, no exec_(). PyQt6's own stubs (from PyPI,
# into a tool venv of their own, never the QGIS venv) say what exists in PyQt6.
QT6_VENV := .venv-qt6
$(QT6_VENV)/.installed: requirements-qt6-lint.txt
	$(SYSPY) -m venv --clear $(QT6_VENV)
	$(QT6_VENV)/bin/python -m pip install -q --disable-pip-version-check --no-deps -r requirements-qt6-lint.txt
	touch $@

lint-qt6: venv $(QT6_VENV)/.installed
	$(PY) dev/qt6_lint.py --pyqt6 "$$($(QT6_VENV)/bin/python -c 'import os, importlib.util as u; print(os.path.dirname(u.find_spec("PyQt6").origin))')"

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
	$(PY) -m pip install -q --disable-pip-version-check -c constraints.txt -c $(VENV)/constraints-system.txt \
	  -r requirements-mutation.txt
	touch $(MUTATION_STAMP)

mutation: venv $(MUTATION_STAMP)
	$(PY) dev/mutation/run.py

clean:
	rm -rf dist demo-output .pytest_cache
	find . -name __pycache__ -prune -exec rm -rf {} +
