"""One entry per agency. The registry is the county bodies of `lexicon/bodies.yaml` for every region a
document names, their reform history, and the office's own edits (DUBAN_DATA_DIR/registry.jsonl:
aliases, merges, splits, each undoable). `resolve` reads one printed mention in its document's
region and date and says which entry it is, or that it is a person, a group, a unit not in the
registry yet (provisional), ambiguous or unknown; it never guesses between two entries."""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cache
from pathlib import Path

from ..errors import DubanError
from ..fold import fold
from ..lexicon import load
from . import regions
from .regions import Region

LEX = load("bodies")
RESOLVED = ("resolved", "person", "group", "provisional")  # statuses that carry an id
FLAGGED = ("provisional", "ambiguous", "unknown")  # statuses the office should check


@dataclass
class Unit:
    id: str
    name: str  # canonical full name: 冠县发展和改革局
    kind: str
    region: str
    aliases: set[str] = field(default_factory=set)  # printed forms seen or given
    valid_from: date | None = None
    valid_to: date | None = None
    predecessors: list[str] = field(default_factory=list)
    successors: list[str] = field(default_factory=list)


@dataclass
class Resolution:
    status: str  # resolved | person | group | provisional | ambiguous | unknown
    unit: Unit | None = None
    note: str = ""

    @property
    def id(self) -> str | None:
        return self.unit.id if self.unit and self.status in RESOLVED else None


def squeeze(name: str) -> str:
    """Folded, no spaces, half-width brackets made full-width: the form names are compared in."""
    return re.sub(r"\s+", "", fold(name)).replace("(", "（").replace(")", "）")


@cache
def expansions() -> list[tuple[re.Pattern, str]]:
    """Each abbreviation as a pattern that leaves its full form alone: "法制办" but not "法制办公室",
    "法院" but not "人民法院"."""
    out = []
    for short, full in LEX["abbreviations"]:
        i = full.find(short)
        around = (f"(?<!{re.escape(full[:i])})" if i > 0 else "") + re.escape(short) + \
            (f"(?!{re.escape(full[i + len(short):])})" if i >= 0 and full[i + len(short):] else "")
        out.append((re.compile(around), full))
    return out


def key(body: str) -> str:
    """A body name with abbreviations expanded and 和/与 dropped: "发改局" = "发展和改革局"."""
    for pattern, full in expansions():
        body = pattern.sub(full, body)
    return re.sub("[和与]", "", body)


@cache
def body_index() -> dict[str, tuple[str, str]]:
    """key -> (canonical body name, kind) for the bodies and their aliases."""
    out = {}
    for kind, bodies in LEX["bodies"].items():
        for b in bodies:
            for n in [b["name"], *b.get("aliases", [])]:
                out.setdefault(key(n), (b["name"], kind))
    return out


@cache
def replaced_by() -> dict[str, list[str]]:
    """Old body -> the bodies that replaced it (two or more: it was split)."""
    out: dict[str, list[str]] = {}
    for kind_bodies in LEX["bodies"].values():
        for b in kind_bodies:
            for old in b.get("before", []):
                out.setdefault(old, []).append(b["name"])
    for b in LEX["city_branches"]:
        for old in b.get("before", []):
            out.setdefault(old, []).append(b["name"])
    return out


def reform_date(body: str, region: Region | None) -> date | None:
    """When `body` replaced its predecessors in `region` (None: no history recorded there)."""
    prov = regions.province(region).name if region and regions.province(region) else None
    for h in LEX["history"]:
        if body in h["bodies"] and h.get("province") in (None, prov):
            return h["since"]
    return None


def kind_by_suffix(name: str) -> str | None:
    ends = [(s, kind) for kind, suffixes in LEX["kind_by_suffix"].items() for s in suffixes]
    return next((kind for s, kind in sorted(ends, key=lambda x: -len(x[0])) if name.endswith(s)), None)


def is_group(name: str) -> bool:
    bare = name[1:] if name[:1] in "县区市" else name
    return any(w in name for w in LEX["group_words"]) or name.endswith("等") or bare in LEX["generic_names"]


def is_person(name: str) -> bool:
    return 2 <= len(name) <= 4 and name[0] in LEX["surnames"] and kind_by_suffix(name) is None \
        and re.fullmatch(r"[\u4e00-\u9fff]+", name) is not None


