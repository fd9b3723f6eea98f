"""Layout: how each region of a document is printed, between normalisation and task reading.

A document that lost its line breaks gets them back (`runon`); rows pasted as pipe-led cell lines are
made rows, a pipe row opening with its chapter's headings has them set apart (`piped`); tables are
rebuilt from whatever flattening a page left them in (`tables`); the lines then go on to be rejoined as prose
(`normalize.rejoined`), and a run-on text is cut again (a PDF wraps it into short lines, which only
rejoining makes one). Outline and prose are read by `outline` and `extract.roles`, which learn their
numbering and labels from the document itself."""

from __future__ import annotations

from ..normalize import lines, rejoined, to_text
from ..records import Source, Text
from . import piped
from .runon import unflatten
from .tables import rebuild


def read(source: Source) -> Text:
    """The source's text, cleaned, a run-on repost cut at its markers, its tables rebuilt as one
    tab-separated line per row."""
    pieces = rebuild(piped.headings_out(piped.rebuild(piped.wrapped_rows(unflatten(lines(source))))))
    return to_text(source, unflatten(rejoined(pieces)))
