# Two commands matter: `make serve` runs the app, `make test` runs the tests.
# Both build .venv first (only when pyproject.toml changed).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 5006

.PHONY: serve test bench venv clean

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[test]'
	touch $@

venv: $(BIN)/.installed

serve: venv
	$(BIN)/playground serve --port $(PORT)

test: venv
	$(BIN)/python -m pytest -q

bench: venv
	$(BIN)/playground bench lecture
	$(BIN)/playground bench speed

clean:
	rm -rf $(VENV) build *.egg-info
