# Pathfinder: `make run` to talk to the assistant, `make test` to run every test. `make help` lists all.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV        := .venv
PY          := $(VENV)/bin/python
RASA        := $(VENV)/bin/rasa
INSTALLED   := $(VENV)/.installed
SPACY_MODEL := models/spacy/en_pathfinder
MODEL       := models/pathfinder.tar.gz
NODE_MODULES := node_modules/.package-lock.json

# Defaults for the ${...} values in endpoints.yml; override on the command line or in the environment.
export PATHFINDER_HOST ?= 127.0.0.1
export RASA_PORT       ?= 5005
export ACTION_PORT     ?= 5055
export ACTION_HOST     ?= 127.0.0.1
export TRACKER_DB      ?= var/tracker.db
# Quieter TensorFlow, and no telemetry prompt or upload from Rasa.
export TF_CPP_MIN_LOG_LEVEL ?= 2
export RASA_TELEMETRY_ENABLED ?= false
export PYTHONHASHSEED ?= 0

PIP_INSTALL := $(PY) -m pip install --quiet
# Some machines' pip configuration names local package folders that may not exist; hide that noise only.
PIP_QUIET   := 2>&1 | { grep -v "is ignored: it is neither a file nor a directory" || true; }; exit $${PIPESTATUS[0]}

# The pipeline's own components count: a change to one must retrain (and show Rasa's checks on it).
TRAIN_INPUTS := config.yml $(wildcard components/*.py) $(shell find domain data -name '*.yml' -o -name '*.txt' 2>/dev/null)

.PHONY: help install generate check-generated validate train run shell test test-unit test-dialogue test-integration test-browser chromium test-scaleout scaleout bench bench-smoke clean constraints

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-18s %s\n", $$1, $$2}'

$(INSTALLED): requirements.txt requirements-dev.txt constraints.txt scripts/find_python.sh
	@python=$$(scripts/find_python.sh) || exit 1; \
	  echo "using $$python"; \
	  [ -x $(PY) ] || "$$python" -m venv $(VENV)
	$(PIP_INSTALL) --upgrade "pip==24.0" $(PIP_QUIET)
	$(PIP_INSTALL) -c constraints.txt -r requirements-dev.txt $(PIP_QUIET)
	@touch $@

$(SPACY_MODEL)/meta.json: $(INSTALLED) scripts/build_spacy_model.py
	$(PY) scripts/build_spacy_model.py $(SPACY_MODEL)

# The website widget (web/) and the browser test's driver, from package-lock.json; no browser download.
$(NODE_MODULES): package.json package-lock.json
	@command -v npm >/dev/null || { echo "error: the website widget needs Node.js 18+ and npm (Debian/Ubuntu: apt-get install nodejs npm)" >&2; exit 1; }
	PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
	@touch $@

chromium: ## Debian's chromium for the browser test, installed only when missing
	@scripts/install_chromium.sh

install: $(INSTALLED) $(SPACY_MODEL)/meta.json $(NODE_MODULES) chromium ## create .venv, install pinned Python and npm dependencies, build the offline spaCy pipeline, Chromium

generate: $(INSTALLED) ## regenerate NLU data, responses and test stories from data/knowledge/
	$(PY) scripts/generate.py

check-generated: $(INSTALLED) ## fail if a generated file is stale
	$(PY) scripts/generate.py --check

validate: install check-generated ## rasa data validate, warnings are errors
	$(RASA) data validate --domain domain --fail-on-warnings --quiet

$(MODEL): $(INSTALLED) $(SPACY_MODEL)/meta.json $(TRAIN_INPUTS)
	@mkdir -p models
	time $(RASA) train --domain domain --fixed-model-name pathfinder --out models --quiet

train: install generate ## generate, then train the model if its inputs changed
	@$(MAKE) --no-print-directory $(MODEL)

run: train ## start the action server, the Rasa server and the demo web page (Ctrl-C stops them)
	scripts/run.sh

shell: train ## talk to the assistant in the terminal (rasa shell + action server)
	scripts/shell.sh

test-unit: install check-generated ## knowledge base, generator and action unit tests (no model needed)
	$(PY) -m pytest tests/unit -q

test-dialogue: validate $(MODEL) ## rasa test on the test stories, failing on any prediction error
	$(RASA) test core --e2e --stories tests/stories --model $(MODEL) --out results/core --fail-on-prediction-errors --quiet

test-integration: $(MODEL) $(NODE_MODULES) ## hold-out accuracy, HTTP and socket.io end-to-end, rasa shell (needs the model)
	$(PY) -m pytest tests/integration -q

test-browser: $(MODEL) $(NODE_MODULES) ## the demo page's chat widget in headless Chromium (needs the model)
	$(PY) -m pytest tests/browser -q

scaleout: train ## PostgreSQL, Redis, nginx and two Rasa servers on this machine (scripts/scaleout.sh; Ctrl-C stops all)
	scripts/scaleout.sh

test-scaleout: $(MODEL) ## the scale-out topology under 50 concurrent conversations (prints the load figures)
	$(PY) -m pytest tests/integration/test_scaleout.py -q

test: install check-generated ## every test: unit, validate, train once, dialogue, bench smoke, hold-out, end-to-end (incl. scale-out), browser
	$(PY) -m pytest tests/unit -q
	@$(MAKE) --no-print-directory validate
	@$(MAKE) --no-print-directory $(MODEL)
	@$(MAKE) --no-print-directory test-dialogue
	@$(MAKE) --no-print-directory bench-smoke
	$(PY) -m pytest tests/integration -q
	@$(MAKE) --no-print-directory test-browser

bench: train ## benchmark accuracy, speed and memory against the alternatives (~40 min: most of it is training Rasa's default configuration); writes bench/results/
	$(PY) bench/bench.py

bench-smoke: $(MODEL) $(NODE_MODULES) ## a tiny sample of every benchmark step, so it cannot rot (no timings asserted)
	$(PY) bench/bench.py --quick

constraints: $(INSTALLED) ## rewrite constraints.txt from the current venv
	@{ sed -n '1,2p' constraints.txt; $(PY) -m pip freeze --exclude-editable; } > constraints.txt.new && mv constraints.txt.new constraints.txt

clean: ## remove the venv, models, results and runtime data
	rm -rf $(VENV) node_modules models results var .rasa .pytest_cache
