"""Validation results a person can read, beside their JSON: a page per refused file, a page
per batch (a suite's new files validated together), and `index.html` over the load log
(every file loaded or quarantined, newest first).

Plain, self-contained pages in the spirit of GX Data Docs, built from our own result JSON
(GX's Data Docs need a file-backed context and its SQL/pandas asset store; the JSON we keep
is already the full result).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import duckdb
from jinja2 import Environment, select_autoescape

from pipeline.files import write_atomic

_env = Environment(autoescape=select_autoescape(default=True), trim_blocks=True)

_STYLE = """
body { font-family: system-ui, sans-serif; margin: 2em; color: #222; }
table { border-collapse: collapse; margin: 1em 0; }
th, td { border: 1px solid #bbb; padding: .3em .6em; text-align: left; vertical-align: top; }
th { background: #eee; }
.ok { color: #14632d; } .bad { color: #a4161a; font-weight: bold; }
code { font-size: 90%; }
"""

_FILE_PAGE = _env.from_string("""<!doctype html>
<html lang="da"><head><meta charset="utf-8"><title>Validering: {{ d.file }}</title>
<style>{{ style }}</style></head><body>
<h1>{{ d.source }}/{{ d.file }}</h1>
<p class="{{ 'ok' if d.success else 'bad' }}">
{{ '✔ godkendt og indlæst' if d.success else '✘ afvist: filen er i karantæne, intet er indlæst' }}
</p>
<p>Suite <code>{{ d.suite or 'ingen' }}</code> · valideret {{ d.validated_at }} ·
SHA-256 <code>{{ d.file_sha256 }}</code></p>
{% if d.problems %}
<h2>Problemer</h2>
<table><tr><th>Række</th><th>Kolonne</th><th>Problem</th><th>Værdi</th>
<th>Forventet / regel</th></tr>
{% for p in d.problems %}
<tr><td>{{ p.rows | join(', ') if p.rows else (p.row if p.row is not none else '') }}</td>
<td>{{ p.column or '' }}</td><td>{{ p.message }}</td><td>{{ p.value or '' }}</td>
<td>{{ p.expected or p.rule or '' }}</td></tr>
{% endfor %}
</table>
{% endif %}
{% if d.expectations %}
<h2>Forventninger ({{ d.expectations | selectattr('success') | list | length }} af
{{ d.expectations | length }} opfyldt)</h2>
<table><tr><th></th><th>Forventning</th><th>Uventede rækker</th><th>Eksempler</th></tr>
{% for e in d.expectations %}
<tr><td class="{{ 'ok' if e.success else 'bad' }}">{{ '✔' if e.success else '✘' }}</td>
<td><code>{{ e.description }}</code></td>
<td>{{ e.unexpected_count or '' }}{% if e.unexpected_rows %} (række
{{ e.unexpected_rows[:10] | join(', ') }}){% endif %}</td>
<td>{{ e.unexpected_values[:5] | join(', ') }}
{% if e.error %}<br>fejl: {{ e.error }}{% endif %}</td></tr>
{% endfor %}
</table>
{% endif %}
<p><a href="{{ index }}">Alle valideringer</a></p>
</body></html>
""")

_BATCH_PAGE = _env.from_string("""<!doctype html>
<html lang="da"><head><meta charset="utf-8"><title>Validering: {{ d.suite }}</title>
<style>{{ style }}</style></head><body>
<h1>{{ d.source }}: {{ d.suite }}</h1>
<p>{{ d.files | length }} filer valideret sammen {{ d.validated_at }};
{{ d.files | selectattr('success') | list | length }} godkendt og indlæst,
{{ d.files | rejectattr('success') | list | length }} afvist.</p>
<h2>Forventninger ({{ d.expectations | selectattr('success') | list | length }} af
{{ d.expectations | length }} opfyldt af alle filer)</h2>
<table><tr><th></th><th>Forventning</th></tr>
{% for e in d.expectations %}
<tr><td class="{{ 'ok' if e.success else 'bad' }}">{{ '✔' if e.success else '✘' }}</td>
<td><code>{{ e.description }}</code></td></tr>
{% endfor %}
</table>
<h2>Filer</h2>
<table><tr><th>Fil</th><th>Rækker</th><th>Status</th><th>SHA-256</th></tr>
{% for f in d.files %}
<tr><td>{% if f.page %}<a href="{{ f.page }}">{{ f.file }}</a>{% else %}{{ f.file }}{% endif %}
</td><td>{{ f.rows }}</td>
<td class="{{ 'ok' if f.success else 'bad' }}">{{ 'indlæst' if f.success else 'afvist' }}</td>
<td><code>{{ f.file_sha256 }}</code></td></tr>
{% endfor %}
</table>
<p><a href="{{ index }}">Alle valideringer</a></p>
</body></html>
""")

_INDEX = _env.from_string("""<!doctype html>
<html lang="da"><head><meta charset="utf-8"><title>Valideringer</title>
<style>{{ style }}</style></head><body>
<h1>Valideringer af leverancer</h1>
<p>{{ rows | length }} filer i load-loggen; {{ n_bad }} afvist. Nyeste først.</p>
<table><tr><th>Tid</th><th>Kilde</th><th>Fil</th><th>Status</th><th>Rækker</th>
<th>Besked</th></tr>
{% for r in rows %}
<tr><td>{{ r.loaded_at }}</td><td>{{ r.source }}</td>
<td>{% if r.page %}<a href="{{ r.page }}">{{ r.source_file }}</a>{% else %}{{ r.source_file }}
{% endif %}</td>
<td class="{{ 'bad' if r.status == 'quarantined' else 'ok' }}">{{ r.status }}
{%- if r.status == 'loaded' and not r.is_current %} (erstattet){% endif %}</td>
<td>{{ r.n_rows }}</td><td>{{ r.message or '' }}</td></tr>
{% endfor %}
</table></body></html>
""")


def write_validation_page(doc: dict[str, Any], path: Path) -> Path:
    """The page of one file's validation, or of a batch's (a doc with `files`)."""
    template = _BATCH_PAGE if "files" in doc else _FILE_PAGE
    html = template.render(
        d=doc,
        style=_STYLE,
        index=os.path.relpath(path.parent.parent / "index.html", path.parent),
    )
    write_atomic(path, html.encode("utf-8"))
    return path


def write_index(con: duckdb.DuckDBPyConnection, folder: Path) -> Path:
    """`index.html` over the whole load log, linking each row to its validation page."""
    cols = ["loaded_at", "source", "source_file", "status", "is_current", "n_rows", "message"]
    found = con.execute(
        f"select {', '.join(cols)}, validation_path from raw._load_log order by loaded_at desc"
    ).fetchall()
    folder.mkdir(parents=True, exist_ok=True)
    rows = []
    for r in found:
        row = dict(zip(cols, r, strict=False))
        row["loaded_at"] = f"{row['loaded_at']:%Y-%m-%d %H:%M:%S}"
        page = Path(r[-1]).with_suffix(".html") if r[-1] else None
        row["page"] = os.path.relpath(page, folder) if page and page.exists() else None
        rows.append(row)
    out = folder / "index.html"
    page = _INDEX.render(
        rows=rows, n_bad=sum(r["status"] == "quarantined" for r in rows), style=_STYLE
    )
    write_atomic(out, page.encode("utf-8"))
    return out
