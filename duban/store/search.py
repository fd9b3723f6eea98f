"""`mentions(word)`: a task whose title or text holds `word`, as the ledger's search asks. Chinese is not
split into words, so the match is a substring (LIKE, with the typed % and _ taken literally). On
PostgreSQL an index answers first: every pair of neighbouring characters of the task
(`duban_bigrams`, migration 0010) in a GIN index, so a word of three characters or more is looked up by
its pairs and only the tasks holding all of them are checked with LIKE. pg_trgm would not do: under the C
locale it drops CJK characters. On SQLite an FTS5 table with the trigram tokenizer (`task_search`,
migration 0011) finds the tasks holding the word, then LIKE checks them."""

from __future__ import annotations

from sqlalchemy import Boolean, Text, bindparam, or_
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.expression import ColumnElement

from .models import Task

# words this long or longer go through the index. A two-character word (推进, 建设) is in a good share of a
# province's tasks: walking the ledger in order finds a page of them at once, while the index fetches every
# one of them and sorts them (1,000,000 tasks, 推进 and 高标准农田 in turn: p50 605 ms with every word through
# the index; 推进 alone took 148 ms without it)
INDEXED_FROM = 3


def bigrams(word: str) -> list[str]:
    return sorted({word[i:i + 2] for i in range(len(word) - 1)})


class Mentions(ColumnElement[bool]):
    inherit_cache = False  # the word is the statement's value
    type = Boolean()
    _is_implicitly_boolean = True  # else SQLite gets "(...) = 1" and scans every task instead of asking the index

    def __init__(self, word: str) -> None:
        self.word = word


def mentions(word: str) -> Mentions:
    return Mentions(word)


def _like(word: str) -> ColumnElement[bool]:
    return or_(Task.text.contains(word, autoescape=True), Task.title.contains(word, autoescape=True))


@compiles(Mentions)
def _substring(element: Mentions, compiler, **kw) -> str:
    return f"({compiler.process(_like(element.word), **kw)})"


@compiles(Mentions, "postgresql")
def _indexed(element: Mentions, compiler, **kw) -> str:
    like = compiler.process(_like(element.word), **kw)
    if len(element.word) < INDEXED_FROM:
        return f"({like})"
    pairs = compiler.process(bindparam(None, bigrams(element.word), type_=ARRAY(Text())), **kw)
    title, text = (compiler.process(c, **kw) for c in (Task.title, Task.text))
    # the index's own expression, repeated as it is written there (a bound ' ' would not match it)
    return f"(duban_bigrams({title} || ' ' || {text}) @> CAST({pairs} AS TEXT[]) AND ({like}))"


@compiles(Mentions, "sqlite")
def _trigrams(element: Mentions, compiler, **kw) -> str:
    like = compiler.process(_like(element.word), **kw)
    if len(element.word) < INDEXED_FROM:  # a trigram index cannot look up fewer than three characters
        return f"({like})"
    phrase = compiler.process(bindparam(None, '"' + element.word.replace('"', '""') + '"', type_=Text()), **kw)
    task = compiler.process(Task.id, **kw)
    return f"({task} IN (SELECT rowid FROM task_search WHERE task_search MATCH {phrase}) AND ({like}))"
