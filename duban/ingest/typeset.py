"""Printed lines back into the paragraphs typesetting wrapped, for any reader that has lines with their
boxes (a PDF's text layer, OCR of a scan): a line that runs to the right margin goes on in the next one,
unless that one is indented (a new paragraph), opens a numbered item after a sentence's end, or is a
pasted table's cell; a blank line wherever the page leaves one."""

from __future__ import annotations

import itertools

from .. import markers
from ..fold import fold
from ..records import Box


def right_margin(lines: list[dict], em: float, page_width: float) -> float | None:
    """The right edge of the text block: two or more lines reach it (one long line is not a margin),
    and it stands across most of the page (lines of one length in a column of short cells are not one)."""
    left = min(ln["x0"] for ln in lines)
    for edge in sorted((ln["x1"] for ln in lines), reverse=True):
        if edge - left < 0.6 * page_width:
            return None
        if sum(abs(ln["x1"] - edge) < 1.5 * em for ln in lines) >= 2:
            return edge
    return None


def opens_item(before: str, line: str) -> bool:
    """A new paragraph after a line that ends at the margin by chance: a numbered item or heading
    after a sentence's end or an attribution's closing bracket, or a cell of a table pasted with its pipes."""
    return line.lstrip().startswith("|") or (
        before.rstrip().endswith(tuple("。：；！？:;）)")) and markers.match(fold(line.strip())) is not None)


def pitch(lines: list[dict], height: float) -> float:
    """The distance from one line to the next within a paragraph: the shorter steps (a blank line between
    paragraphs doubles the step; single spacing puts it under 2.5 times the text's height)."""
    steps = sorted(b["top"] - a["top"] for a, b in itertools.pairwise(lines) if b["top"] - a["top"] > 0.8 * height)
    return steps[len(steps) // 4] if steps else float("inf")


def unwrapped(lines: list[dict], page_width: float) -> tuple[list[tuple[float, str]], bool]:
    """Typeset lines joined back into the paragraphs they wrap, and a blank line wherever the page
    leaves one (cells of a table pasted one a line are told apart by it): (top, text) of each, and
    whether the last line runs on to the next page."""
    if not lines:
        return [], False
    widths = sorted((ln["x1"] - ln["x0"]) / len(ln["text"]) for ln in lines if ln["text"].strip())
    em = widths[len(widths) // 2] if widths else 0
    margin = right_margin(lines, em, page_width) if widths else None
    left = min(ln["x0"] for ln in lines)
    height = sorted(ln["bottom"] - ln["top"] for ln in lines)[len(lines) // 2]
    blank = min(2.5 * height, 1.6 * pitch(lines, height))

    def full(line: dict) -> bool:
        return margin is not None and margin - line["x1"] < 1.5 * em

    def wraps(before: dict, line: dict) -> bool:
        return full(before) and line["x0"] - left < 0.5 * em and not opens_item(before["text"], line["text"])

    paragraphs = [(lines[0]["top"], lines[0]["text"])]
    for before, line in itertools.pairwise(lines):
        if line["top"] - before["top"] > blank:
            paragraphs.append((line["top"] - 0.1, ""))
        elif wraps(before, line):
            top, text = paragraphs[-1]
            paragraphs[-1] = (top, text + line["text"])
            continue
        paragraphs.append((line["top"], line["text"]))
    return paragraphs, full(lines[-1])


def joined(pages: list[tuple[str, bool]]) -> str:
    """Pages one after another: a paragraph wrapped over a page break joined again, and otherwise a
    blank line between pages as an OCR export has (the break may hide one; normalize joins what it cut)."""
    text, carried = "", False
    for page, runs_on in pages:
        first = page.split("\n", 1)[0]
        text += ("" if not text or (carried and not opens_item(text.rsplit("\n", 1)[-1], first)) else "\n\n") + page
        carried = runs_on
    return text


def located(text: str, pages: list[list[dict]]) -> list[Box]:
    """The boxes of each page's lines (OCR's; none for a page read from its text layer), found in order in
    the text they were joined into: where each piece of the text stands on its page."""
    out, at = [], 0
    for number, lines in enumerate(pages):
        for line in lines:
            start = text.find(line["text"], at) if line["text"] else -1
            if start >= 0:
                at = start + len(line["text"])
                out.append(Box(start, at, number, line["x0"], line["top"], line["x1"], line["bottom"]))
    return out
