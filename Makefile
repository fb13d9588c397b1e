# TrustPay: `make run` and `make test` are the whole set-up on a fresh machine.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-$(shell cksum pyproject.toml | cut -d' ' -f1)

.PHONY: install run test lint typecheck unit bench migrate clean contracts

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' \
		|| { echo "TrustPay needs Python 3.11 or newer: make PYTHON=python3.12 ..."; exit 1; }
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@rm -f $(VENV)/.installed-* && touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	$(BIN)/trustpay migrate
	$(BIN)/trustpay run

migrate: $(STAMP)
	$(BIN)/trustpay migrate

test: lint typecheck unit

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP)
	$(BIN)/mypy

# Most tests wait on sockets and timers, so three workers fit on two cores.
unit: $(STAMP)
	$(BIN)/pytest -n $(or $(TEST_WORKERS),3)

bench: $(STAMP)
	$(BIN)/python -m bench

# Recompile the Vyper contracts into their committed ABI/bytecode JSON.
contracts: $(STAMP)
	$(BIN)/python -m contracts.build

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache *.egg-info trustpay.db trustpay.db-*
