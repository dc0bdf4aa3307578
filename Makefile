# jj123 — two commands do everything on a fresh machine: `make demo` and `make test`.
VENV := .venv
PY := $(VENV)/bin/python
JJ123 := $(VENV)/bin/jj123
STAMP := $(VENV)/.installed

.PHONY: install demo test lint lab bench clean

install: $(STAMP)

$(STAMP): pyproject.toml scripts/setup.sh
	bash scripts/setup.sh
	touch $(STAMP)

demo: install
	$(JJ123) check
	$(JJ123) tasks

test: install
	$(PY) -m pytest

lint: install
	$(VENV)/bin/ruff check jj123lib tests benchmarks

lab: install
	$(VENV)/bin/jupyter lab notebooks/

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis build *.egg-info
