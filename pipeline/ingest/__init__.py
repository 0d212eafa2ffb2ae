"""Landing -> validate -> raw, in batches. The flow, one module a step:

discover (which files are new) → read (DuckDB parses every new file of a suite at once) →
validate (one Great Expectations run per suite) → load (keyed hashes, one insert per table)
or quarantine (the file and its validation result) → record (the load log, the pages).
"""

from pipeline.ingest.discover import MonthFilter, file_month, landing_files
from pipeline.ingest.problems import FileOutcome, Problem
from pipeline.ingest.run import Ingestor

__all__ = ["FileOutcome", "Ingestor", "MonthFilter", "Problem", "file_month", "landing_files"]
