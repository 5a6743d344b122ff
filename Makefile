# inflame: the two commands a newcomer needs are `make demo` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.inflame-installed
DEVSTAMP := $(VENV)/.inflame-dev-installed
DEPS := settings.ini setup.py constraints.txt

.PHONY: help demo test lab docs docscheck export clean readme install dev bench outputs shot

help:            ## list the targets
	@grep -E '^[a-z]+:.*##' Makefile | sed 's/:.*##/\t/'

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

$(STAMP): $(BIN)/python $(DEPS)
	$(BIN)/pip install -q -c constraints.txt -e .
	touch $@

$(DEVSTAMP): $(STAMP) $(DEPS)
	$(BIN)/pip install -q -c constraints.txt -e ".[dev]"
	$(BIN)/python -m ipykernel install --sys-prefix --name python3 --display-name "Python 3 (inflame)" >/dev/null
	touch $@

install: $(STAMP)  ## create .venv and install the package (editable)
dev: $(DEVSTAMP)   ## create .venv with the dev requirements

demo: $(STAMP)     ## run the main job on the embedded demo data
	$(BIN)/inflame demo

test: $(DEVSTAMP)  ## export/clean/README checks, every notebook, pytest; ends with "N passed, M failed"
	$(BIN)/python tools/run_tests.py

outputs: $(DEVSTAMP)  ## run every notebook (or NB="nbs/05_tiles.ipynb ..."), write its outputs into it, small and clean (2 at a time, ~15 min); check them
	$(BIN)/python tools/outputs.py --workers 2 $(NB)
	$(BIN)/python tools/check_outputs.py $(NB)

export: $(DEVSTAMP)  ## notebooks -> inflame/ and README.md
	$(BIN)/nbdev_export
	$(BIN)/python tools/readme.py

readme: $(DEVSTAMP)  ## README.md from nbs/index.ipynb (offline, no Quarto)
	$(BIN)/python tools/readme.py

docs: $(DEVSTAMP)  ## docs site: nbdev/Quarto where quarto is on PATH, else an offline HTML site in _docs/
	$(BIN)/python tools/build_docs.py

shot: $(DEVSTAMP)  ## screenshot of a page (PAGE=05_tiles) of the site built from the committed outputs alone: build/shots/
	$(BIN)/python tools/check_docs.py build/site --build --shot $(or $(PAGE),05_tiles) --shots build/shots

docscheck: $(DEVSTAMP)  ## check the built _docs/ site: links, images, sidebar, search (and in chromium, if installed)
	$(BIN)/python tools/check_docs.py _docs --browser

lab: $(DEVSTAMP)   ## JupyterLab on 127.0.0.1 with this package's kernel
	$(BIN)/jupyter lab --ip 127.0.0.1 --no-browser --notebook-dir nbs $$([ "$$(id -u)" = 0 ] && echo --allow-root)

bench: $(DEVSTAMP)  ## run the CPU benchmarks in bench/
	for f in bench/*.py; do echo "== $$f"; $(BIN)/python $$f || exit 1; done

clean:           ## remove build outputs, docs and demo outputs (keeps .venv)
	rm -rf _docs _proc build dist *.egg-info runs demo_data .pytest_cache
	find . -name __pycache__ -not -path './.venv/*' -prune -exec rm -rf {} +
