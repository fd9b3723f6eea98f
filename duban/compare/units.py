"""What kind of body leads a task, whatever level it sits at: 聊城市发展和改革委员会 and 县发展和改革局 both
lead as 发展改革 (lexicon/compare.yaml: region prefixes, level suffixes, joining characters)."""

from __future__ import annotations

from functools import cache

from ..fold import fold
from ..records import Task
from .similar import LEX


@cache
def kind(name: str) -> str:
    """The body's name without its region and level: 县发展和改革局 -> 发展改革."""
    name = fold(name)
    ends = [name.find(c) for c in LEX["region_ends"] if 0 <= name.find(c) < len(name) - 2]
    if ends:
        name = name[min(ends) + 1:]
    for level in sorted(LEX["levels"], key=len, reverse=True):
        if name.endswith(level) and len(name) > len(level) + 1:
            name = name[:-len(level)]
            break
    for joiner in LEX["joiners"]:
        name = name.replace(joiner, "")
    return name


def body_kinds(task: Task) -> set[str]:
    return {k for k in map(kind, task.role("lead_units")) if len(k) >= 2}
