# Kaishu: `make run` starts the app, `make test` runs every check. Both set everything up.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
DB ?= data/kaishu.db
SUDO := $(shell [ "$$(id -u)" != "0" ] && command -v sudo)
SYSTEM_PACKAGES := chromium fonts-ipafont-gothic libreoffice-calc-nogui

.PHONY: run test demo backup lint format system-deps bench clean-venv

$(VENV)/.runtime: requirements.txt
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.txt
	@touch $@

$(VENV)/.dev: $(VENV)/.runtime requirements-dev.txt
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	@touch $@

# Debian's chromium drives the browser tests (never a downloaded browser); the IPA Gothic font
# renders Japanese in PDF letters; LibreOffice (headless) checks that exported workbooks open.
system-deps:
	@if [ ! -x /usr/bin/chromium ] || [ ! -f /usr/share/fonts/opentype/ipafont-gothic/ipag.ttf ] \
		|| [ ! -x /usr/bin/soffice ]; then \
		echo "Installing $(SYSTEM_PACKAGES) from Debian"; \
		$(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq $(SYSTEM_PACKAGES); \
	fi

run: $(VENV)/.runtime
	$(BIN)/python -m lib.cli --db $(DB) migrate
	@echo "Back up daily (keeps 14): add to cron  0 2 * * * cd $(CURDIR) && make backup"
	KAISHU_DB=$(DB) $(BIN)/streamlit run app.py --server.address 127.0.0.1 --server.port 8501

test: $(VENV)/.dev system-deps
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/pytest

demo: $(VENV)/.runtime
	$(BIN)/python -m lib.cli --db $(DB) demo

# A consistent copy while the app runs; keeps the newest 14. Run it daily from cron:
#   0 2 * * * cd /path/to/kaishu && make backup >> data/logs/backup.log 2>&1
backup: $(VENV)/.runtime
	$(BIN)/python -m lib.cli --db $(DB) backup data/backups --keep 14

lint: $(VENV)/.dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

bench: $(VENV)/.dev
	$(BIN)/python benchmarks/bench_import.py
	$(BIN)/python benchmarks/bench_match.py
	$(BIN)/python benchmarks/bench_worklist.py
	$(BIN)/python benchmarks/bench_reports.py
	$(BIN)/python benchmarks/bench_forecast.py
	$(BIN)/python benchmarks/bench_load.py
	$(BIN)/python benchmarks/fuzz_import.py
