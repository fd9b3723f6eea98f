"""Stage `units`: every unit mention of the extracted tasks resolved against the registry."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from ..records import ROLES, Document, Task
from .registry import Registry, Resolution


@dataclass
class Resolved:
    """One resolved mention, with where it was found."""

    document: Document
    task: Task
    role: str
    printed: str
    resolution: Resolution


def resolve(docs: list[Document], registry: Registry, successor: bool = False) -> list[Resolved]:
    """Fill `task.ids` (parallel to each role's names) and return every mention with its resolution.
    With `successor`, an id is mapped to the body valid at the document's date ("县水务局" in a 2023
    document -> 冠县水利局); a body split in two then stays unresolved (ambiguous)."""
    out = []
    for d in docs:
        on = date.fromisoformat(d.date) if d.date else None
        for t in d.tasks:
            t.ids = {}
            for role in ROLES:
                t.ids[role] = []
                for printed in t.role(role):
                    res = registry.resolve(printed, d.region, role)
                    if res.unit is not None:
                        res.unit.aliases.add(printed)
                    if successor and res.id and on and (later := registry.successor(res.id, on)) != [res.id]:
                        res = Resolution("ambiguous", res.unit, f"已拆分为 (split into) {'、'.join(later)}") \
                            if len(later) > 1 else Resolution("resolved", registry.units[later[0]], f"原为 (was) {res.id}")
                    t.ids[role].append(res.id)
                    out.append(Resolved(d, t, role, printed, res))
    return out
