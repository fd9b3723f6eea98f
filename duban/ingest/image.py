"""Photos and scans saved as pictures (JPEG, PNG, TIFF with one page a frame, BMP, WebP), read by OCR.
A picture too large to be a page photo is refused before it is decoded."""

from __future__ import annotations

import io
from collections.abc import Iterator
from contextlib import contextmanager

from PIL import Image, ImageOps, ImageSequence, UnidentifiedImageError

from ..errors import ReadError
from ..limits import limit
from ..records import Source
from . import ocr
from .typeset import joined, located

MAGIC = (b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n", b"II*\x00", b"MM\x00*", b"BM", b"GIF8")


def is_image(data: bytes) -> bool:
    return data.startswith(MAGIC) or (data[:4] == b"RIFF" and data[8:12] == b"WEBP")


@contextmanager
def opened(data: bytes) -> Iterator[Image.Image]:
    """The picture, opened under the pixel cap: a bomb or a damaged file is a ReadError saying which."""
    Image.MAX_IMAGE_PIXELS = limit("image_megapixels") * 1_000_000
    try:
        with Image.open(io.BytesIO(data)) as picture:
            yield picture
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as e:
        raise ReadError(f"图片像素过多，超过上限 {limit('image_megapixels')} 百万像素 (image too large)") from e
    except (UnidentifiedImageError, OSError, SyntaxError) as e:
        raise ReadError(f"图片文件已损坏或无法解析 (unreadable image: {e})") from e


def frames(picture: Image.Image) -> int:
    return getattr(picture, "n_frames", 1)  # a multi-page TIFF's pages


def frame_count(data: bytes) -> int:
    try:
        with opened(data) as picture:
            return frames(picture)
    except ReadError:
        return 1  # its reader says why


def upright(frame: Image.Image) -> Image.Image:
    return ImageOps.exif_transpose(frame).convert("RGB")  # a phone's EXIF rotation applied


def read(data: bytes) -> Source:
    with opened(data) as picture:
        if frames(picture) > limit("pdf_pages"):
            raise ReadError(f"图片有 {frames(picture)} 页，超过上限 {limit('pdf_pages')} 页 (too many pages)")
        shown = [upright(frame) for frame in ImageSequence.Iterator(picture)]
        texts = [ocr.page(page, k, len(shown)) for k, page in enumerate(shown)]
    if not any(text.strip() for text, _, _ in texts):
        raise ReadError("图片中没有识别出文字 (OCR found no text in the picture)")
    text = joined([(text, runs_on) for text, runs_on, _ in texts])
    return Source(path="", text=text, format="image", boxes=located(text, [lines for _, _, lines in texts]))


def picture(data: bytes, number: int, width: int) -> Image.Image:
    """Frame `number` (from 0), upright, scaled down to `width` pixels wide."""
    with opened(data) as whole:
        if not 0 <= number < frames(whole):
            raise ReadError(f"图片没有第 {number + 1} 页 (no such page)")
        whole.seek(number)
        page = upright(whole)
    page.thumbnail((width, width * 4))
    return page
