"""China's administrative divisions: which city and province a county or district belongs to, read
from the division table that ships with cpca (adcode, name). The file is read directly: importing
cpca itself would load pandas for nothing."""

from __future__ import annotations

import csv
import importlib.util
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from ..fold import fold

PLACEHOLDERS = {"市辖区", "省直辖县级行政区划", "自治区直辖县级行政区划"}  # rows that name no place


@dataclass(frozen=True)
class Region:
    name: str  # as the table spells it: 冠县, 聊城市, 山东省
    code: str  # 12-digit adcode
    level: str  # province | city | county

    @property
    def short(self) -> str:
        """"冠县" stays; "聊城市" -> "聊城"; "东昌府区" -> "东昌府": how documents often abbreviate."""
        return self.name[:-1] if len(self.name) > 2 and self.name[-1] in "市区县旗" else self.name


def level_of(code: str) -> str:
    return "province" if code[2:] == "0" * 10 else "city" if code[4:] == "0" * 8 else "county"


@cache
def table() -> dict[str, list[Region]]:
    """Name -> regions of that name (a few county names repeat across provinces)."""
    spec = importlib.util.find_spec("cpca")
    path = Path(next(iter(spec.submodule_search_locations))) / "resources" / "adcodes.csv"
    out: dict[str, list[Region]] = {}
    with open(path, encoding="utf-8") as f:
        for row in csv.DictReader(f):
            if len(row["name"]) < 2 or row["name"] in PLACEHOLDERS:
                continue
            out.setdefault(row["name"], []).append(Region(row["name"], row["adcode"], level_of(row["adcode"])))
    return out


@cache
def by_code() -> dict[str, Region]:
    return {r.code: r for regions in table().values() for r in regions}


def find(name: str | None) -> Region | None:
    """The region a document names ("冠县", "桐廬縣"); None when unknown or when the name is shared
    by regions in different provinces (the caller then keeps the printed name)."""
    if not name:
        return None
    name = fold(name).replace(" ", "")
    found = table().get(name) or short_names().get(name, [])
    return found[0] if len(found) == 1 else None


@cache
def short_names() -> dict[str, list[Region]]:
    """"东昌府" -> 东昌府区: the short forms, for names printed without their level word."""
    out: dict[str, list[Region]] = {}
    for rs in table().values():
        for r in rs:
            if r.short != r.name:
                out.setdefault(r.short, []).append(r)
    return out


def parent(region: Region) -> Region | None:
    """A county's city (or its province when it sits directly under one); a city's province."""
    code = region.code
    candidates = [code[:4] + "0" * 8, code[:2] + "0" * 10] if region.level == "county" else [code[:2] + "0" * 10]
    return next((by_code()[c] for c in candidates if c != code and c in by_code()), None)


def province(region: Region) -> Region | None:
    return by_code().get(region.code[:2] + "0" * 10)
