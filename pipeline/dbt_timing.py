"""Where a dbt build's time went, read from the artifacts dbt writes for it (run_results.json
and manifest.json in its target folder): `make bench` prints it under each dbt stage, and the
refresh writes it to its full log after each passing build.

Two numbers tell apart what bounds a build. The chain of nodes each waiting for the one
before it whose summed time is the largest (critical_path) is as short as the build can be
on any number of threads; what is elapsed beyond it is nodes waiting for a thread, and dbt's
own Python between them (issue 16: at 30 M person-weeks the incremental build's chain took
9.6 s of its 21.0 s, the sample's whole build's 11.2 s of 24.7 s)."""

from __future__ import annotations

import json
from pathlib import Path


def dbt_timings(run_results: Path, slowest: int = 6) -> str:
    """Where a dbt build's time went, from its run_results.json: dbt's own elapsed time, the
    nodes' summed time (they run on the profile's threads), the data tests' share of it, the
    slowest nodes, and, where the manifest.json of the same build lies beside it, the chain
    of nodes that bounds the build (critical_path)."""
    results = json.loads(run_results.read_text(encoding="utf-8"))
    nodes = sorted(results["results"], key=lambda r: -r["execution_time"])
    summed = sum(r["execution_time"] for r in nodes)
    tests = sum(r["execution_time"] for r in nodes if r["unique_id"].startswith("test."))
    top = ", ".join(
        f"{_node_name(r['unique_id'])} {r['execution_time']:.1f}" for r in nodes[:slowest]
    )
    out = (
        f"    dbt: {results['elapsed_time']:.1f} s elapsed, {summed:.1f} s in {len(nodes)} "
        f"nodes (data tests {tests:.1f} s); slowest: {top}"
    )
    manifest_path = run_results.with_name("manifest.json")
    if manifest_path.exists():
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        chain = critical_path(results, manifest)
        seconds = sum(t for _, t in chain)
        steps = " > ".join(f"{_node_name(u)} {t:.1f}" for u, t in chain if t >= 0.1)
        out += (
            f"\n    dbt critical path: {seconds:.1f} s in {len(chain)} nodes "
            f"(those of 0.1 s or more): {steps}"
        )
    return out


def critical_path(results: dict, manifest: dict) -> list[tuple[str, float]]:
    """The chain of a build's nodes, each waiting for the one before it, whose summed
    execution time is the largest: (unique_id, seconds) from its first node to its last.
    A node waits for what it depends on (the manifest's depends_on) and, in `dbt build`, for
    the data tests of its ancestors (build_parents). A build cannot end sooner than this
    chain takes, however many threads it has: what is elapsed beyond it is nodes waiting for
    a thread, or dbt's own work between nodes."""
    seconds = {r["unique_id"]: r["execution_time"] for r in results["results"]}
    parents = build_parents(manifest)
    best: dict[str, tuple[float, str | None]] = {}  # the longest chain ending at a node

    def longest(unique_id: str) -> float:
        if unique_id not in best:
            before = max(
                (p for p in parents.get(unique_id, ()) if p in seconds), key=longest, default=None
            )
            best[unique_id] = (
                seconds[unique_id] + (longest(before) if before else 0.0),
                before,
            )
        return best[unique_id][0]

    chain = []
    end = max(seconds, key=longest, default=None)
    while end is not None:
        chain.append((end, seconds[end]))
        end = best[end][1]
    return chain[::-1]


def build_parents(manifest: dict) -> dict[str, set[str]]:
    """What each node of a `dbt build` waits for: the nodes it depends on, and each data test
    all of whose nodes are among its ancestors (dbt's own rule: dbt/compilation.py
    Linker.add_test_edges_1, "add an edge from an upstream test to the given node if the set
    of nodes the test depends on is a subset of the upstream nodes", for every node but a
    test), so that nothing is built on a model before its tests have passed. Unit tests are
    left out: they run before the model they test and depend on nothing built."""
    nodes = manifest["nodes"]
    graph = {**nodes, **manifest.get("exposures", {})}
    depends = {u: set(n.get("depends_on", {}).get("nodes", [])) for u, n in graph.items()}
    tests_of: dict[str, list[str]] = {}
    for u, n in nodes.items():
        if n["resource_type"] == "test":
            for d in depends[u]:
                tests_of.setdefault(d, []).append(u)
    ancestors: dict[str, frozenset[str]] = {}

    def upstream(u: str) -> frozenset[str]:
        if u not in ancestors:
            found = set(depends.get(u, ()))
            for d in depends.get(u, ()):
                found |= upstream(d)
            ancestors[u] = frozenset(found)
        return ancestors[u]

    parents = {u: set(d) for u, d in depends.items()}
    for u, n in nodes.items():
        if n["resource_type"] == "test":
            continue
        up = upstream(u)
        for a in up:
            parents[u].update(t for t in tests_of.get(a, ()) if depends[t] <= up)
    return parents


def _node_name(unique_id: str, width: int = 48) -> str:
    """A node's name as the bench prints it: a test's without its hash suffix, a long one cut
    to `width` characters (a generic test's name spells out its columns)."""
    name = unique_id.split(".")[2] if unique_id.startswith("test.") else unique_id.split(".")[-1]
    return name if len(name) <= width else name[: width - 1] + "…"
