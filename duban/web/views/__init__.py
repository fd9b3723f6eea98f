"""The pages, one module each; every module has a `router`."""

from . import (
    account,
    assessment,
    auditlog,
    bulletins,
    compare,
    documents,
    inbox,
    instructions,
    leader,
    ledger,
    overview,
    plans,
    problems,
    public,
    reminders,
    review_tools,
    rounds,
    scans,
    search,
    task_edits,
    tasks,
    unit,
    units_admin,
    users,
)

routers = [m.router for m in (account, inbox, overview, ledger, tasks, instructions, documents, task_edits, unit, leader, rounds, problems,
                              assessment, bulletins, public, users, auditlog, review_tools,
                              scans, plans, search, reminders, units_admin, compare)]
