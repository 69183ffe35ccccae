# rnnviz: `make run` opens the app, `make test` runs the whole test suite,
# `make desktop` adds rnnviz to the desktop's application menu.
# Both create .venv with the python3 on PATH (override with PYTHON=...).

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PIP := $(BIN)/python -m pip --quiet --disable-pip-version-check

# Stamps make the install (and the Qt system-library check) happen again only
# when pyproject.toml or the check changes.
RUN_STAMP := $(VENV)/.installed-run
TEST_STAMP := $(VENV)/.installed-test

.PHONY: run test bench desktop clean

run: $(RUN_STAMP)
	$(BIN)/rnnviz

# RNNVIZ_REQUIRE_TORCH=1 (set by .ci/run) also installs PyTorch's CPU build, so that the tests
# against a live torch module run instead of skipping; torch is never a runtime requirement.
TORCH_SPEC ?= torch==2.13.0

test: $(TEST_STAMP)
	@if [ -n "$$RNNVIZ_REQUIRE_TORCH" ] && ! $(BIN)/python -c "import torch" 2>/dev/null; then \
		echo "installing $(TORCH_SPEC) for the live-torch tests"; \
		$(PIP) install "$(TORCH_SPEC)"; \
	fi
	$(BIN)/python -m pytest

# The desktop entry and icon go to $$XDG_DATA_HOME (default ~/.local/share), written atomically.
desktop: $(RUN_STAMP)
	$(BIN)/python -m rnnviz.desktop

bench: $(RUN_STAMP)
	@set -e; found=0; \
	for bench in benchmarks/bench_*.py; do \
		[ -e "$$bench" ] || continue; found=1; \
		echo "== $$bench"; \
		$(BIN)/python "$$bench"; \
	done; \
	[ $$found -eq 1 ] || echo "no benchmarks/bench_*.py found"

$(BIN)/python:
	bash tools/create_venv.sh "$(PYTHON)" "$(VENV)"

$(RUN_STAMP): pyproject.toml tools/ensure_qt_libs.sh | $(BIN)/python
	$(PIP) install -e .
	bash tools/ensure_qt_libs.sh $(BIN)/python
	touch $@

# The test install includes everything the run install has.
$(TEST_STAMP): pyproject.toml tools/ensure_qt_libs.sh | $(BIN)/python
	$(PIP) install -e '.[test]'
	bash tools/ensure_qt_libs.sh $(BIN)/python
	touch $@ $(RUN_STAMP)

clean:
	rm -rf $(VENV) build dist *.egg-info rnnviz.egg-info .pytest_cache .import_linter_cache
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
