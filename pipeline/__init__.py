"""Ballerup's employment-strategy warehouse: ingest, validation, publish, report, sample data."""

import os

os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")
