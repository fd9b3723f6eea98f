"""The readers under mangled bytes (hypothesis, bounded): a real file of each format with bytes flipped,
cut off or spliced in is read or refused with a ReadError naming it, never a crash. What crashes here
becomes a 500 in the browser or a traceback in the CLI."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from duban.errors import DubanError, ReadError
from duban.ingest import read
from duban.sheets.returns import read_returns

from . import bombs
from .builders import make_pdf
from .conftest import CASES, SEEDS

FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@st.composite
def mangled(draw, original: bytes) -> bytes:
    """The bytes with a few of them changed, a piece spliced in, or the end cut off."""
    data = bytearray(original)
    for _ in range(draw(st.integers(0, 8))):
        at = draw(st.integers(0, len(data) - 1))
        data[at] = draw(st.integers(0, 255))
    if draw(st.booleans()):
        at = draw(st.integers(0, len(data)))
        data[at:at] = draw(st.binary(max_size=64))
    if draw(st.booleans()):
        data = data[:draw(st.integers(1, len(data)))]
    return bytes(data)


def originals(tmp: Path) -> dict[str, bytes]:
    return {
        ".txt": SEEDS[3].read_bytes()[:6000],
        ".docx": (CASES / "zj_anji_yingshang_2023.docx").read_bytes(),
        ".html": (CASES / "cq_bishan_slfmh_2023.html").read_bytes(),
        ".pdf": make_pdf(tmp / "plan.pdf", SEEDS[3].read_text(encoding="utf-8").splitlines()[:60]).read_bytes(),
    }


@pytest.mark.parametrize("suffix", [".txt", ".docx", ".html", ".pdf"])
def test_a_mangled_document_is_read_or_refused(tmp_path_factory, suffix):
    folder = tmp_path_factory.mktemp("fuzz")
    original = originals(folder)[suffix]

    @FUZZ
    @given(data=mangled(original))
    def check(data):
        path = folder / f"plan{suffix}"
        path.write_bytes(data)
        try:
            source = read(path)
        except ReadError as e:
            assert str(path) in str(e)
            return
        assert isinstance(source.text, str)
    check()


def test_a_mangled_sheet_is_read_or_refused(tmp_path_factory):
    folder = tmp_path_factory.mktemp("fuzz")
    original = bombs.xlsx(["任务ID", "进展情况", "T1-0000", "已开工"], rows=5)

    @FUZZ
    @given(data=mangled(original))
    def check(data):
        path = folder / "sheet.xlsx"
        path.write_bytes(data)
        try:
            read_returns(path)
        except DubanError as e:
            assert str(path) in str(e)
    check()


def test_a_sheet_zipped_in_a_version_python_cannot_read_is_refused(tmp_path):
    """zipfile raises NotImplementedError, not BadZipFile, for a zip needing version 6.4 to extract."""
    data = bytearray(bombs.xlsx(["任务ID", "进展情况", "T1-0000", "已开工"], rows=5))
    at = data.find(b"PK\x01\x02")  # the first entry of the central directory
    data[at + 6:at + 8] = (64).to_bytes(2, "little")  # the version needed to extract it
    path = tmp_path / "sheet.xlsx"
    path.write_bytes(bytes(data))
    with pytest.raises(DubanError, match="xlsx") as refused:
        read_returns(path)
    assert str(path) in str(refused.value)
