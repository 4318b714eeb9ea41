"""``storyline check [--repair]``: verify the database's invariants; recompute derived data."""
from __future__ import annotations

import sqlite3
import sys

import click

from storyline.cli.main import EXIT_OK, EXIT_SOME_FAILED, cli, db_option, open_db
from storyline.cli.output import emit, format_option
from storyline.errors import StoreError


@cli.command()
@db_option
@click.option("--repair", is_flag=True,
              help="Recompute derived data (analyses, duplicates, stories, entities, events, search index). "
                   "Stored articles and raw inputs are never changed or deleted.")
@format_option("table", ["json", "table"])
@click.pass_obj
def check(obj, db, repair, fmt):
    """Check the database: every article stored once with its raw input, offsets that map, and
    derived tables (annotations, duplicates, stories, entities, events) consistent with the articles.

    \b
    Severities: corrupt (stored inputs damaged: not repairable, restore a backup or re-ingest),
    derived (inconsistent derived data: fixed by --repair), pending (work not done yet, e.g. after
    --no-analyze or an interrupted run: not an error; --repair or the next ingest catches up).
    Exit code 0 when nothing is corrupt or inconsistent (after --repair: when the repair succeeded), else 1.
    """
    from storyline.check import check_with_settings, repair_store

    if repair:
        store, settings = open_db(obj, db)
        with store:
            result = repair_store(store, settings, progress=lambda msg: click.echo(msg + " ...", err=True))
        report, payload = result.after, result.to_dict()
    else:
        store, settings = open_db(obj, db, readonly=True)
        try:
            with store:
                report = check_with_settings(store, settings)
        except sqlite3.OperationalError as exc:  # e.g. a WAL database in a read-only folder without its -shm
            raise StoreError(f"cannot read {store.path}: {exc} (SQLite needs write access to the folder of a "
                             "WAL database; check a copy instead)") from exc
        payload = report.to_dict()
    if fmt == "json":
        emit(payload, "json")
    else:
        _print_table(report, result.actions if repair else None)
    sys.exit(EXIT_OK if report.ok else EXIT_SOME_FAILED)


def _print_table(report, actions: dict | None) -> None:
    if actions is not None:
        click.echo("repair: " + (", ".join(f"{k} {v}" for k, v in actions.items()) or "nothing to do"))
    click.echo("counts: " + ", ".join(f"{k} {v}" for k, v in report.counts.items()))
    if not report.problems:
        click.echo("ok: no problems found")
        return
    emit([{"severity": p.severity, "problem": p.code, "count": p.count, "what": p.message,
           "examples": ", ".join(p.items[:3])} for p in report.problems], "table",
         ["severity", "problem", "count", "what", "examples"])
    click.echo("ok (only pending work)" if report.ok else
               "problems found: run 'storyline check --repair' for derived data; corrupt inputs need a backup "
               "or a re-ingest")
