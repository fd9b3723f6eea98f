"""What the review page shows about how a document was read: the headings that could be tasks and the
rows that could be a table's header, for the tools in `review_tools`."""

from __future__ import annotations

import re

from ...layout.columns import column_kind
from ...layout.headers import SEPARATORS
from ...records import Document as Extracted

KINDS = {"number": "序号", "text": "任务内容", "lead_leaders": "牵头领导", "lead_units": "牵头单位",
         "co_units": "配合单位", "resp_units": "责任单位", "deadline": "完成时限", "progress": "进展情况",
         "other": "其他（不读）"}
LABEL_MAX, CANDIDATES = 16, 5


def header_candidates(source: str) -> list[list[str]]:
    """Lines that look like a table's header row (3 to 12 short cells) whose labels are not all known:
    the rows the office may map column by column."""
    out = []
    for line in source.splitlines():
        cells = [c for c in SEPARATORS.split(line.strip().strip("|")) if c.strip()]
        if 3 <= len(cells) <= 12 and all(len(c) <= LABEL_MAX for c in cells) and \
                not all(column_kind(c) for c in cells) and not any(re.search(r"[。；]", c) for c in cells):
            out.append([c.strip() for c in cells])
            if len(out) >= CANDIDATES:
                break
    return out


def tools(source: str, docs: list[Extracted]) -> dict:
    """What the review page needs for the tools: headings that could be tasks, header rows to map."""
    return {"headings": [{"doc": i, **h} for i, d in enumerate(docs) for h in d.headings][:200],
            "candidates": header_candidates(source), "kinds": KINDS}


