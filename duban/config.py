"""The office's settings: the package's defaults (lexicon/settings.yaml, and supervise.yaml under
[supervise]), then $DUBAN_DATA_DIR/duban.toml, then environment variables DUBAN_<SECTION>__<KEY> (nested keys
joined by "__", values read as TOML: `DUBAN_SUPERVISE__WARNINGS__BLUE_WORKDAYS=5`). Each value remembers
where it came from, for `duban config show`. Read once per process: an office's settings change when it
restarts duban."""

from __future__ import annotations

import copy
import os
import tomllib
from collections.abc import Mapping
from functools import cache
from pathlib import Path

from .errors import DubanError
from .lexicon import load

FILE = "duban.toml"
ENV = "DUBAN_"
DEFAULT = "默认 (default)"


def data_dir() -> Path:
    return Path(os.environ.get("DUBAN_DATA_DIR", "data"))


def defaults() -> dict:
    shipped = copy.deepcopy(load("settings"))
    shipped["supervise"] = {k: v for k, v in copy.deepcopy(load("supervise")).items() if k != "status_meanings"}
    return shipped


def merged(base: dict, over: dict, origin: str, sources: dict, where: tuple = ()) -> None:
    """`over` laid onto `base` key by key, refusing keys the defaults do not have (a typo would otherwise
    be silently ignored); tables of the office's own (a unit's channel) are allowed under `open` ones."""
    for key, value in over.items():
        path = (*where, key)
        if key not in base and not open_table(where):
            raise DubanError(f"{origin}：没有这项设置 {'.'.join(path)} (unknown setting)")
        if isinstance(value, dict) and isinstance(base.get(key), dict):
            merged(base[key], value, origin, sources, path)
        else:
            base[key] = value
            sources[path] = origin


def open_table(where: tuple) -> bool:
    """Tables whose keys are the office's own: channels by unit name."""
    return len(where) >= 2 and where[:2] == ("notify", "units")


def from_file(path: Path) -> dict:
    try:
        with open(path, "rb") as f:
            return tomllib.load(f)
    except tomllib.TOMLDecodeError as e:
        raise DubanError(f"{path}：不是有效的 TOML ({e})") from None


def from_env(environ: Mapping[str, str]) -> dict:
    """DUBAN_A__B__C=value as {a: {b: {c: value}}}: only names with a "__" (DUBAN_DATA_DIR is no setting)."""
    out: dict = {}
    for name, raw in environ.items():
        if not name.startswith(ENV) or "__" not in name:
            continue
        keys = name.removeprefix(ENV).lower().split("__")
        node = out
        for k in keys[:-1]:
            node = node.setdefault(k, {})
        node[keys[-1]] = value_of(raw)
    return out


def value_of(raw: str):
    try:
        return tomllib.loads(f"v = {raw}")["v"]
    except tomllib.TOMLDecodeError:
        return raw  # a bare word: a string


class Settings(dict):
    """The settings in force, and `sources`: for each key path set by the office, where it was set."""

    sources: dict[tuple, str]


def read(folder: Path | None = None, environ: Mapping[str, str] | None = None) -> Settings:
    """The settings for `folder` (DUBAN_DATA_DIR) and `environ` (the process's environment)."""
    folder = data_dir() if folder is None else folder
    out, sources = Settings(defaults()), {}
    if (path := folder / FILE).is_file():
        merged(out, from_file(path), str(path), sources)
    merged(out, from_env(os.environ if environ is None else environ), "环境变量 (environment)", sources)
    out.sources = sources
    return out


@cache
def settings() -> Settings:
    return read()


def rows(s: Settings, where: tuple = ()) -> list[tuple[str, object, str]]:
    """(key path, value, where from) for every leaf setting, for `duban config show`."""
    out = []
    for key, value in s.items() if not where else dig(s, where).items():
        path = (*where, key)
        if isinstance(value, dict) and value:
            out += rows(s, path)
        else:
            out.append((".".join(path), value, s.sources.get(path, DEFAULT)))
    return out


def dig(s: dict, where: tuple) -> dict:
    for k in where:
        s = s[k]
    return s
