# Two commands matter: `make serve` runs the app, `make test` runs the tests.
# Both build .venv first (only when pyproject.toml changed).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 5006

.PHONY: serve test bench venv clean messages

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

# Refresh the Ukrainian catalogue from the code's _() and N_() marks; translate the new
# entries in the .po file, then reinstall (the install compiles it).
messages: venv
	mkdir -p build
	$(BIN)/pybabel -q extract -k _ -k N_ -k ngettext:1,2 --no-location -o build/playground.pot playground components datasets
	$(BIN)/pybabel -q update -i build/playground.pot -d playground/i18n/locale -D playground --no-fuzzy-matching

clean:
	rm -rf $(VENV) build *.egg-info
