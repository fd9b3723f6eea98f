"""The real documents as offices also hand them over: saved as GB18030 text, as an HTML page, as a Word
file and as a PDF with a text layer (lines wrapped as typeset text wraps them), each scored against the
same key. Run from the project root:

    .venv/bin/python -m tests.real.renderings
"""

from __future__ import annotations

import html
import tempfile
from collections.abc import Callable
from pathlib import Path

from duban.evaluate import Score, load_gold, score_file
from duban.extract import extract
from duban.ingest import read

from ..builders import make_docx, make_pdf
from .report import HERE, documents, figures


def lines_of(path: Path) -> list[str]:
    return [ln.strip() for ln in path.read_text(encoding="utf-8").splitlines() if ln.strip()]


def as_gb18030(path: Path, out: Path) -> Path:
    target = out / path.name
    target.write_bytes(path.read_text(encoding="utf-8").encode("gb18030"))
    return target


def as_html(path: Path, out: Path) -> Path:
    target = out / f"{path.stem}.html"
    body = "\n".join(f"<p>{html.escape(ln)}</p>" for ln in lines_of(path))
    target.write_text(f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>{path.stem}</title></head>"
                      f"<body>{body}</body></html>", encoding="utf-8")
    return target


def as_docx(path: Path, out: Path) -> Path:
    return make_docx(out / f"{path.stem}.docx", lines_of(path))


def as_pdf(path: Path, out: Path) -> Path:
    """Blank lines stay as the empty space they print as."""
    return make_pdf(out / f"{path.stem}.pdf", [ln.strip() for ln in path.read_text(encoding="utf-8").splitlines()])


RENDERINGS: dict[str, Callable[[Path, Path], Path]] = {
    "GB18030 .txt": as_gb18030, ".html": as_html, ".docx": as_docx, ".pdf": as_pdf}


def scores() -> dict[str, Score]:
    """Each rendering's total score over every real document."""
    totals = {}
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder)
        for name, render in RENDERINGS.items():
            total = Score()
            for path in documents():
                total.add(score_file(load_gold(HERE, str(path)), extract(read(render(path, out)))))
            totals[name] = total
    return totals


def table(totals: dict[str, Score]) -> str:
    rows = ["| rendering | tasks | task F1 | lowest role F1 | exact | header |", "|---|---|---|---|---|---|"]
    for name, s in totals.items():
        f = figures(s)
        rows.append(f"| {name} | {f['tasks']} | {f['task_f1']:.3f} | {f['lowest_role_f1']:.3f} | {f['exact']:.3f} "
                    f"| {f['header']:.3f} |")
    return "\n".join(rows)


if __name__ == "__main__":
    print(table(scores()))
