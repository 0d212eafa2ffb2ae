"""The committee report as PDF, beside the HTML (issue 15 §1): the same page, printed by
WeasyPrint (pure Python over the system's Pango and fonts; nothing is fetched). The HTML's
print rules make it a document: A4 with page numbers and the data month in the footer (the
@page margin boxes), a contents page whose entries carry their page numbers
(`target-counter`), headings kept with what follows them, charts and tables not split.
Browsers ignore the rules that only a paged renderer knows.

WeasyPrint needs the system libraries Pango (with PangoFT2), HarfBuzz, fontconfig and GObject
(Debian: libpango-1.0-0, libpangoft2-1.0-0). Where they are missing, the report and the
workbook are still made, the PDF is not, and the run says why (`missing_libraries`)."""

from __future__ import annotations

import ctypes.util
import logging

# the shared libraries WeasyPrint opens (weasyprint/text/ffi.py), by their linker names
LIBRARIES = ("gobject-2.0", "pango-1.0", "pangoft2-1.0", "harfbuzz", "fontconfig")
INSTALL_HINT = "apt-get install libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core"


def missing_libraries() -> list[str]:
    """The system libraries the PDF needs that this machine lacks (a few ms: ldconfig)."""
    return [name for name in LIBRARIES if ctypes.util.find_library(name) is None]


def render_pdf(html: str) -> bytes:
    import weasyprint  # about 2 s of imports: only when a report is built

    # WeasyPrint warns of each CSS property it does not use (the screen's grid, colour
    # adjustment): the page is printed without them; keep the run's log to what matters
    for name in ("weasyprint", "fontTools"):
        logging.getLogger(name).setLevel(logging.ERROR)
    return weasyprint.HTML(string=html).write_pdf()
