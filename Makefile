# The README's commands. Each installs what it needs: a tools venv with uv, then the locked
# environment in .venv (uv sync --frozen), so a fresh machine needs only Python 3.11.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
TOOLS := .tools
UV := $(TOOLS)/bin/uv
VENV := .venv
STAMP := $(VENV)/.synced
SCALE ?= 1.0
export DO_NOT_TRACK := 1
export DBT_SEND_ANONYMOUS_USAGE_STATS := false
export GX_ANALYTICS_ENABLED := False
# one planned event per asset for a run over many months (orchestration/lib/partitions.py)
export DAGSTER_EMIT_PARTITION_SUBSET_IN_PLANNED_EVENTS := 1

.PHONY: install run test dev lint bench docs clean

$(UV):
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/pip install --quiet --disable-pip-version-check uv==0.13.9

# --compile-bytecode: the installed packages' .pyc written once, at install. Where
# PYTHONDONTWRITEBYTECODE is set (as on this workplace's machines), Python otherwise compiles
# every module it imports in every process: `import orchestration.run` took 10.8 s instead
# of 4.7 s, in each `bkwh` and dbt process (make test: 238 s -> 200 s, on 2 cores).
$(STAMP): $(UV) uv.lock pyproject.toml Makefile
	$(UV) sync --frozen --quiet --compile-bytecode --python $(PYTHON)
	touch $(STAMP)

install: $(STAMP)

## make run: generate the sample if landing is empty, then validate, load, build, publish, report
run: install .dagster_home/dagster.yaml
	DAGSTER_HOME=$(CURDIR)/.dagster_home $(VENV)/bin/bkwh run

## make test: the test suite (real DuckDB files, real dbt, real GX, Dagster in-process)
# Its temporary folder (every test world's warehouse, landing, logs and copies: 3 GB written
# in a run, 0.7 GB left at its end) on /dev/shm, a tmpfs, where the machine has one with
# 4 GiB free (a container's may have 64 MB): on this machine's disk the kernel's share of
# the suite's CPU was 62 s, on /dev/shm 42 s. Elsewhere the system's own.
test: install
	tmp=$${TMPDIR:-/tmp}; \
	if [ -w /dev/shm ] && [ "$$(df -Pk /dev/shm | awk 'NR==2 {print $$4}')" -ge 4194304 ]; then \
		tmp=/dev/shm; fi; \
	env -u DAGSTER_HOME TMPDIR=$$tmp $(VENV)/bin/pytest

## make dev: the Dagster UI on http://127.0.0.1:3000
dev: install .dagster_home/dagster.yaml
	DAGSTER_HOME=$(CURDIR)/.dagster_home $(VENV)/bin/dagster dev -m orchestration.definitions -h 127.0.0.1 -p 3000

# the instance settings (the warehouse pool's limit of 1) for make run and make dev
.dagster_home/dagster.yaml: orchestration/dagster.yaml
	mkdir -p .dagster_home
	cp orchestration/dagster.yaml $@

lint: install
	$(VENV)/bin/ruff check pipeline orchestration tests
	$(VENV)/bin/ruff format --check pipeline orchestration tests
	mkdir -p data && BKWH_WAREHOUSE_PATH=$(CURDIR)/data/warehouse.duckdb $(VENV)/bin/sqlfluff lint dbt_project/models dbt_project/tests

## make bench SCALE=1.0: per-stage seconds and peak memory on a generated world
## (BENCH_ARGS=--keep-world reuses the world the previous bench of that scale generated)
bench: install
	$(VENV)/bin/python -m pipeline.bench --scale $(SCALE) $(BENCH_ARGS)

## make docs: the dbt documentation site with lineage and exposures, from the warehouse that
## make run built: dbt_project/target/index.html (served) and static_index.html (one file)
docs: install
	cd dbt_project && ../$(VENV)/bin/dbt docs generate --static --profiles-dir .

clean:
	rm -rf data reports/output reports/test-output dbt_project/target dbt_project/logs .dagster_home
