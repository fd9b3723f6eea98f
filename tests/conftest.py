from __future__ import annotations

from pathlib import Path

import pytest

from duban.normalize import normalize
from duban.records import Source

ROOT = Path(__file__).resolve().parent.parent
SEEDS = sorted((ROOT / "examples" / "seeds").glob("*.txt"))
GOLD = ROOT / "tests" / "data" / "gold"
CASES = ROOT / "tests" / "cases"
CASE_FILES = sorted(p for p in CASES.iterdir() if p.suffix in (".txt", ".md", ".html", ".docx"))


def text_of(s: str, path: str = "snippet.txt"):
    """Normalized Text of a snippet, as the pipeline would see a file with that content."""
    return normalize(Source(path=path, text=s, format="txt"))


@pytest.fixture
def write(tmp_path):
    """Write bytes or text to a file in tmp_path and return its path."""

    def _write(name: str, content: bytes | str, encoding: str = "utf-8") -> Path:
        path = tmp_path / name
        path.write_bytes(content if isinstance(content, bytes) else content.encode(encoding))
        return path

    return _write


@pytest.fixture(autouse=True)
def data_dir(tmp_path, monkeypatch):
    """Every test has its own DUBAN_DATA_DIR: a registry edited by hand never changes a result."""
    monkeypatch.setenv("DUBAN_DATA_DIR", str(tmp_path / "data"))
    return tmp_path / "data"
