"""Plain text and markdown: detect the encoding from the bytes, never from the suffix."""

from __future__ import annotations

import codecs

from charset_normalizer import from_bytes

from ..errors import ReadError
from ..records import Source

CONTROLS = bytes(b for b in range(32) if b < 9 or b > 13)
BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))


def looks_binary(data: bytes) -> bool:
    """NUL bytes or many control characters mean this is not a text file."""
    sample = data[:8192]
    if b"\x00" in sample:
        return True
    controls = len(sample) - len(sample.translate(None, CONTROLS))
    return controls > len(sample) * 0.02


def decode(data: bytes) -> tuple[str, str]:
    """(text, encoding). BOM first, then strict UTF-8, then GB18030 (a superset of GBK and
    GB2312), then charset-normalizer's best guess; undecodable bytes are an error."""
    for bom, enc in BOMS:
        if data.startswith(bom):
            return data.decode(enc), enc
    if looks_binary(data):
        raise ReadError("是二进制文件，不是文本 (binary data, not text)")
    for enc in ("utf-8", "gb18030"):
        try:
            return data.decode(enc), enc
        except UnicodeDecodeError:
            continue
    best = from_bytes(data).best()
    if best is None:
        raise ReadError("无法识别文字编码 (cannot detect the text encoding)")
    return str(best), best.encoding


def read(data: bytes) -> Source:
    text, encoding = decode(data)
    return Source(path="", text=text.replace("\r\n", "\n").replace("\r", "\n"),
                  format="txt", encoding=encoding)
