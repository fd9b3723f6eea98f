"""Score every real document of tests/real against its key and print the table for tests/real/README.md.
`--first-contact` records the scores of documents not yet in first_contact.json (never overwriting one:
a first contact is the score before any fix made for that document); `--write` puts the table into README.md.
Run from the project root:

    .venv/bin/python -m tests.real.report [--first-contact] [--write]
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from duban.evaluate import SCORED_ROLES, Score, load_gold, score_file
from duban.extract import extract
from duban.ingest import read

HERE = Path(__file__).parent
FIRST = HERE / "first_contact.json"
README = HERE / "README.md"
MARK = "<!-- table: written by tests/real/report.py -->"


def documents() -> list[Path]:
    return sorted(p for p in HERE.iterdir() if p.suffix in (".txt", ".html", ".md") and
                  (HERE / f"{p.name}.docs.json").exists())


def figures(s: Score) -> dict:
    return {"tasks": s.gold_tasks, "task_f1": round(s.tasks.f1, 3),
            "lowest_role_f1": round(min(s.roles[r].f1 for r in SCORED_ROLES), 3),
            "exact": round(s.exact_rate, 3), "header": round(s.header_accuracy, 3)}


def scores() -> dict[str, Score]:
    return {p.name: score_file(load_gold(HERE, str(p)), extract(read(p))) for p in documents()}


def sources() -> dict[str, list[str]]:
    found = {}
    for tsv in sorted(HERE.glob("sources*.tsv")):
        for line in tsv.read_text(encoding="utf-8").splitlines():
            if line.strip():
                name, *rest = line.split("\t")
                found[name] = rest
    return found


def table(current: dict[str, Score], first: dict[str, dict]) -> str:
    where = sources()
    lines = ["| document | province | layout | tasks | first contact: task F1 / lowest role F1 / exact / header "
             "| now: task F1 / lowest role F1 / exact / header |", "|---|---|---|---|---|---|"]
    total = Score()
    for name, s in current.items():
        total.add(s)
        f, now = first.get(name, {}), figures(s)
        url, province, layout = (where.get(name, []) + ["", "", ""])[:3]
        shown = " / ".join(f"{f[k]:.3f}" for k in ("task_f1", "lowest_role_f1", "exact", "header")) if f else "—"
        lines.append(f"| [{name}]({url}) | {province} | {layout} | {now['tasks']} | {shown} | "
                     + " / ".join(f"{now[k]:.3f}" for k in ("task_f1", "lowest_role_f1", "exact", "header")) + " |")
    now = figures(total)
    lines.append(f"| **all {len(current)}** | | | {now['tasks']} | | **" +
                 " / ".join(f"{now[k]:.3f}" for k in ("task_f1", "lowest_role_f1", "exact", "header")) + "** |")
    return "\n".join(lines)


def main() -> None:
    current = scores()
    first = json.loads(FIRST.read_text(encoding="utf-8")) if FIRST.exists() else {}
    if "--first-contact" in sys.argv:
        for name, s in current.items():
            first.setdefault(name, figures(s))
        FIRST.write_text(json.dumps(first, ensure_ascii=False, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    shown = table(current, first)
    if "--write" in sys.argv:
        from .renderings import scores as rendering_scores
        from .renderings import table as rendering_table
        kept = README.read_text(encoding="utf-8").split(MARK)[0]
        renderings = rendering_table(rendering_scores())
        README.write_text(f"{kept}{MARK}\n{shown}\n\n### The same documents as other files\n\n"
                          f"Written by `tests/real/renderings.py` (a PDF's lines wrap at 38 characters, as typeset text "
                          f"does, so table rows and unit names break):\n\n{renderings}\n", encoding="utf-8")
    print(shown)


if __name__ == "__main__":
    main()
