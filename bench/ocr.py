"""Scans and photos of the five samples, read by OCR and scored against their answer keys (`make bench`).
Each sample is printed to PDF by LibreOffice and rasterised at 200 dpi by pdftoppm (a scanned 红头文件), and
each page is also made a phone photo (skewed 2°, slightly blurred, grey paper, JPEG); both go into
image-only PDFs that the PDF reader renders and reads by OCR page by page. Prints task and role F1 for
each, and OCR pages a second on one core and on two. Prints, never asserts. Needs soffice and pdftoppm
(make system). BENCH_SAMPLES reads only the first N samples (CI's small run)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from PIL import Image, ImageFilter
from rich.console import Console
from rich.progress import track

from duban.evaluate import SCORED_ROLES, Score, load_gold, score_file
from duban.extract import extract
from duban.ingest import ocr, read

ROOT = Path(__file__).resolve().parent.parent
SEEDS = sorted((ROOT / "examples" / "seeds").glob("*.txt"))[:int(os.environ.get("BENCH_SAMPLES", "5"))]
GOLD = ROOT / "tests" / "data" / "gold"
TIMED_PAGES = 6
MARKDOWN = re.compile(r"^#+ *", re.MULTILINE)


def paper(seed: Path) -> str:
    """The sample as it stood on paper: the marks its OCR export added (# headings, ** bold) were not."""
    return MARKDOWN.sub("", seed.read_text(encoding="utf-8")).replace("**", "")


def printed(seed: Path, folder: Path) -> list[Path]:
    """The sample printed on A4 by LibreOffice and scanned at 200 dpi: one PNG a page."""
    text = folder / seed.name
    text.write_text(paper(seed), encoding="utf-8")
    subprocess.run(["soffice", "--headless", f"-env:UserInstallation={(folder / 'profile').as_uri()}",
                    "--infilter=Text (encoded):UTF8,LF,,,", "--convert-to", "pdf", "--outdir", str(folder),
                    str(text)], check=True, capture_output=True)
    subprocess.run(["pdftoppm", "-r", "200", "-png", str(folder / f"{seed.stem}.pdf"), str(folder / seed.stem)],
                   check=True)
    return sorted(folder.glob(f"{seed.stem}-*.png"))


def photographed(page: Image.Image) -> Image.Image:
    """A page as a phone takes it: skewed 2°, slightly blurred, on grey paper."""
    tilted = page.convert("RGB").rotate(2, expand=True, fillcolor=(236, 232, 224), resample=Image.BICUBIC)
    return tilted.filter(ImageFilter.GaussianBlur(0.8))


def image_pdf(pages: list[Image.Image], path: Path, **save) -> Path:
    pages[0].save(path, save_all=True, append_images=pages[1:], resolution=200, **save)
    return path


def scored(path: Path, seed: Path) -> Score:
    return score_file(load_gold(GOLD, seed.name), extract(read(path)))


def pages_per_second(pages: list[Image.Image], threads: int) -> float:
    os.environ["DUBAN_LIMIT_OCR_THREADS"] = str(threads)
    ocr.engine.cache_clear()
    ocr.page_text(pages[0])  # the models load once, not per page
    start = time.perf_counter()
    for page in pages:
        ocr.page_text(page)
    return len(pages) / (time.perf_counter() - start)


def line(console: Console, label: str, score: Score, pages: int) -> None:
    roles = "  ".join(f"{r} {score.roles[r].f1:.3f}" for r in SCORED_ROLES)
    console.print(f"{label:6} {pages:4} pages  task F1 {score.tasks.f1:.3f}  exact {score.exact_rate:.3f}  "
                  f"lowest role {min(score.roles[r].f1 for r in SCORED_ROLES):.3f}  ({roles})")


def main() -> None:
    if not (shutil.which("soffice") and shutil.which("pdftoppm")):
        sys.exit("bench/ocr.py needs LibreOffice (soffice) and poppler-utils (pdftoppm): make system")
    console = Console()
    totals = {"scan": Score(), "photo": Score()}
    count, sample = 0, []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for seed in track(SEEDS, description="print, scan, photograph, OCR"):
            pages = [Image.open(p) for p in printed(seed, folder)]
            count += len(pages)
            sample += [p.copy() for p in pages[:2]]
            scan = image_pdf(pages, folder / f"{seed.stem}-scan.pdf")
            photo = image_pdf([photographed(p) for p in pages], folder / f"{seed.stem}-photo.pdf", quality=80)
            for kind, path in (("scan", scan), ("photo", photo)):
                totals[kind].add(score := scored(path, seed))
                line(console, f"{seed.name[:3]} {kind}", score, len(pages))
    for kind, score in totals.items():
        line(console, kind, score, count)
    timed = sample[:TIMED_PAGES]
    one, two = pages_per_second(timed, 1), pages_per_second(timed, 2)
    console.print(f"OCR of a 200 dpi A4 page: {one:.2f} pages/s on one core, {two:.2f} on two "
                  f"({two / one:.2f}x), over {len(timed)} pages")


if __name__ == "__main__":
    main()