class Registry:
    def __init__(self, edits: Path | None = None):
        self.path = edits
        self.units: dict[str, Unit] = {}
        self.edits = read_edits(edits) if edits else []
        self.aliases: dict[str, str] = {}  # "region|name" or "|name" -> unit id
        self.merged: dict[str, str] = {}  # unit id -> the id it was merged into
        self.cache: dict[tuple, Resolution] = {}
        for e in self.edits:
            self.apply(e)

    # --- edits -------------------------------------------------------------------------------------
    def apply(self, e: dict) -> None:
        self.cache = {}
        if e["op"] == "alias":
            self.aliases[f"{e.get('region') or ''}|{squeeze(e['name'])}"] = e["unit"]
        elif e["op"] == "merge":
            self.merged[e["a"]] = e["b"]
        elif e["op"] == "split":  # the name becomes its own unit
            self.aliases[f"{e.get('region') or ''}|{squeeze(e['name'])}"] = e["new"]

    def record(self, op: dict) -> None:
        """Apply an edit and append it to the edits file (created with its directory)."""
        if self.path is None:
            raise DubanError("没有登记簿文件 (no registry file to write to)")
        op = {**op, "at": datetime.now().isoformat(timespec="seconds")}
        self.apply(op)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with open(self.path, "a", encoding="utf-8") as f:
            f.write(json.dumps(op, ensure_ascii=False) + "\n")
        self.edits.append(op)

    def undo(self) -> dict:
        """Drop the last edit from the file; the registry is rebuilt without it."""
        if not self.edits:
            raise DubanError("没有可撤销的修改 (nothing to undo)", path=str(self.path))
        last = self.edits[-1]
        lines = self.path.read_text(encoding="utf-8").splitlines()
        self.path.write_text("".join(line + "\n" for line in lines[:-1]), encoding="utf-8")
        self.__init__(self.path)
        return last

    # --- entries -----------------------------------------------------------------------------------
    def merged_into(self, uid: str) -> str:
        seen = {uid}
        while uid in self.merged and self.merged[uid] not in seen:  # a merge cycle stops where it closes
            uid = self.merged[uid]
            seen.add(uid)
        return uid

    def entry(self, uid: str, name: str, kind: str, region: str) -> Unit:
        target = self.merged_into(uid)
        return self.units.setdefault(target, Unit(target, name if target == uid else target, kind, region))

    def body_unit(self, body: str, kind: str, region: Region | None, region_name: str) -> Unit:
        """The entry of a county body in a region, with its history there (none once merged away)."""
        uid = full_name(body, region_name)
        unit = self.entry(uid, uid, kind, region_name)
        if unit.id != uid:
            return unit
        since = reform_date(body, region)
        if since:
            unit.valid_from = since
        for new in replaced_by().get(body, []):
            new_since = reform_date(new, region)
            if new_since:
                unit.valid_to = new_since
                succ = self.city_branch_id(new, region) if "{county}" in new else full_name(new, region_name)
                if succ and succ not in unit.successors:
                    unit.successors.append(succ)
        return unit

    def city_branch_id(self, template: str, county: Region | None) -> str | None:
        city = regions.parent(county) if county else None
        return f"{city.name}{template.format(county=county.short)}" if city else None

    def successor(self, uid: str, on: date) -> list[str]:
        """The entries valid on `on` that took over `uid` (itself when it still exists)."""
        unit = self.units.get(uid)
        if unit is None or not unit.successors or unit.valid_to is None or on < unit.valid_to:
            return [uid]
        for succ in unit.successors:
            self.units.setdefault(succ, Unit(succ, succ, unit.kind, unit.region, valid_from=unit.valid_to))
        return [s for succ in unit.successors for s in self.successor(succ, on)]

    # --- resolution --------------------------------------------------------------------------------
    def resolve(self, printed: str, region_name: str | None, role: str = "") -> Resolution:
        k = (printed, region_name, role == "lead_leaders")
        if k not in self.cache:
            self.cache[k] = self.read(printed, region_name, role)
        return self.cache[k]

    def read(self, printed: str, region_name: str | None, role: str) -> Resolution:
        name = squeeze(printed)
        region = regions.find(region_name)
        home = region.name if region else squeeze(region_name or "")
        for k in (f"{home}|{name}", f"|{name}"):
            if k in self.aliases:
                uid = self.aliases[k]
                known = self.units.get(uid)
                return Resolution("resolved", known or self.entry(uid, uid, kind_by_suffix(uid) or "unit", home),
                                  "登记簿别名 (registry alias)")
        if role == "lead_leaders" or is_person(name):
            return Resolution("person", self.entry(f"{home}:{name}", name, "person", home))
        if is_group(name):
            owner = level_owner(name[0], region, home) if name[0] in "县区市" else None
            full = f"{owner}{name[1:]}" if owner else f"{home}{name}"
            return Resolution("group", self.entry(full, full, "group", owner or home))
        return self.resolve_unit(name, region, home)

    def resolve_unit(self, name: str, region: Region | None, home: str) -> Resolution:
        name = re.sub(r"^原", "", name)
        base = re.sub(r"（[^（）]*）$", "", name) or name  # "县政府办公室（大数据局）": a second plate
        for owner, rest, level in qualified(base, region, home):
            if owner is None:
                return Resolution("ambiguous", None, f"“{level}”指哪一个区县不明 (which {level}?)")
            owner_region = regions.find(owner)
            county = owner_region is None or owner_region.level == "county"  # the bodies are a county's
            if county and (hit := body_index().get(key(rest))) is not None:
                return Resolution("resolved", self.body_unit(hit[0], hit[1], owner_region, owner))
            if (branch := self.branch(rest, owner_region, owner, home)) is not None:
                return branch
        kind = kind_by_suffix(base)
        if kind is None:
            return Resolution("unknown", None, "不像单位名称 (does not read as a unit)")
        owner, rest, _ = next(iter(qualified(base, region, home)))
        owner = owner or home
        uid = rest if owner in rest or region and region.short in rest else f"{owner}{rest}"  # "人民银行冠县支行"
        if kind == "town":  # a town is named uniquely within its county: its name is its entry
            return Resolution("resolved", self.entry(re.sub(r"人民政府$|办事处$", "", uid), uid, kind, owner))
        return Resolution("provisional", self.entry(uid, uid, kind, owner), "登记簿中没有 (not in the registry)")

    def branch(self, rest: str, city: Region | None, owner: str, home: str) -> Resolution | None:
        """"市生态环境局冠县分局", "区生态环境分局": a city body's branch serving a county."""
        for b in LEX["city_branches"]:
            pattern = re.escape(b["name"]).replace(re.escape("{county}"), "(?P<county>.+)")
            m = re.fullmatch(pattern, rest)
            short = b["name"].replace("局{county}", "").replace("{county}", "")
            county = regions.find(m.group("county")) if m else regions.find(home) if rest == short else None
            if county is not None:
                uid = self.city_branch_id(b["name"], county)
                if uid is None:
                    return None
                unit = self.entry(uid, uid, b["kind"], county.name)
                unit.valid_from = unit.valid_from or reform_date(b["name"], county)
                return Resolution("resolved", unit)
        return None

    def describe(self, uid: str) -> dict:
        u = self.units[uid]
        return {"name": u.name, "kind": u.kind, "region": u.region, "aliases": sorted(u.aliases),
                "valid_from": u.valid_from and u.valid_from.isoformat(), "valid_to": u.valid_to and u.valid_to.isoformat(),
                "successors": u.successors}


