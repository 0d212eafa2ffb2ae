"""A failed step's error as the console and the log say it."""

from __future__ import annotations

import re

# dagster-dbt's error for a failed dbt process: the whole command line (some 6 KB with the
# selection) and a pointer to compute logs this installation does not keep
_DBT_COMMAND = re.compile(r"The dbt CLI process with command\s*`([^`]*)`\s*", re.DOTALL)
_COMPUTE_LOGS = re.compile(
    r" Check the stdout in the Dagster compute logs.*?(?=\.(\s|$))", re.DOTALL
)


def said_of_failure(message: str) -> str:
    """A failed step's error as the console says it: a dbt failure with its command cut to
    its first two words and dbt's own lines pointed at the full log (dbt's errors, which
    follow, are kept in full)."""
    message = _DBT_COMMAND.sub(
        lambda m: "dbt (`" + " ".join(m.group(1).split()[:2]) + " …`) ", message.strip()
    )
    return _COMPUTE_LOGS.sub(" dbt's lines are in the full log", message)
