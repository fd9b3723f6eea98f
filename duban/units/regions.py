"""China's administrative divisions: which city and province a county or district belongs to, from
lexicon/divisions.tsv: the current table (province, city and county levels, with its date and source in
the file's head) and the names that stood in an earlier table but no longer do (济阳县, now 济阳区), so a
plan written before a merger or renaming still finds its place. Names are looked up folded on both sides
(乾县 and 乾縣 alike)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from ..fold import fold
from ..lexicon import HERE

PLACEHOLDERS = {"市辖区", "省直辖县级行政区划", "自治区直辖县级行政区划", "县"}  # rows that name no place


@dataclass(frozen=True)
class Region:
    name: str  # as the table spells it: 冠县, 聊城市, 山东省
    code: str  # 6-digit division code
    level: str  # province | city | county
    current: bool = True  # False: a name from an earlier table (merged or renamed since)

    @property
    def short(self) -> str:
        """"冠县" stays; "聊城市" -> "聊城"; "东昌府区" -> "东昌府": how documents often abbreviate."""
        return self.name[:-1] if len(self.name) > 2 and self.name[-1] in "市区县旗" else self.name


def rows() -> list[Region]:
    out = []
    for line in (HERE / "divisions.tsv").read_text(encoding="utf-8").splitlines():
        if not line or line.startswith("#") or line.startswith("code\t"):
            continue
        code, name, level, status = line.split("\t")
        if len(name) >= 2 and name not in PLACEHOLDERS:
            out.append(Region(name, code, level, status == "current"))
    return out


@cache
def table() -> dict[str, list[Region]]:
    """Folded name -> regions of that name, current ones first (a few county names repeat across
    provinces; a former name may be a current one elsewhere)."""
    out: dict[str, list[Region]] = {}
    for r in sorted(rows(), key=lambda r: not r.current):
        out.setdefault(fold(r.name), []).append(r)
    return out


@cache
def by_code() -> dict[str, Region]:
    """Code -> the current region of that code (a former name's code may since have been given again)."""
    out: dict[str, Region] = {}
    for r in sorted(rows(), key=lambda r: r.current):
        out[r.code] = r
    return out


def find(name: str | None) -> Region | None:
    """The region a document names ("冠县", "桐廬縣", "济阳县" of before 2018); None when unknown or
    when the name is shared by current regions in different places (the caller keeps the printed name)."""
    if not name:
        return None
    name = fold(name).replace(" ", "")
    found = table().get(name) or short_names().get(name, [])
    current = [r for r in found if r.current]
    return current[0] if len(current) == 1 else found[0] if len(found) == 1 else None


@cache
def short_names() -> dict[str, list[Region]]:
    """"东昌府" -> 东昌府区: the short forms, for names printed without their level word."""
    out: dict[str, list[Region]] = {}
    for r in rows():
        if r.short != r.name and r.current:
            out.setdefault(fold(r.short), []).append(r)
    return out


def parent(region: Region) -> Region | None:
    """A county's city (or its province when it sits directly under one); a city's province."""
    code = region.code
    candidates = [code[:4] + "00", code[:2] + "0000"] if region.level == "county" else [code[:2] + "0000"]
    return next((by_code()[c] for c in candidates if c != code and c in by_code()), None)


def province(region: Region) -> Region | None:
    return by_code().get(region.code[:2] + "0000")
