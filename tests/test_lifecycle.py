"""A plan's lifecycle: a finished plan (已办结) leaves the day's work (board, assessment, reminders) but is
still there when asked for by name; a plan whose period is over is proposed, not finished; finishing is
audited, refused twice, undone by reopening, and kept by a new version of the plan."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from duban import clock
from duban.errors import DubanError
from duban.extract import extract
from duban.ingest import read
from duban.store import ledger, transaction
from duban.store.documents import ingest
from duban.store.models import AuditEntry, Document
from duban.supervise import lifecycle, remind, scoring, warnings
from duban.units.registry import Registry

from .conftest import SEEDS

TODAY = date(2024, 6, 3)


@pytest.fixture
def ledger_2024(db):
    """Seeds 000 (a 2023 plan) and 003 (the 2024 plan) stored at the start of 2024; (engine, old id, new id)."""
    with clock.set_to(date(2024, 1, 2)):
        for path in (SEEDS[0], SEEDS[3]):
            ingest(db, path, Registry(None), "tester", True)
    with transaction(db) as s:
        old, new = s.scalars(select(Document.id).order_by(Document.id)).all()
    return db, old, new


def documents_on_board(s, **asked) -> set[int]:
    return {e.facts.document_id for e in warnings.board(s, TODAY, **asked)}


def test_a_finished_plan_leaves_the_board_assessment_and_reminders_but_not_the_ledger(ledger_2024):
    db, old, new = ledger_2024
    with transaction(db) as s:
        assert documents_on_board(s) == {old, new}
        old_units = {u for e in warnings.board(s, TODAY, [old]) for u in e.facts.lead_units.values()}
        lifecycle.finish(s, old, "督查室", TODAY)
    with transaction(db) as s:
        assert documents_on_board(s) == {new}
        assert documents_on_board(s, documents=[old]) == {old}  # asked for by name, it is all there
        ranked = {r.name for r in scoring.assess(s, date(2024, 1, 1), TODAY)[0]}
        reminded = {r.unit for r in remind.reminders(s, TODAY)}
        only_old = old_units - {u for e in warnings.board(s, TODAY, [new]) for u in e.facts.lead_units.values()}
        assert only_old and not only_old & ranked and not only_old & reminded
        everything = ledger.task_ids(s, ledger.Filter())
        finished = ledger.task_ids(s, ledger.Filter(plans=ledger.FINISHED))
        running = ledger.task_ids(s, ledger.Filter(plans=ledger.RUNNING))
    assert finished and running and sorted(finished + running) == sorted(everything)


def test_a_plan_whose_period_is_over_is_proposed_not_finished(ledger_2024):
    db, old, new = ledger_2024
    with transaction(db) as s:
        proposed = {doc.id: end for doc, end in lifecycle.period_over(s, TODAY)}
        assert list(proposed) == [old] and proposed[old] <= date(2023, 12, 31)
        assert lifecycle.state(s.get(Document, old)) == lifecycle.RUNNING
        assert documents_on_board(s) == {old, new}
        assert not lifecycle.period_over(s, date(2023, 6, 1))


def test_finishing_is_audited_refused_twice_and_undone_by_reopening(ledger_2024):
    db, old, _ = ledger_2024
    with transaction(db) as s:
        lifecycle.finish(s, old, "督查室", TODAY)
    with pytest.raises(DubanError, match="已于 2024-06-03 办结"), transaction(db) as s:
        lifecycle.finish(s, old, "督查室", TODAY)
    with transaction(db) as s:
        assert lifecycle.state(s.get(Document, old)) == lifecycle.FINISHED
        lifecycle.reopen(s, old, "督查室")
    with pytest.raises(DubanError, match="仍在执行中"), transaction(db) as s:
        lifecycle.reopen(s, old, "督查室")
    with transaction(db) as s:
        assert documents_on_board(s) == {old, ledger_2024[2]}
        actions = s.scalars(select(AuditEntry.action).where(AuditEntry.entity == "document",
                                                            AuditEntry.action.like("%_plan"))).all()
    assert actions == ["finish_plan", "reopen_plan"]


def test_a_new_version_of_a_finished_plan_stays_finished(ledger_2024, tmp_path):
    db, old, _ = ledger_2024
    with transaction(db) as s:
        lifecycle.finish(s, old, "督查室", TODAY)
    revised = tmp_path / "revised.txt"
    source = read(SEEDS[0])
    end = extract(source)[0].tasks[3].span.end
    revised.write_text(source.text[:end] + "确保年底前全面完成。" + source.text[end:], encoding="utf-8")
    ingest(db, revised, Registry(None), "tester", True)
    with transaction(db) as s:
        versions = s.scalars(select(Document).where(Document.series == s.get(Document, old).series)
                             .order_by(Document.version)).all()
        assert [d.version for d in versions] == [1, 2] and versions[1].current
        assert versions[1].finished_on == TODAY and documents_on_board(s) == {ledger_2024[2]}
        assert s.scalar(select(func.count()).select_from(Document).where(Document.finished_on.is_not(None))) == 2
