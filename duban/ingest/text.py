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


# a declared charset -> the codec that reads it (GB2312 and GBK pages use GB18030's characters too)
CODECS = {"gb2312": "gb18030", "gbk": "gb18030", "gb18030": "gb18030", "big5": "big5hkscs", "big5-hkscs": "big5hkscs",
          "utf-8": "utf-8", "utf8": "utf-8", "utf-16": "utf-16"}


def plausible(text: str) -> float:
    """Share of characters Chinese text is made of: hanzi, ASCII, CJK and full-width punctuation."""
    sample = text[:4096]
    ok = sum(1 for ch in sample if ch.isascii() or "\u4e00" <= ch <= "\u9fff" or "\u3000" <= ch <= "\u303f"
             or "\uff00" <= ch <= "\uffef" or ch in "“”‘’…—·")
    return ok / max(len(sample), 1)


def utf16(data: bytes) -> tuple[str, str] | None:
    """UTF-16 without a BOM (NUL bytes beside ASCII characters): the byte order that reads as Chinese
    text (the other one turns hanzi into Hangul and surrogates)."""
    if len(data) % 2 or b"\x00" not in data[:8192]:
        return None
    best = None
    for enc in ("utf-16-le", "utf-16-be"):
        try:
            text = data.decode(enc)
        except UnicodeDecodeError:
            continue
        if plausible(text) > 0.9 and (best is None or plausible(text) > plausible(best[0])):
            best = (text, enc)
    return best


SHORT = 40  # bytes of hanzi below which GB18030 and Big5 are not told apart


def chinese(data: bytes) -> tuple[str, str] | None:
    """GB18030 or Big5: the one that reads the bytes strictly; when both do, the one charset-normalizer
    finds likelier, asked about those two only (GB18030 alone takes most Big5 bytes without complaint)."""
    fits = []
    for enc in ("gb18030", "big5hkscs"):
        try:
            fits.append((data.decode(enc), enc))
        except UnicodeDecodeError:
            continue
    if len(fits) == 2:
        if sum(b > 0x7F for b in data[:4096]) < SHORT:
            return fits[0]  # a few characters tell the two apart by chance only: the mainland's encoding
        best = from_bytes(data, cp_isolation=["gb18030", "big5"]).best()
        return fits[1] if best is not None and best.encoding == "big5" else fits[0]
    return fits[0] if fits else None


def decode(data: bytes, declared: str | None = None) -> tuple[str, str]:
    """(text, encoding). BOM first, then a charset the file declares (an HTML page's), then UTF-16
    without BOM, strict UTF-8, GB18030 or Big5, then charset-normalizer's best guess; undecodable
    bytes are an error."""
    for bom, enc in BOMS:
        if data.startswith(bom):
            return data.decode(enc), enc
    if declared and (enc := CODECS.get(declared.lower())):
        try:
            return data.decode(enc), enc
        except UnicodeDecodeError:
            pass  # a page that says one charset and is another: read it by its bytes
    if found := utf16(data):
        return found
    if looks_binary(data):
        raise ReadError("是二进制文件，不是文本 (binary data, not text)")
    try:
        text = data.decode("utf-8")
        if plausible(text) > 0.9:
            return text, "utf-8"
    except UnicodeDecodeError:
        text = None
    if (found := chinese(data)) and (text is None or plausible(found[0]) > plausible(text)):
        return found  # "## 目 录" in GB18030 is valid UTF-8 too, and reads as "## Ŀ ¼"
    if text is not None:
        return text, "utf-8"
    best = from_bytes(data).best()
    if best is None:
        raise ReadError("无法识别文字编码 (cannot detect the text encoding)")
    return str(best), best.encoding


def read(data: bytes) -> Source:
    text, encoding = decode(data)
    return Source(path="", text=text.replace("\r\n", "\n").replace("\r", "\n"),
                  format="txt", encoding=encoding)
