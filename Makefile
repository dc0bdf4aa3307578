# jj123 — two commands do everything on a fresh machine: `make demo` and `make test`.
VENV := .venv
PY := $(VENV)/bin/python
JJ123 := $(VENV)/bin/jj123
STAMP := $(VENV)/.installed

.PHONY: install demo test test-dates lint lab perf clean

install: $(STAMP)

$(STAMP): pyproject.toml scripts/setup.sh
	bash scripts/setup.sh
	touch $(STAMP)

DEMO_DATA := demo/data
DEMO_QUARTER := 2026Q3
DEMO_OUT := reports/demo/$(DEMO_QUARTER)
DEMO_YEAR := 2026

# Demo data (示例数据) and its reports; demo output never goes where real reports go.
demo: install
	$(JJ123) check
	@# Generated once: a second `make demo` then skips every unchanged report.
	test -f $(DEMO_DATA)/DEMO_DATA.json || $(JJ123) demo-data --data-dir $(DEMO_DATA)
	$(JJ123) batch --quarter $(DEMO_QUARTER) --data-dir $(DEMO_DATA) --out $(DEMO_OUT)
	$(JJ123) batch --year $(DEMO_YEAR) --data-dir $(DEMO_DATA) --out reports/demo/$(DEMO_YEAR)
	@echo "示例报告索引 / demo report index: $(CURDIR)/$(DEMO_OUT)/index.html"
	@echo "年度考评 / year-end review: $(CURDIR)/reports/demo/$(DEMO_YEAR)/index.html"

perf: install
	$(PY) perf/batch_speed.py

test: install
	@# One pytest worker per core (pytest-xdist): most tests wait on kernels, Chromium or LibreOffice.
	$(PY) -m pytest -n auto

# The whole suite once per clock date (2026-07-01, 2026-12-05, 2027-06-01); CI runs only the clock_smoke subset.
test-dates: install
	PYTHON=$(PY) bash scripts/clock_smoke.sh --all

# ruff, then mypy (strict; files and settings in pyproject.toml).
lint: install
	$(VENV)/bin/ruff check jj123lib tests perf
	$(VENV)/bin/mypy

# JupyterLab on the notebooks: no news popup (jupyter/jupyter_lab_config.json), notebooks trusted,
# --allow-root only when run as root. LAB_ARGS passes more options, e.g. LAB_ARGS="--no-browser --port 8899".
LAB_ARGS ?=
lab: install
	$(VENV)/bin/jupyter trust notebooks/*.ipynb
	JUPYTER_CONFIG_PATH="$(CURDIR)/jupyter$${JUPYTER_CONFIG_PATH:+:$$JUPYTER_CONFIG_PATH}" \
	  $(VENV)/bin/jupyter lab $(if $(filter 0,$(shell id -u)),--allow-root) $(LAB_ARGS) notebooks/

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis build *.egg-info
