"""Person ids in text: what the warehouse says about a file or a run never repeats one.

A CPR number is ten digits, the first six a date (ddmmyy), often written ddmmyy-xxxx
(CPR-loven; https://cpr.dk). Ingest replaces every CPR column by a keyed hash before anything
is stored; this is for the text around it: a refused file's problems and validation result,
the load log, and the refresh's log, where an error message of DuckDB, pandas, Great
Expectations or dbt can quote a value of the row it failed on.
"""

from __future__ import annotations

import logging
import re

# ddmmyy-xxxx, ten digits whose first six are a date, not preceded by a digit, or the two
# parts apart by a space, a slash or any dash a word processor writes (en, em, non-breaking
# hyphen, minus: a CPR pasted from a letter; helper-61's probe, December 2026). Not a dot:
# '150385.4329' is as likely a share or a count of fuldtidspersoner, and a run's stamp
# (10:05:12.6352) reads so. A longer run of digits is hidden from its start (a mistyped CPR
# with a digit too many).
SEPARATOR = r"[-\u2010-\u2014\u2212/ ]?"
CPR_SHAPED = re.compile(
    r"(?<![0-9])(?:0[1-9]|[12][0-9]|3[01])(?:0[1-9]|1[0-2])[0-9]{2}" + SEPARATOR + r"[0-9]{4}[0-9]*"
)
# what hide_person_ids leaves of one (xxxxxx-xxxx): a text that had a CPR number in it
SHOWN_BY_SHAPE = re.compile(r"x{6}" + SEPARATOR + r"x{4}")

# a content hash's hex digits 0-9 as the letters g-p (content_tag)
HEX_DIGITS_AS_LETTERS = str.maketrans("0123456789", "ghijklmnop")


def content_tag(sha256: str) -> str:
    """A file's content hash's first ten hex characters, in a name the warehouse gives (a
    batch id, a refused file's name in quarantine and its validation result's): its digits
    as the letters g-p, so that no tag has the shape of a CPR number, which a scan for
    person ids would rightly flag and the logs' masking would show as xxxxxx-xxxx, naming
    a file that does not exist (review, December 2026: '2004180714'; helper-119: a second
    refusal kept as meetings_2026-11.1904463362.csv, printed as ….xxxxxxxxxx.csv)."""
    return sha256[:10].translate(HEX_DIGITS_AS_LETTERS)


# a digit of another script than ASCII's (Arabic-Indic, full-width …): no message of the
# warehouse's own writes one, so every one is hidden (helper-70's probe: a CPR number in
# Arabic-Indic digits was refused, and quoted in clear)
OTHER_DIGITS = re.compile(r"(?![0-9])\d+")


def shape_only(text: str) -> str:
    """Every digit of `text` (of any script) as x: a value of a person-id column, shown by
    its shape alone (a malformed CPR number, which no pattern of a valid one recognises,
    included)."""
    return re.sub(r"\d", "x", text)


def hide_person_ids(text: str) -> str:
    """`text` with every CPR-shaped number shown by its shape only (xxxxxx-xxxx), and every
    digit of a script other than ASCII's as x. Ten digits that merely look like one (inside a
    hex id, say) are hidden too: a log line loses a few digits rather than risk a person id.
    A value known to be a person id is shown with shape_only instead, valid or not."""
    text = OTHER_DIGITS.sub(lambda m: shape_only(m.group(0)), text)
    return CPR_SHAPED.sub(lambda m: shape_only(m.group(0)), text)


class MaskedFormatter(logging.Formatter):
    """A formatter whose lines, traceback included, show no CPR-shaped number."""

    def format(self, record: logging.LogRecord) -> str:
        return hide_person_ids(super().format(record))