def full_name(body: str, region_name: str) -> str:
    """冠县 + 发展和改革局; party bodies repeat the level: 冠县 + 县 + 委组织部; the government itself:
    冠县人民政府."""
    if body.startswith("委"):
        return f"{region_name}{region_name[-1]}{body}"
    return f"{region_name}{body}"


def qualified(name: str, region: Region | None, home: str):
    """(owning region, body part, level word) readings of a name, most likely first: "县发改局" in 冠县
    -> (冠县, 发改局); "市生态环境局冠县分局" -> (聊城市, 生态环境局冠县分局); "聊城市…" -> (聊城市, …);
    an unprefixed name belongs to the document's region. A level word naming no single region
    ("区住建局" in a city's document) reads as (None, …)."""
    out = []
    for r in explicit_regions(name, region):
        out.append((r, name[len(r):], "region"))
    if m := re.match(r"^团([县区市旗])委$", name):
        out.append((home, "团委", m.group(1)))
    if name[:1] in "县区市旗省" and len(name) > 2:
        out.append((level_owner(name[0], region, home), name[1:], name[0]))
    out.append((home, name, ""))
    return out


def explicit_regions(name: str, region: Region | None) -> list[str]:
    """Region names a mention starts with: any full name, or the short form of the document's own
    region and of the regions above it ("冠县…", "聊城市…", "聊城…")."""
    near = []
    r = region
    while r is not None:
        near.append(r.short)
        r = regions.parent(r)
    known = regions.table()
    found = next((name[:k] for k in range(len(name) - 1, 1, -1) if fold(name[:k]) in known or name[:k] in near), None)
    return [found] if found else []


def level_owner(word: str, region: Region | None, home: str) -> str | None:
    """Which region "县", "区", "市", "省" means in a document of `region`."""
    if region is None:
        return home if word in "县区旗" else None
    if word == "省":
        p = regions.province(region)
        return p.name if p else None
    if region.level == "county":
        if word == "市" and not region.name.endswith("市"):
            p = regions.parent(region)
            return p.name if p and p.level == "city" else None
        return region.name
    if region.level == "city":
        return region.name if word == "市" else None
    return None


def read_edits(path: Path) -> list[dict]:
    if not path.exists():
        return []
    out = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        try:
            out.append(json.loads(line))
        except json.JSONDecodeError as e:
            raise DubanError(f"登记簿修改记录第 {n} 行无法读取 (unreadable edit): {e.msg}", path=str(path), line=n) from None
    return out


def default_path() -> Path:
    return Path(os.environ.get("DUBAN_DATA_DIR", "data")) / "registry.jsonl"
