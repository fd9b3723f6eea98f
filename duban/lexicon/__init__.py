"""The vocabulary of the genre, kept as data (roles.yaml, units.yaml, header.yaml), read once."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import yaml

HERE = Path(__file__).parent


@cache
def load(name: str) -> dict:
    with open(HERE / f"{name}.yaml", encoding="utf-8") as f:
        return yaml.safe_load(f)
