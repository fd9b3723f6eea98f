"""A government web page: keep the article body (the block with the most running text and
few links), drop navigation, scripts and footers; table rows become tab-separated lines."""

from __future__ import annotations

import re

from bs4 import BeautifulSoup, NavigableString, Tag

from ..records import Source
from .text import decode

NOISE = ("script", "style", "nav", "header", "footer", "aside", "form", "select", "iframe",
         "noscript", "button", "input")
BLOCKS = {"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "tr", "table", "section",
          "article", "blockquote", "pre", "ul", "ol", "dd", "dt", "center"}


CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([\w-]+)""", re.IGNORECASE)


def declared_charset(data: bytes) -> str | None:
    """The charset a page declares in its <meta> (charset= or http-equiv content)."""
    m = CHARSET.search(data[:4096])
    return m.group(1).decode("ascii") if m else None


def text_len(el: Tag) -> int:
    return len("".join(el.get_text().split()))


def score(el: Tag) -> float:
    """Running text minus link text: navigation is mostly links, an article body is not."""
    links = sum(text_len(a) for a in el.find_all("a"))
    return text_len(el) - 2 * links


def main_block(soup: BeautifulSoup) -> Tag:
    body = soup.body or soup
    best, best_score = body, score(body) * 0.7  # prefer a narrower block when it holds most
    for el in body.find_all(["div", "article", "section", "td", "main"]):
        s = score(el)
        if s > best_score * 1.0 and s >= 0.5 * score(body):
            best, best_score = el, s
    return best


def render(el: Tag, out: list[str]) -> None:
    """Depth-first text with a line break around every block and tab-separated cells."""
    for child in el.children:
        if isinstance(child, NavigableString):
            out.append(str(child).replace("\n", " "))
        elif child.name == "br":
            out.append("\n")
        elif child.name == "tr":
            cells = [" ".join(c.get_text(" ").split()) for c in child.find_all(["td", "th"])]
            out.append("\n" + "\t".join(cells) + "\n")
        elif child.name in BLOCKS:
            out.append("\n")
            render(child, out)
            out.append("\n")
        else:
            render(child, out)


def read(data: bytes) -> Source:
    text, encoding = decode(data, declared_charset(data))
    soup = BeautifulSoup(text, "lxml")
    for el in soup.find_all(NOISE):
        el.decompose()
    block = main_block(soup)
    out: list[str] = []
    heading = soup.find("h1")
    if heading is not None and heading not in block.descendants:
        out.append(heading.get_text(" ").strip() + "\n")
    render(block, out)
    lines = ["\t".join(" ".join(cell.split()) for cell in line.split("\t")) for line in "".join(out).split("\n")]
    return Source(path="", text="\n\n".join(line for line in lines if line.strip()), format="html",
                  encoding=encoding)
