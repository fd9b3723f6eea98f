"""The pages, one module each; every module has a `router`."""

from . import (
    account,
    assessment,
    auditlog,
    bulletins,
    documents,
    leader,
    ledger,
    overview,
    plans,
    problems,
    public,
    review_tools,
    rounds,
    scans,
    task_edits,
    tasks,
    unit,
    users,
)

routers = [m.router for m in (account, overview, ledger, tasks, documents, task_edits, unit, leader, rounds, problems,
                              assessment, bulletins, public, users, auditlog, review_tools,
                              scans, plans)]
