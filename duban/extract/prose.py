"""Attributions written as plain sentences, outside brackets and labels: "由杨志武副市长负责，
市发改委牵头，相关部门配合，尽快完成…", "由县民族局、交通局共同组织实施". A clause counts only when
it is wholly a unit list with a role tail, or a leader's name and title with 负责, and the run of
such clauses starts with 由 or holds two of them ("X牵头，Y配合")."""

from __future__ import annotations

import re

from ..names import TAIL_ENDS, TITLES, top_level
from .roles import Attribution, parse_clause

LEADER = re.compile(r"由?(?P<name>[\u4e00-\u9fff]{2,4}?)(?:" + "|".join(map(re.escape, TITLES))
                    + r")(?:同志)?(?:负责|牵头|分管|主抓|领衔)$")
ENDINGS = TAIL_ENDS + ("负责", "牵头", "分管", "主抓", "领衔")
ANY_ENDING = re.compile("|".join(map(re.escape, sorted(set(ENDINGS), key=len, reverse=True))))
CLAUSE_SEPARATORS = "，；。\n"
PROSE_TAIL = 8  # "共同组织实施", "按职责分工负责"; a longer tail is a duty ("负责全县…的具体组织实施")


def clause_attribution(folded: str, s: int, e: int) -> Attribution | None:
    if not folded[s:e].rstrip("。 ").endswith(ENDINGS):  # most clauses end with no role word: no attribution
        return None
    while s < e and folded[s] in " 　":
        s += 1
    if m := LEADER.fullmatch(folded, s, e):
        return Attribution(s, e, [("lead_leaders", m.start("name"), m.end("name"))], sentence=True)
    clause = parse_clause(folded, s, e, None, max_tail=PROSE_TAIL)
    if clause is None or not clause[2] or clause[0] is None:  # a role tail is what makes it one
        return None
    return Attribution(s, e, [(clause[0], a, b) for a, b in clause[1]], sentence=True)


def find(folded: str, start: int, end: int, taken: list[Attribution], leading: bool = False,
         anywhere: bool = False) -> list[Attribution]:
    """Sentence attributions in folded[start:end] outside the `taken` spans: a run of them must
    open a sentence (or start with 由), so "…统一领导，县委政法委牵头，…" in a speech is no task's;
    `leading`: only a run that opens the text; `anywhere`: every attributing clause (text a reviewer
    chose as a task)."""
    found, chained, run = [], False, []
    if not ANY_ENDING.search(folded, start, end):  # no role word at all: nothing to look at
        return found
    found = whole_sentences(folded, start, end, taken, leading)
    taken = taken + found
    for s, e in top_level(folded, start, end, CLAUSE_SEPARATORS):
        opens = anywhere or s == start or (not leading and (folded[s - 1] in "。\n" or folded.startswith("由", s)))
        a = None if e - s < 3 or any(t.start < e and s < t.end for t in taken) else clause_attribution(folded, s, e)
        chained = a is not None and (opens or chained)
        run = run + [a] if chained else []
        if len(run) >= 2 or (run and (anywhere or folded.startswith("由", run[0].start))):  # one "X牵头，起草…" is prose
            found += [x for x in run if x not in found]
    return found


def whole_sentences(folded: str, start: int, end: int, taken: list[Attribution], leading: bool) -> list[Attribution]:
    """"由A，B、C负责落实": one role tail for a 由 sentence whose lists are set apart by commas
    (`leading`: only the sentence that opens the text)."""
    out = []
    for s, e in top_level(folded, start, end, "。\n")[:1 if leading else None]:
        s += len(folded[s:e]) - len(folded[s:e].lstrip(" 　"))
        if folded.startswith("由", s) and not any(t.start < e and s < t.end for t in taken) \
                and (a := clause_attribution(folded, s, e)) is not None:
            out.append(a)
    return out
