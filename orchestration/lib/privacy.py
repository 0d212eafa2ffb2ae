"""No person id in what Dagster prints or stores, wherever the run was launched.

`bkwh run` routes everything its process prints through a masking pipe (pipeline/logs.py).
A run launched from the UI, by the schedule or by the landing sensor runs in a process of
the daemon or the webserver, where that pipe is not: its Dagster log lines go to that
process's terminal, and its step failures into the event log that the UI shows. Two guards
cover those runs as well:

- `masked_console_logger`, every job's console logger (Definitions' default loggers): the
  console logger Dagster gives a job by default, with the same options (`log_level`,
  `name`), whose lines show CPR-shaped numbers by their shape only. Dagster uses a job's
  loggers only when the run's config names them, and falls back to its own colored console
  otherwise: `RUN_LOGGING` is that config, given by `bkwh run`, the landing sensor and the
  monthly schedule, and the refresh job's default (a month launched from the UI). A range of
  months launched from the UI gets no default config from Dagster: add `RUN_LOGGING` in the
  launchpad, or start it with `bkwh run --month ... --to-month ...`.
- `failing_without_person_ids`, around a step that reads files holding CPR numbers (ingest):
  an error that its own handling did not expect fails the step with its text masked, and
  without the original exception, whose message could quote a row, in the chain Dagster
  stores.
"""

from __future__ import annotations

import logging
import sys
import traceback
from collections.abc import Iterator
from contextlib import contextmanager

import dagster as dg

from pipeline.privacy import MaskedFormatter, hide_person_ids

FORMAT = "%(asctime)s - %(name)s - %(levelname)s - %(message)s"  # Dagster's console format

# a run's config naming the masked console logger; DEBUG, as Dagster's own fallback prints
RUN_LOGGING = {"loggers": {"console": {"config": {"log_level": "DEBUG"}}}}


@dg.logger(
    {
        "log_level": dg.Field(str, is_required=False, default_value="INFO"),
        "name": dg.Field(str, is_required=False, default_value="dagster"),
    },
    description="Dagster's console logger, with person ids shown by their shape only.",
)
def masked_console_logger(init_context: dg.InitLoggerContext) -> logging.Logger:
    config = init_context.logger_config
    level = logging.getLevelName(str(config["log_level"]).upper())
    logger = logging.Logger(config["name"], level=level)
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(MaskedFormatter(FORMAT))
    logger.addHandler(handler)
    return logger


@contextmanager
def failing_without_person_ids(what: str) -> Iterator[None]:
    """Let Dagster's own signals through (a retry, a failure the step raised itself); any
    other error fails the step with its message and traceback masked, from None."""
    try:
        yield
    except (dg.RetryRequested, dg.Failure):
        raise
    except Exception as e:  # re-raised, masked
        text = hide_person_ids("".join(traceback.format_exception(e)))
        raise dg.Failure(
            description=f"{what} failed: {hide_person_ids(f'{type(e).__name__}: {e}')}",
            metadata={"traceback": dg.MetadataValue.text(text)},
        ) from None
