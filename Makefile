# Quick start: `make run` (index the default corpus and start the chat), `make test` (the whole suite).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export ANONYMIZED_TELEMETRY := False
export STREAMLIT_BROWSER_GATHER_USAGE_STATS := false

.PHONY: run test install index lint bench eval fuzz clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/pip install --quiet torch==2.13.0
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

index: $(STAMP)
	$(BIN)/protocol-assistant ingest corpus/

run: index
	$(BIN)/python -m assistant.ui.serve  # 127.0.0.1:8501 (PA_HOST, PA_PORT); loads the index and the model at start

test: $(STAMP)
	-command -v chromium >/dev/null || (apt-get update && apt-get install -y chromium) || echo "chromium not installed: the browser test will be skipped"
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy assistant app.py eval

bench: $(STAMP)
	$(BIN)/protocol-assistant eval --set bench --embedder minilm

# The default evaluation sets with the real model; the report goes to data/eval-report/ (REPORT=docs/eval-report
# refreshes the committed one). Exits non-zero when a metric misses eval/thresholds.yaml.
REPORT ?= data/eval-report
eval: $(STAMP)
	$(BIN)/protocol-assistant eval --embedder $${EMBEDDER:-minilm} --report $(REPORT)

fuzz: $(STAMP)
	PA_FUZZ_N=$${PA_FUZZ_N:-2000} $(BIN)/python -m pytest -q -s -p no:cacheprovider tests/test_fuzz_ingest.py tests/test_fuzz_check.py

clean:
	rm -rf $(VENV) data .pytest_cache .mypy_cache .ruff_cache
