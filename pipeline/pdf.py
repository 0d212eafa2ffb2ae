"""The committee report as PDF, beside the HTML (issue 15 §1): the same page, printed by
WeasyPrint (pure Python over the system's Pango and fonts; nothing is fetched). The HTML's
print rules make it a document: A4 with page numbers and the data month in the footer (the
@page margin boxes), a contents page whose entries carry their page numbers
(`target-counter`), headings kept with what follows them, charts and tables not split.
Browsers ignore the rules that only a paged renderer knows.

WeasyPrint needs the system libraries Pango (with PangoFT2), HarfBuzz, fontconfig and GObject
(Debian: libpango-1.0-0, libpangoft2-1.0-0). Where they are missing, the report and the
workbook are still made, the PDF is not, and the run says why (`missing_libraries`).

WeasyPrint is pure Python: printed in the report's process it took 7-8 s in which nothing else
could run. `printing` prints in a child process (`python -m pipeline.pdf HTML PDF`) while the
report's process builds the workbook on the other core; the child is started before the page
is drawn, so that WeasyPrint's imports are not on the way either."""

from __future__ import annotations

import base64
import ctypes.util
import logging
import os
import re
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

# the shared libraries WeasyPrint opens (weasyprint/text/ffi.py), by their linker names
LIBRARIES = ("gobject-2.0", "pango-1.0", "pangoft2-1.0", "harfbuzz", "fontconfig")
INSTALL_HINT = "apt-get install libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core"


def missing_libraries() -> list[str]:
    """The system libraries the PDF needs that this machine lacks (a few ms: ldconfig)."""
    return [name for name in LIBRARIES if ctypes.util.find_library(name) is None]


# an inline SVG chart of the page (pipeline/report/charts.py: matplotlib's, never nested)
_INLINE_SVG = re.compile(r"<svg\b[^>]*>.*?</svg>", re.DOTALL)
_ARIA_LABEL = re.compile(r'aria-label="([^"]*)"')


def svg_as_images(html: str) -> str:
    """The page with each inline SVG chart as an image of itself (a data: URL), for the
    printer only. WeasyPrint styles and lays out every element of an inline SVG as part of the
    page (about 4,600 in the sample's 26 charts); as an image it reads the SVG on its own and
    draws it the same. The sample's PDF: 8.8-10.7 s to print with the charts inline, 7.6-8.0 s
    as images (three runs each), the same pages and text. The chart's label is the image's
    alternative text."""

    def image(match: re.Match) -> str:
        svg = match.group(0)
        opening = svg[: svg.index(">")]
        label = _ARIA_LABEL.search(opening)
        data = base64.b64encode(svg.encode("utf-8")).decode("ascii")
        alt = label.group(1) if label else ""
        return f'<img alt="{alt}" src="data:image/svg+xml;base64,{data}">'

    return _INLINE_SVG.sub(image, html)


def render_pdf(html: str) -> bytes:
    import weasyprint  # about 2 s of imports: only when a report is built

    # WeasyPrint warns of each CSS property it does not use (the screen's grid, colour
    # adjustment): the page is printed without them; keep the run's log to what matters
    for name in ("weasyprint", "fontTools"):
        logging.getLogger(name).setLevel(logging.ERROR)
    return weasyprint.HTML(string=svg_as_images(html)).write_pdf()


class Printer:
    """The child process that prints: started before the page exists, so that WeasyPrint's
    imports (about 2.5 s) overlap with drawing the charts; `start` hands it the page."""

    def __init__(self, child: subprocess.Popen):
        self._child = child
        self.started = False

    def start(self) -> None:
        """The page is written: print it."""
        assert self._child.stdin is not None
        self._child.stdin.write(b"print\n")
        self._child.stdin.close()
        self.started = True


@contextmanager
def printing(html_path: Path, pdf_path: Path) -> Iterator[Printer]:
    """Print the page at `html_path` to `pdf_path` in a child process while the block runs;
    the block writes the page and then calls `start` on what it is given. The PDF is written
    aside and replaces `pdf_path` when the block and the printing both succeed. A failed
    printing raises with the child's error; a failed block stops the child; either way
    `pdf_path` is removed. The report passes paths written aside (files.installed_together),
    so a failure leaves the last report's page, workbook and PDF together as they were."""
    tmp = pdf_path.with_name(f".{pdf_path.name}.tmp")
    with tempfile.TemporaryFile(mode="w+") as errors:
        child = subprocess.Popen(
            [sys.executable, "-m", "pipeline.pdf", "--when-told", str(html_path), str(tmp)],
            stdin=subprocess.PIPE,
            stderr=errors,
        )
        printer = Printer(child)
        printed = False
        try:
            yield printer
            if not printer.started:
                raise RuntimeError(f"no PDF of {html_path}: the page was never handed over")
            if child.wait() != 0:
                errors.seek(0)
                raise RuntimeError(
                    f"no PDF of {html_path}: WeasyPrint failed (exit {child.returncode}): "
                    f"{errors.read().strip()[-2000:]}"
                )
            os.replace(tmp, pdf_path)
            printed = True
        finally:
            if child.poll() is None:
                child.kill()
                child.wait()
            tmp.unlink(missing_ok=True)
            if not printed:
                pdf_path.unlink(missing_ok=True)


def main(argv: list[str] | None = None) -> None:
    """`python -m pipeline.pdf HTML PDF`: the page in the file HTML printed to the file PDF.
    With `--when-told` first, WeasyPrint is imported at once and the page read only when a
    line arrives on stdin (`printing`); end of input without one prints nothing."""
    args = list(argv if argv is not None else sys.argv[1:])
    if args[:1] == ["--when-told"]:
        import weasyprint  # noqa: F401  (the imports, while the parent draws the page)

        if not sys.stdin.readline():
            sys.exit("no page was handed over")
        args = args[1:]
    html_path, pdf_path = args
    Path(pdf_path).write_bytes(render_pdf(Path(html_path).read_text(encoding="utf-8")))


if __name__ == "__main__":
    main()
