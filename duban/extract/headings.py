"""What a heading says of the work under it: a chapter's lead ("一、汤飞帆市长牵头重点工作", "（一）省监察厅牵头
的工作") and a duty list's unit ("（二）环保局。负责……")."""

from __future__ import annotations

import re

from ..names import TITLES, person_spans, unit_spans
from .roles import LEX, Attribution


def heading_end(folded: str, start: int, end: int) -> int:
    return next((i for i in range(start, end) if folded[i] in "。：\n"), end)


def duty_units(folded: str, start: int, end: int) -> list[tuple[int, int]]:
    """A heading that is only unit names ("（二）环保局。负责……"): the units, else []."""
    stop = heading_end(folded, start, end)
    return unit_spans(folded, start, stop) or [] if stop < end else []


def starts_duty(folded: str, start: int, end: int) -> bool:
    """Does the text after the heading begin with a duty word ("负责…")?"""
    return folded.startswith(tuple(LEX["duty_starts"]), heading_end(folded, start, end) + 1)


DUTY_PARENTS = tuple(LEX["duty_parents"])


HEADING_LEAD = re.compile(LEX["heading_lead"])


def heading_lead(folded: str, start: int, end: int) -> Attribution | None:
    """Who a chapter heading says leads every item under it: a leader ("汤飞帆市长", the title
    left out) or a unit, or None. In a run-on text the heading ends at a bracket or a space
    ("一、于幼军省长负责的工作（李政文秘书长协助） 对主要工作任务负总责")."""
    offset = start + len(folded[start:end]) - len(folded[start:end].lstrip())
    heading = folded[offset:end].rstrip()
    m = HEADING_LEAD.match(heading) or HEADING_LEAD.match(re.split(r"[（ ]", heading, maxsplit=1)[0])
    if m is None:
        return None
    s, e = offset + m.start("who"), offset + m.end("who")
    if units := unit_spans(folded, s, e):
        return Attribution(s, e, [("lead_units", a, b) for a, b in units])
    title = next((t for t in TITLES if folded.endswith(t, s, e) and e - s - len(t) >= 2), None)
    if title is None:
        return None
    return Attribution(s, e, [("lead_leaders", a, b) for a, b in person_spans(folded, s, e - len(title))])
