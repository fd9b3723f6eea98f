"""Build real .docx and .pdf files from text, the way offices produce them."""

from __future__ import annotations

from pathlib import Path

import docx
from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))


def make_docx(path: Path, blocks: list) -> Path:
    """blocks: strings become paragraphs, lists of rows become tables; a row given as a plain
    string is one cell merged across the table (a chapter row); a cell "#" is numbered by Word ("%1.")."""
    document = docx.Document()
    numbered = False
    for block in blocks:
        if isinstance(block, str):
            document.add_paragraph(block)
            continue
        table = document.add_table(rows=len(block), cols=len(block[0]))
        for r, row in enumerate(block):
            if isinstance(row, str):
                table.cell(r, 0).merge(table.cell(r, len(block[0]) - 1)).text = row
                continue
            for c, value in enumerate(row):
                table.cell(r, c).text = "" if value == "#" else value
                if value == "#":
                    numbered = numbered or add_numbering(document, 91, [("decimal", "%1.", 1)])
                    number(table.cell(r, c).paragraphs[0], 91, 0)
    document.save(path)
    return path


def wrap(line: str, width: float, size: int) -> list[str]:
    """A line broken where typesetting breaks it: at the measured width (a digit is narrower than a hanzi)."""
    out, current = [], ""
    for ch in line:
        if current and pdfmetrics.stringWidth(current + ch, "STSong-Light", size) > width:
            out.append(current)
            current = ""
        current += ch
    return out + [current]


W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
CHINESE_LEVELS = (("chineseCounting", "%1、"), ("chineseCounting", "（%2）"), ("decimal", "%3."),
                  ("decimal", "（%4）"), ("decimalEnclosedParen", "%5"))


def add_numbering(document, num_id: int, levels: list[tuple[str, str, int]]) -> bool:
    """A list definition in numbering.xml: (numFmt, lvlText, start) a level."""
    from docx.oxml import parse_xml

    numbering = document.part.numbering_part.element
    lvls = "".join(f'<w:lvl w:ilvl="{i}"><w:start w:val="{start}"/><w:numFmt w:val="{fmt}"/>'
                   f'<w:lvlText w:val="{text}"/></w:lvl>' for i, (fmt, text, start) in enumerate(levels))
    numbering.insert(0, parse_xml(f'<w:abstractNum xmlns:w="{W_NS}" w:abstractNumId="{num_id}">{lvls}</w:abstractNum>'))
    numbering.append(parse_xml(f'<w:num xmlns:w="{W_NS}" w:numId="{num_id}"><w:abstractNumId w:val="{num_id}"/></w:num>'))
    return True


def number(paragraph, num_id: int, level: int) -> None:
    from docx.oxml import parse_xml

    paragraph._p.get_or_add_pPr().append(parse_xml(
        f'<w:numPr xmlns:w="{W_NS}"><w:ilvl w:val="{level}"/><w:numId w:val="{num_id}"/></w:numPr>'))


def make_numbered_docx(path: Path, paragraphs: list[tuple[int | None, str]], *,
                       levels=CHINESE_LEVELS, start: int = 1) -> Path:
    """Paragraphs numbered by Word itself (w:numPr -> numbering.xml), as offices type them: (level, text),
    level None for a plain paragraph. A text "+X" adds X as a tracked insertion; "[X]" puts the paragraph
    in a content control."""
    from docx.oxml import parse_xml

    document = docx.Document()
    add_numbering(document, 90, [(fmt, text, start if i == 0 else 1) for i, (fmt, text) in enumerate(levels)])
    for level, text in paragraphs:
        paragraph = document.add_paragraph(text.lstrip("+").strip("[]"))
        if level is not None:
            number(paragraph, 90, level)
        if text.startswith("+"):  # the run moved into a tracked insertion
            run = paragraph._p.r_lst[0]
            ins = parse_xml(f'<w:ins xmlns:w="{W_NS}" w:id="1" w:author="科员" w:date="2024-03-01T00:00:00Z"/>')
            run.addprevious(ins)
            ins.append(run)
        if text.startswith("["):  # the paragraph moved into a block content control
            sdt = parse_xml(f'<w:sdt xmlns:w="{W_NS}"><w:sdtPr/><w:sdtContent/></w:sdt>')
            paragraph._p.addprevious(sdt)
            sdt[1].append(paragraph._p)
    document.save(path)
    return path


