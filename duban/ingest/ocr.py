"""Scans and photos read by OCR: RapidOCR with the PP-OCRv4 Chinese detection and recognition models that
ship inside its wheel (nothing is downloaded at run time), run by OpenVINO (on these machines 3-4 times
faster than onnxruntime with the same models; pages a second: bench/ocr.py). The boxes it finds are put
in reading order: rows by their vertical overlap once the page's skew is taken out, a row's boxes left to
right, a wide gap between two boxes printed as a tab (a table's cells, what `layout` reads as a row); rows
then go back into their paragraphs as a PDF's lines do (`typeset`)."""

from __future__ import annotations

import math
import re
from functools import cache

import numpy as np
from PIL import Image

from .. import progress
from ..limits import limit
from .typeset import unwrapped

UNCLIP = 1.3  # how far a found line's box is grown: RapidOCR's 1.6 lets single-spaced lines merge, one lost
# an item's number read with a comma or colon for its full stop ("10，实施…"): at a paragraph's start, a full stop
MISREAD_MARKER = re.compile(r"^(\d{1,3})[，,：:](?=[^\d\s])", re.MULTILINE)
CELL_GAP = 2.0  # a gap wider than twice the text's height parts two cells
WORD_GAP = 0.4  # a gap wider than this share of the height is a printed space


@cache
def engine():
    from rapidocr_openvino import (
        RapidOCR,  # imported on the first scan: the models' 1 GB the text files never need
    )

    # no angle classifier: a page's lines all stand one way, and it turned whole lines upside down (lost)
    return RapidOCR(inference_num_threads=limit("ocr_threads"), det_unclip_ratio=UNCLIP, use_cls=False)


def boxes(image: Image.Image) -> list[dict]:
    """What OCR reads on one page: text with its box (x0, x1, top, bottom, in pixels) as if the page lay
    straight, and the box where it stands on the picture (`shown`: x0, top, x1, bottom)."""
    found, _ = engine()(np.asarray(image.convert("RGB"))[:, :, ::-1])
    turn = -skew([points for points, _, _ in found or []])
    cos, sin = math.cos(turn), math.sin(turn)
    out = []
    for points, text, _score in found or []:
        xs, ys = [p[0] for p in points], [p[1] for p in points]
        straight_x = [x * cos - y * sin for x, y in points]
        straight_y = [x * sin + y * cos for x, y in points]
        out.append({"x0": min(straight_x), "x1": max(straight_x), "top": min(straight_y), "bottom": max(straight_y),
                    "text": text, "shown": (min(xs), min(ys), max(xs), max(ys))})
    return out


def skew(quads: list) -> float:
    """The angle a photographed page is turned by (radians), from its long lines' top edges: on a page
    turned 2°, a line's box would otherwise span the next line's and the two be read as one row."""
    angles = sorted(math.atan2(q[1][1] - q[0][1], q[1][0] - q[0][0]) for q in quads
                    if q[1][0] - q[0][0] > 4 * abs(q[3][1] - q[0][1]))
    return angles[len(angles) // 2] if angles else 0.0


def rows(found: list[dict]) -> list[dict]:
    """Boxes grouped into printed rows, each row's text joined left to right."""
    grouped: list[list[dict]] = []
    for box in sorted(found, key=lambda b: (b["top"] + b["bottom"]) / 2):
        middle = (box["top"] + box["bottom"]) / 2
        row = grouped[-1] if grouped else None
        if row and min(b["top"] for b in row) <= middle <= max(b["bottom"] for b in row):
            row.append(box)
        else:
            grouped.append([box])
    return [joined(sorted(row, key=lambda b: b["x0"])) for row in grouped]


def joined(row: list[dict]) -> dict:
    height = sorted(b["bottom"] - b["top"] for b in row)[len(row) // 2]
    text = row[0]["text"]
    for before, box in zip(row, row[1:], strict=False):
        gap = box["x0"] - before["x1"]
        text += ("\t" if gap > CELL_GAP * height else " " if gap > WORD_GAP * height else "") + box["text"]
    return {"x0": row[0]["x0"], "x1": row[-1]["x1"], "top": min(b["top"] for b in row),
            "bottom": max(b["bottom"] for b in row), "text": text,
            "shown": tuple(f(b["shown"][k] for b in row) for k, f in enumerate((min, min, max, max)))}


def page(image: Image.Image, before: int = 0, total: int = 1) -> tuple[str, bool, list[dict]]:
    """The page's text, whether its last line runs on to the next page, and its lines with their boxes
    as shares of the page's width and height; `before` pages of `total` to read were read already (told
    to whoever shows the progress)."""
    lines = rows(boxes(image))
    progress.report(before + 1, total)
    paragraphs, runs_on = unwrapped(lines, image.width)
    width, height = image.size
    shares = [{"text": ln["text"], "x0": ln["shown"][0] / width, "top": ln["shown"][1] / height,
               "x1": ln["shown"][2] / width, "bottom": ln["shown"][3] / height} for ln in lines]
    return MISREAD_MARKER.sub(r"\1．", "\n".join(text for _, text in paragraphs)), runs_on, shares


def page_text(image: Image.Image) -> str:
    return page(image)[0]
