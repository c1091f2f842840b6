# Quick start: `make serve` then `make test`. Every target installs what it needs first.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
DB     ?= archive.db
PORT   ?= 8001
export OMP_THREAD_LIMIT := 1

.PHONY: install system-deps ext corpus extracted build serve test eval bench clean

install: system-deps $(VENV)/.installed ext

system-deps:
	@scripts/install-system-deps.sh

$(VENV)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[test]'
	touch $@

# The Japanese FTS5 tokenizer, a SQLite loadable extension compiled from pipeline/load/fts_ja.c.
ext: $(VENV)/.installed
	$(BIN)/python -c "from pipeline.load.fts import build; print(build())"

# Re-render corpus/ from the seed (deterministic; the rendered files are committed).
corpus: install
	$(BIN)/python -m pipeline.corpus

# Re-run extraction (OCR included) over the archive's corpus inputs, rewriting extracted/.
extracted: install
	rm -f extracted/*.json $(DB) $(DB)-wal $(DB)-shm
	$(BIN)/pipeline ingest --db $(DB) --extracted-dir extracted $$(cat corpus/archive.txt)

# Rebuild the archive from extracted/ alone: no OCR, deterministic.
build: install
	$(BIN)/pipeline build --db $(DB) --extracted-dir extracted

serve: build
	$(BIN)/pipeline serve --db $(DB) --port $(PORT)

test: install
	$(BIN)/python -m pytest -q -ra

eval: install
	$(BIN)/python -m pipeline.analyze.evaluate

bench: install
	$(BIN)/python bench/run.py

clean:
	rm -rf $(DB) $(DB)-wal $(DB)-shm build tests/artifacts
