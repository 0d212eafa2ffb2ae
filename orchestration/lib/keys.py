"""Asset keys that several domains name: a landing folder, a raw table."""

import dagster as dg


def landing_key(source: str) -> dg.AssetKey:
    return dg.AssetKey(["landing", source])


def raw_key(raw_table: str) -> dg.AssetKey:
    return dg.AssetKey(["raw", raw_table])
