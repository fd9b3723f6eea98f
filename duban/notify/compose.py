"""Messages from events: one per event, or for a unit that takes a digest one for the day listing them
all by kind. Plain lines, signed by the office: each channel lays them out its own way."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from ..lexicon import load
from ..supervise.status import ymd
from .events import Event
from .routes import Route

KIND_NAMES = load("notify")["kinds"]


@dataclass(frozen=True)
class Draft:
    key: str  # one message per unit and event, or per unit and day for a digest
    route: Route
    subject: str
    body: str
    events: list[str]


def drafts(events: list[Event], routes: dict[str, Route], as_of: date, issuer: str) -> list[Draft]:
    """The messages for the events of units that have a route, in the order of the events."""
    by_unit: dict[str, list[Event]] = {}
    for e in events:
        if e.unit in routes:
            by_unit.setdefault(e.unit, []).append(e)
    out = []
    for unit, found in by_unit.items():
        route, sign = routes[unit], f"{issuer}  {ymd(as_of)}"
        out += [digest(route, found, as_of, sign)] if route.digest else [single(route, e, sign) for e in found]
    return out


def single(route: Route, e: Event, sign: str) -> Draft:
    return Draft(f"{route.unit}|{e.key}", route, f"【督办提醒】{KIND_NAMES[e.kind]}",
                 "\n".join([f"{route.name}：", e.line, sign]), [e.key])


def digest(route: Route, found: list[Event], as_of: date, sign: str) -> Draft:
    lines = [f"{route.name}：", f"截至{ymd(as_of)}，请办理以下{len(found)}项事项："]
    for kind, name in KIND_NAMES.items():
        if of_kind := [e for e in found if e.kind == kind]:
            lines.append(f"【{name}】{len(of_kind)}项")
            lines += [f"{i}. {e.line}" for i, e in enumerate(of_kind, start=1)]
    return Draft(f"{route.unit}|digest:{as_of}", route, f"【督办提醒】{ymd(as_of)}待办事项{len(found)}项",
                 "\n".join([*lines, sign]), [e.key for e in found])
