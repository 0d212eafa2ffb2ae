"""What each indicator is computed by, as one fingerprint: told apart between two
publications, a figure that changed because its definition changed is not taken for one the
sources revised.

An indicator's figures are made by its model (the catalogue's `model_name`), everything that
model reads (models, seeds and snapshots up to the raw sources, whose rows are data, not
definition), the project's macros they call, the dbt vars their code names, and its own
catalogue row's words of what it measures (CATALOGUE_COLUMNS). The models from it on to
`fct_indicator_values` publish its figures (intervals, suppression, provisional months) and
are shared by all: an edit there would mark every indicator's revisions as a new
computation, hiding the sources' own revisions of that month (helper-81), so they are not
part of it. The SQL is compared without its comments and spacing, so a comment or
a reflowed line is no new definition; any other edit of that code is one, whether or not it
moves a figure: where no figure moved there is no revision to label. An indicator without a
model (one replaced) has only its catalogue row.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pipeline.config import DBT_PROJECT_DIR, dbt_vars

log = logging.getLogger(__name__)

# The catalogue's columns that say what a figure measures and how it is counted (the seed's
# notes, headlines and breakdowns do not change a published figure).
CATALOGUE_COLUMNS = (
    "definition",
    "definition_da",
    "unit",
    "period_type",
    "counted_from_months",
    "mix_adjusted_by",
    "compared_within",
)
# The way a fingerprint is made, before it: two fingerprints are compared only when made the
# same way (publish._record_revisions), so that a change of this module, which changes every
# fingerprint, marks no revision as a new computation (helper-82). Raise it with any change
# to what goes into a fingerprint.
METHOD = "v2"
# the project's parse: orchestration/project.py makes it again whenever a file dbt parses is
# newer (manifest_is_stale)
MANIFEST = DBT_PROJECT_DIR / "target" / "manifest.json"
PARSED = ("dbt_project.yml", "profiles.yml")
PARSED_FOLDERS = ("models", "macros", "seeds", "tests", "analyses")

_COMMENTS = re.compile(r"\{#.*?#\}|/\*.*?\*/|--[^\n]*", re.DOTALL)
_VAR = re.compile(r"""\bvar\(\s*['"](\w+)['"]""")


def manifest_is_stale(manifest: Path = MANIFEST) -> bool:
    """True when the manifest is missing or older than any file dbt parses, so that an
    edited model is never taken from an old graph (a new model would be unknown to it)."""
    if not manifest.exists():
        return True
    built = manifest.stat().st_mtime
    parsed = [DBT_PROJECT_DIR / name for name in PARSED]
    for folder in PARSED_FOLDERS:
        parsed.extend(p for p in (DBT_PROJECT_DIR / folder).rglob("*") if p.is_file())
    return any(p.exists() and p.stat().st_mtime > built for p in parsed)


def current_fingerprints(catalogue: list[Mapping[str, Any]]) -> dict[str, str] | None:
    """Each indicator's fingerprint (`fingerprints`) from the project's parse; None, with a
    warning, where that parse is missing or older than the code (nothing is then labelled)."""
    if manifest_is_stale():
        log.warning(
            "the dbt project's parse (%s) is missing or older than its code: this "
            "publication records no definition fingerprints, and its next one labels no "
            "revision as a change of definition",
            MANIFEST,
        )
        return None
    return fingerprints(json.loads(MANIFEST.read_text(encoding="utf-8")), catalogue)


def fingerprints(manifest: Mapping[str, Any], catalogue: list[Mapping[str, Any]]) -> dict[str, str]:
    """indicator_id -> 'METHOD:SHA-256' of what computes its figures (the module's
    docstring), for each row of `catalogue` (marts.dim_indicator's, as built)."""
    nodes, macros = manifest["nodes"], manifest.get("macros", {})
    project = manifest["metadata"].get("project_name")
    by_name = {n["name"]: k for k, n in nodes.items() if n["resource_type"] == "model"}

    def parents(unique_id: str) -> list[str]:
        return [p for p in nodes.get(unique_id, {}).get("depends_on", {}).get("nodes", [])]

    def upstream(unique_id: str) -> set[str]:
        seen, todo = set(), [unique_id]
        while todo:
            for p in parents(todo.pop()):
                if p in nodes and p not in seen:
                    seen.add(p)
                    todo.append(p)
        return seen

    out = {}
    for row in catalogue:
        h = hashlib.sha256()
        for column in CATALOGUE_COLUMNS:
            h.update(f"{column}={json.dumps(row.get(column), default=str)}\0".encode())
        model = by_name.get(row.get("model_name") or "")
        if model is not None:
            for unique_id in sorted(upstream(model) | {model}):
                h.update(_node_text(unique_id, nodes[unique_id], macros, project).encode())
        out[row["indicator_id"]] = f"{METHOD}:{h.hexdigest()}"
    return out


def _node_text(
    unique_id: str, node: Mapping[str, Any], macros: Mapping[str, Any], project: str | None
) -> str:
    """A node's part of a fingerprint: its code without comments and spacing (a seed's file
    checksum), the project macros it calls (through each other), and the vars all of it
    names, with their values."""
    if node["resource_type"] == "seed":
        return f"{unique_id}\0{node['checksum']['checksum']}\0"
    code = [_plain(node.get("raw_code", ""))]
    todo, seen = list(node.get("depends_on", {}).get("macros", [])), set()
    while todo:
        name = todo.pop()
        macro = macros.get(name)
        if name in seen or macro is None or macro.get("package_name") != project:
            continue  # dbt's own and adapters' macros are the tool's, not a definition
        seen.add(name)
        code.append(f"{name}:{_plain(macro['macro_sql'])}")
        todo.extend(macro.get("depends_on", {}).get("macros", []))
    names = sorted({v for text in code for v in _VAR.findall(text)})
    known = dbt_vars()
    values = [f"{v}={json.dumps(known.get(v), sort_keys=True, default=str)}" for v in names]
    return "\0".join([unique_id, *code[:1], *sorted(code[1:]), *values]) + "\0"


def _plain(sql: str) -> str:
    """SQL and Jinja without comments, and with one space wherever there was any spacing."""
    return " ".join(_COMMENTS.sub(" ", sql).split())
