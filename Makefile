# qiangji — `make run` serves the demo on http://127.0.0.1:8000; `make test` runs the whole suite.
PYTHON ?= $(shell command -v python3.13 || command -v python3.12 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
STAMP := $(VENV)/.installed

.PHONY: run test test-browser screenshots lint format messages bench bench-all clean venv check-deploy

$(BIN)/python:
	$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else "qiangji needs Python >= 3.12")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

venv: $(STAMP)

run: $(STAMP)
	HTTPS=$${HTTPS:-0} $(BIN)/qiangji migrate --no-input
	HTTPS=$${HTTPS:-0} $(BIN)/qiangji demo
	@echo "Open http://127.0.0.1:$(PORT)/ and log in with one of the accounts above."
	HTTPS=$${HTTPS:-0} $(BIN)/qiangji serve --port $(PORT) --with-worker

test: $(STAMP)
	$(BIN)/pytest -q

test-browser: $(STAMP)
	$(BIN)/pytest -q -m browser

# Refresh docs/screenshots/ from the browser tests (they write to var/screenshots/ otherwise).
screenshots: $(STAMP)
	QIANGJI_SCREENSHOTS=docs/screenshots $(BIN)/pytest -q -m browser

lint: $(STAMP)
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .
	$(BIN)/qiangji makemigrations --check --dry-run

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

messages: $(STAMP)
	$(BIN)/python tools/messages.py

check-deploy: $(STAMP)
	DEBUG=0 EMAIL_BACKEND=django.core.mail.backends.smtp.EmailBackend SECRET_KEY=check-deploy-$$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n') ALLOWED_HOSTS=example.org \
	  $(BIN)/qiangji check --deploy --fail-level WARNING

# The platform at district scale (generator + locust load test, ~5 min); bench-all: every benchmark.
bench: $(STAMP)
	$(BIN)/python bench/load_test.py --scale district --run-time 90s

bench-all: $(STAMP)
	@for b in bench/[a-z]*.py; do case $$b in *locustfile.py|*load_test.py) continue;; esac; echo "== $$b"; $(BIN)/python $$b || exit 1; done

clean:
	rm -rf $(VENV) var build dist src/*.egg-info