def make_pdf(path: Path, lines: list[str], *, password: str | None = None, per_page: int = 40,
             width: int = 38) -> Path:
    """A PDF with a text layer; long lines wrap at `width` hanzi as typeset text does."""
    pdf = canvas.Canvas(str(path), pagesize=A4, encrypt=password)
    wrapped = [part for ln in lines for part in wrap(ln, width * 11, 11)]
    for page_start in range(0, len(wrapped), per_page):
        pdf.setFont("STSong-Light", 11)
        y = 800
        for line in wrapped[page_start:page_start + per_page]:
            pdf.drawString(40, y, line)
            y -= 18
        pdf.showPage()
    pdf.save()
    return path


def make_styled_pdf(path: Path, lines: list[tuple[str, str]]) -> Path:
    """Lines as WPS and Word export them: "bold" drawn twice, a hair apart (simulated bold, as a font
    without a bold face is printed), "spaced" with letter spacing; "" plain."""
    pdf = canvas.Canvas(str(path), pagesize=A4)
    y = 800
    for text, style in lines:
        draw = pdf.beginText(40, y)
        draw.setFont("STSong-Light", 16 if style == "bold" else 11)
        draw.setCharSpace(5 if style == "spaced" else 0)
        draw.textLine(text)
        pdf.drawText(draw)
        if style == "bold":
            pdf.setFont("STSong-Light", 16)
            pdf.drawString(40.4, y, text)
        y -= 24
    pdf.showPage()
    pdf.save()
    return path


CJK_FONT = Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc")  # Debian's fonts-wqy-microhei (make test)


def scan_of(lines: list[str], *, photo: bool = False, width: int = 1654, size: int = 33):
    """A page as a scanner gives it at 200 dpi: black text on white, long lines wrapped at the margin;
    `photo`: as a phone takes it (skewed 2°, slightly blurred, grey paper)."""
    from PIL import Image, ImageDraw, ImageFilter, ImageFont

    font = ImageFont.truetype(str(CJK_FONT), size)
    margin, pitch = 150, int(size * 1.8)
    wrapped = []
    for line in lines:
        current = ""
        for ch in line:
            if current and font.getlength(current + ch) > width - 2 * margin:
                wrapped.append(current)
                current = ""
            current += ch
        wrapped.append(current)
    page = Image.new("RGB", (width, 2 * margin + pitch * len(wrapped)), "white")
    draw = ImageDraw.Draw(page)
    for k, line in enumerate(wrapped):
        draw.text((margin, margin + k * pitch), line, font=font, fill="black")
    if photo:
        page = page.rotate(2, expand=True, fillcolor=(236, 232, 224), resample=Image.BICUBIC)
        page = page.filter(ImageFilter.GaussianBlur(0.8))
    return page


def make_scan(path: Path, pages: list[list[str]], *, photo: bool = False) -> Path:
    """Pages as pictures: a PDF of page images (no text layer), or a JPEG/PNG/TIFF by the suffix."""
    images = [scan_of(lines, photo=photo) for lines in pages]
    kwargs = {"quality": 80} if path.suffix in (".jpg", ".jpeg") else {}
    images[0].save(path, save_all=len(images) > 1, append_images=images[1:], resolution=200, **kwargs)
    return path


def make_image_pdf(path: Path) -> Path:
    pdf = canvas.Canvas(str(path), pagesize=A4)
    pdf.rect(100, 100, 300, 300, fill=1)
    pdf.showPage()
    pdf.save()
    return path


def make_table_pdf(path: Path, title: str, rows: list[list[str]]) -> Path:
    """A ruled table as offices print a ledger, cells wrapping inside their column."""
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Table, TableStyle

    style = ParagraphStyle("cjk", fontName="STSong-Light", fontSize=10, leading=13, wordWrap="CJK")
    cells = [[Paragraph(c, style) for c in row] for row in rows]
    table = Table(cells, colWidths=[30, 200, 90, 110, 70])
    table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.5, "black"), ("VALIGN", (0, 0), (-1, -1), "TOP")]))
    SimpleDocTemplate(str(path), pagesize=A4).build([Paragraph(title, style), table])
    return path


def saved_as(path: Path, suffix: str) -> Path:
    """The file saved by LibreOffice in another format, as WPS or old Office would have written it
    (.doc Word 97, .rtf, .xls Excel 97, .ods); .wps and .et are those bytes under WPS's own names."""
    import shutil
    import subprocess

    as_format = {".wps": ".doc", ".et": ".xls"}.get(suffix, suffix)
    out = path.parent / f"{path.stem}-saved"
    filters = {".doc": "doc:MS Word 97", ".xls": "xls:MS Excel 97"}
    subprocess.run([shutil.which("soffice"), "--headless", f"-env:UserInstallation={(out / 'profile').as_uri()}",
                    "--convert-to", filters.get(as_format, as_format[1:]), "--outdir", str(out), str(path)],
                   capture_output=True, timeout=120, check=True)
    return (out / f"{path.stem}{as_format}").rename(path.with_suffix(suffix))
