"""The bounds on what duban reads (lexicon/limits.yaml, each overridable as DUBAN_LIMIT_<NAME>), and the
checks every reader runs before a parser sees the bytes: an Office file's parts, sizes and DOCTYPEs."""

from __future__ import annotations

import io
import os
import zipfile

from .errors import ReadError
from .lexicon import load

MB = 1024 * 1024


def limit(name: str) -> int:
    """The bound `name`: from DUBAN_LIMIT_<NAME> if set, else limits.yaml."""
    value = os.environ.get(f"DUBAN_LIMIT_{name.upper()}")
    return int(value) if value else int(load("limits")[name])


def check_zip(data: bytes, kind: str) -> None:
    """Refuse a .docx/.xlsx whose parts would take more memory to read than any real one (a zip bomb, a
    64 MB document.xml, three million shared strings) or that declares a DOCTYPE (entity expansion):
    Office never writes one. Declared sizes can be trusted: zipfile stops at them and checks the CRC."""
    try:
        parts = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, NotImplementedError) as e:  # the latter: a zip version or method Python lacks
        raise ReadError(f"不是有效的 {kind} 文件 (not a valid {kind}: {e})") from None
    with parts:
        entries = parts.infolist()
        if len(entries) > limit("zip_entries"):
            raise ReadError(f"{kind} 文件包含 {len(entries)} 个部件，超过上限 {limit('zip_entries')} (too many parts)")
        total = sum(e.file_size for e in entries)
        if total > limit("unzipped_mb") * MB:
            raise ReadError(f"{kind} 文件解压后 {total // MB} MB，超过上限 {limit('unzipped_mb')} MB (unzips too large)")
        for e in entries:
            if not e.filename.endswith((".xml", ".rels")):
                continue
            if e.file_size > limit("xml_part_mb") * MB:
                raise ReadError(f"{kind} 文件的 {e.filename} 有 {e.file_size // MB} MB，超过上限 "
                                f"{limit('xml_part_mb')} MB (an XML part too large)")
            with parts.open(e) as f:
                if b"<!DOCTYPE" in f.read(4096).upper():
                    raise ReadError(f"{kind} 文件的 {e.filename} 含有 DOCTYPE 声明，Office 文件不会有，拒绝读取 "
                                    "(a DOCTYPE in an Office part)")


def check_text(text: str, what: str = "文件") -> None:
    if len(text) > limit("text_chars"):
        raise ReadError(f"{what}有 {len(text)} 个字符，超过上限 {limit('text_chars')} (too much text for one document)")
