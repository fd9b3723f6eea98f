"""Who is told where: the office's table [notify.units], each entry named by a unit's registry id or its
name in the ledger (or, for a problem's 协调, the words the office typed), with its channel, address,
signing secret and whether it takes one digest a day."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from ..errors import DubanError
from ..store.models import Unit
from .channels import CHANNELS


@dataclass(frozen=True)
class Route:
    unit: str  # the ledger's unit id, else the key as the office wrote it
    name: str
    channel: str
    address: str
    secret: str = ""
    digest: bool = False


def routes(session: Session, conf: dict) -> dict[str, Route]:
    """unit id -> its route, for every entry of the table."""
    table = conf["notify"]["units"]
    known = units_by_key(session, list(table))
    found = {}
    for key, entry in table.items():
        unit, name = known.get(key, (key, key))
        found[unit] = route_of(key, unit, name, entry, conf["notify"]["digest"])
    return found


def units_by_key(session: Session, keys: list[str]) -> dict[str, tuple[str, str]]:
    """key -> (unit id, registry name) for the keys that are a unit's id or name in the ledger."""
    if not keys:
        return {}
    found: dict[str, tuple[str, str]] = {}
    for unit, name in session.execute(select(Unit.id, Unit.name).where(or_(Unit.id.in_(keys), Unit.name.in_(keys)))
                                      .order_by(Unit.id)):
        for key in {unit, name} & set(keys):
            found.setdefault(key, (unit, name))
    return found


def route_of(key: str, unit: str, name: str, entry: dict, digest: bool) -> Route:
    where = f'[notify.units."{key}"]'
    if not isinstance(entry, dict):
        raise DubanError(f"{where} 应为一张表：channel、address (a table is expected)")
    channel, address = str(entry.get("channel", "")), str(entry.get("address", "")).strip()
    if channel not in CHANNELS:
        raise DubanError(f"{where} channel 应为 {' | '.join(CHANNELS)}，而不是 {channel!r} (unknown channel)")
    if not address:
        raise DubanError(f"{where} 缺少 address (no address)")
    unknown = set(entry) - {"channel", "address", "secret", "digest"}
    if unknown:
        raise DubanError(f"{where} 没有这项设置 {'、'.join(sorted(unknown))} (unknown setting)")
    return Route(unit, name, channel, address, str(entry.get("secret", "")), bool(entry.get("digest", digest)))


def route_named(found: dict[str, Route], words: str) -> Route | None:
    """The route of a unit named by its id, its registry name, or the key the office wrote."""
    words = words.strip()
    return found.get(words) or next((r for r in found.values() if r.name == words), None)
