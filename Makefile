# The newcomer contract: `make demo` serves Anju with a demo county; `make test` runs every test.
VENV ?= .venv
PORT ?= 8000
STAMP := $(VENV)/.installed-stamp

.PHONY: install system-deps demo test test-sqlite test-postgres test-province bench bench-province lint messages clean

$(STAMP): pyproject.toml
	python3 -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --disable-pip-version-check -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

system-deps:
	bash scripts/system-deps.sh

demo: install
	$(VENV)/bin/anju demo --port $(PORT)

lint: install
	$(VENV)/bin/ruff check src tests bench
	$(VENV)/bin/lint-imports --no-cache --no-logo

test: install system-deps
	bash scripts/test.sh

test-sqlite: install
	bash scripts/test.sh sqlite

test-postgres: install system-deps
	bash scripts/test.sh postgres

# A province: pg_auto_failover (monitor, primary, synchronous standby, read replica) and
# pgbouncer on loopback ports; racing workers and a failover under writes (docs/decisions/0044).
test-province: install system-deps
	bash scripts/test-province.sh

bench: install system-deps
	bash scripts/bench.sh

# A province on PostgreSQL (production durability); HOUSES=200000 COUNTY_HOUSES=20000 for a quick run.
HOUSES ?= 5000000
COUNTY_HOUSES ?= 300000
bench-province: install system-deps
	bash scripts/bench-province.sh --houses $(HOUSES) --county-houses $(COUNTY_HOUSES)

messages: install
	cd src/anju && ../../$(VENV)/bin/anju compilemessages

clean:
	rm -rf $(VENV) var test-artifacts
