"""Commands beyond ingest/extract/stats/errors.  Each is a thin wrapper over a library call."""
from __future__ import annotations

import sys

import click

from storyline.cli.main import EXIT_OK, EXIT_SOME_FAILED, cli, db_option, meta_option, open_db
from storyline.cli.output import dumps, emit, format_option


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path())
@db_option
@meta_option
@click.option("--workers", type=int, default=None, help="Processes (0 = one per core).")
@format_option("jsonl", ["json", "jsonl"])
@click.pass_obj
def analyze(obj, paths, db, meta, workers, fmt):
    """Entities, quotes, time expressions and events for each article (spans into the input text).

    With PATHs: analyse those inputs without a database. Without PATHs: print the stored analysis of
    every article in --db.

    \b
    One JSON line per article:
      {"id","title","published","entities":[{"name","type","mentions":[[s,e],...]}],
       "quotes":[{"span","text","direct","speaker","speaker_span","cue"}],"times":[...],"events":[...]}
    """
    from storyline.app import analysis_row, analyze_paths

    failures = 0
    if paths:
        rows = analyze_paths(paths, obj.settings(ingest={"workers": workers}), meta=meta)
    else:
        store, _ = open_db(obj, db, readonly=True)
        rows = (analysis_row(a) for a in _with_analysis(store))
    collected = []
    for row in rows:
        if "error" in row:
            failures += 1
            click.echo(f"failed: {row['input']}: {row['error']}", err=True)
            continue
        if fmt == "jsonl":
            click.echo(dumps(row))
        else:
            collected.append(row)
    if fmt == "json":
        emit(collected, "json")
    sys.exit(EXIT_SOME_FAILED if failures else EXIT_OK)


def _with_analysis(store):
    for article in store.iter_articles():
        article.analysis = store.get_analysis(article.id)
        yield article
