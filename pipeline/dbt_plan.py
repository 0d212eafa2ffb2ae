"""What a refresh's `dbt build` may leave out: the data tests whose inputs have not changed
since the last passing build (issue 16).

A data test gives the same result on the same rows: one whose every upstream raw table has
had no load since that build (pipeline/state.py raw_tables_loaded_since_build), and under
which no model reads the clock (its rows may differ from day to day), passed on exactly
these rows then. At 30 M person-weeks a monthly delivery leaves the registers unchanged: 37
of the 188 data tests, 4.4 s of the build's node time. Every model and seed is a node of
the build: each incremental model decides itself what to rebuild (macros/rebuild_months.sql),
a view or seed whose definition is unchanged leaves itself as it is
(macros/unchanged_relations.sql), a table model may read the clock, and the seeds and models
are Dagster assets, whose publish step is skipped when one of them is not materialised (a
left-out test is an asset check without a result, which does not hold the publish back).
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from typing import Any

# The refresh's dbt build (orchestration/defs/transform/assets.py; `make bench` times the
# same): dbt's models, seeds, snapshots and data tests. Unit tests prove the models' logic on
# fixed rows, not on the data: dbt recommends running them in development and CI only ("Unit
# testing models", docs.getdbt.com/docs/build/unit-tests), and `make test` runs the whole
# `dbt build` with them (tests/test_pipeline.py). No colour codes: dbt's lines go to the
# refresh's log file, where they would be raw escapes.
BUILD_ARGS = ("build", "--exclude-resource-type", "unit_test", "--no-use-colors")

# A model's SQL or Python that reads today's date: its rows may change with nothing new.
READS_THE_CLOCK = re.compile(
    r"\b(current_date|current_timestamp|now\s*\(|today\s*\(|get_current_time)", re.IGNORECASE
)
LEFT_OUT = ("test",)


def unchanged_nodes(manifest: Mapping[str, Any], changed: Collection[str]) -> list[str]:
    """The names of the data tests in `manifest` (a dbt manifest.json) whose upstream raw
    tables (source identifiers) are none of `changed` and under which no model reads the
    clock; sorted."""
    nodes, sources = manifest["nodes"], manifest["sources"]
    macros = manifest.get("macros", {})
    memo: dict[str, tuple[frozenset[str], bool]] = {}

    def upstream(unique_id: str) -> tuple[frozenset[str], bool]:
        """(raw tables read, whether anything read reads the clock), through every parent."""
        if unique_id in memo:
            return memo[unique_id]
        memo[unique_id] = (frozenset(), False)  # a cycle cannot occur in dbt's DAG
        node = nodes.get(unique_id, {})
        code = node.get("raw_code", "") + "".join(
            macros.get(m, {}).get("macro_sql", "")
            for m in node.get("depends_on", {}).get("macros", [])
        )
        tables: set[str] = set()
        clock = node.get("resource_type") == "model" and bool(READS_THE_CLOCK.search(code))
        for parent in node.get("depends_on", {}).get("nodes", []):
            if parent in sources:
                tables.add(sources[parent]["identifier"])
            else:
                parent_tables, parent_clock = upstream(parent)
                tables |= parent_tables
                clock = clock or parent_clock
        memo[unique_id] = (frozenset(tables), clock)
        return memo[unique_id]

    out = []
    for unique_id, node in nodes.items():
        if node["resource_type"] not in LEFT_OUT or not node["config"].get("enabled", True):
            continue
        tables, clock = upstream(unique_id)
        if not clock and not (tables & set(changed)):
            out.append(node["name"])
    return sorted(out)
