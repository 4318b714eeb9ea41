"""Commands beyond ingest/extract/stats/errors.  Each is a thin wrapper over a library call."""
from __future__ import annotations

import os
import sys

import click

from storyline.cli.main import EXIT_OK, EXIT_SOME_FAILED, cli, db_option, meta_option, open_db
from storyline.cli.output import dumps, emit, emit_stream, format_option


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

    if paths:
        rows = analyze_paths(paths, obj.settings(ingest={"workers": workers}), meta=meta)
    else:
        store, _ = open_db(obj, db, readonly=True)
        rows = (analysis_row(a) for a in _with_analysis(store))
    failures = emit_stream(rows, fmt)
    sys.exit(EXIT_SOME_FAILED if failures else EXIT_OK)


def _with_analysis(store):
    for article in store.iter_articles():
        article.analysis = store.get_analysis(article.id)
        yield article


@cli.command()
@db_option
@click.option("--explain", "explain", metavar="COPY", default=None,
              help="Show the evidence for one copy: hashes, shingle overlap or aligned sentence pairs.")
@format_option("table")
@click.pass_obj
def duplicates(obj, db, explain, fmt):
    """Copies and rewrites: [{"copy","original","kind","score"}]; kind is exact, near or rewrite.

    The original is the earliest published article (then the earliest ingested).
    """
    from storyline.views import explain_duplicate

    store, _ = open_db(obj, db, readonly=True)
    if explain:
        detail = explain_duplicate(store, explain)
        if detail is None:
            raise click.ClickException(f"'{explain}' is not recorded as a copy of anything "
                                       "(see 'storyline duplicates' for the list)")
        if fmt == "table":
            click.echo(f"{detail['copy']} is a {detail['kind']} of {detail['original']} (score {detail['score']:.3f})")
            for pair in detail["pairs"]:
                click.echo(f"\n  copy     [{pair['copy_span'][0]}:{pair['copy_span'][1]}] {pair['copy_text']}")
                click.echo(f"  original [{pair['original_span'][0]}:{pair['original_span'][1]}] {pair['original_text']}"
                           f"\n  similarity {pair['similarity']:.3f}")
            for ev in detail["other_evidence"]:
                click.echo(f"  {dumps(ev)}")
        else:
            emit(detail, fmt)
        return
    rows = [{k: d[k] for k in ("copy", "original", "kind", "score")} for d in store.duplicates()]
    emit(rows, fmt, ["copy", "original", "kind", "score"])


@cli.command()
@db_option
@click.option("--topic", default=None, help="Only stories of this topic.")
@click.option("--recluster", is_flag=True, help="Re-cluster every article from scratch (deterministic).")
@format_option("table")
@click.pass_obj
def stories(obj, db, topic, recluster, fmt):
    """Stories (articles about one real-world event) nested in topics, with source counts.

    \b
    [{"story","topic","title","articles","first_seen","last_seen","sources","independent_sources"}]
    independent_sources leaves out copies and rewrites.
    """
    from storyline.views import story_summaries

    if recluster:
        from storyline.corpus.update import recluster_stories

        store, settings = open_db(obj, db)
        with store.transaction():
            recluster_stories(store, settings)
    else:
        store, _ = open_db(obj, db, readonly=True)
    rows = [s for s in story_summaries(store) if not topic or s["topic"] == topic]
    emit(rows, fmt, ["story", "topic", "title", "first_seen", "last_seen", "sources", "independent_sources",
                     "articles"])


@cli.command()
@db_option
@click.option("--type", "etype", default=None, help="Only this type (PERSON, ORG, GPE, ...).")
@click.option("--query", "-q", default=None, help="Only entities whose name or alias contains this.")
@format_option("table")
@click.pass_obj
def entities(obj, db, etype, query, fmt):
    """The corpus's entities with their aliases and mention counts."""
    from storyline.views import list_entities

    store, _ = open_db(obj, db, readonly=True)
    rows, _ = list_entities(store, q=query, type=etype, limit=10**9)
    emit(rows, fmt, ["name", "type", "country", "mention_count", "article_count", "aliases"])


@cli.command()
@db_option
@click.option("--speaker", default=None, help="Only quotes by this person (canonical name).")
@format_option("table")
@click.pass_obj
def quotes(obj, db, speaker, fmt):
    """Quotes with their speakers and sources (article + character span)."""
    from storyline.views import quote_rows, quotes_by_speaker

    store, _ = open_db(obj, db, readonly=True)
    rows = quotes_by_speaker(store, speaker) if speaker else quote_rows(store)
    emit(rows, fmt, ["speaker", "text", "article", "outlet", "published", "start", "end"])


@cli.command()
@db_option
@click.option("--root", default=None, help="CAMEO root code (01-20).")
@click.option("--country", default=None, help="ISO-3166 alpha-3 code of actor or target.")
@format_option("table")
@click.pass_obj
def events(obj, db, root, country, fmt):
    """CAMEO-coded events, de-duplicated across articles and dated at their event date."""
    from storyline.views import list_events

    store, _ = open_db(obj, db, readonly=True)
    rows, _ = list_events(store, root=root, country=country, limit=10**9)
    emit(rows, fmt, ["date", "actor_country", "cameo", "target_country", "label", "actor", "target", "articles"])


@cli.command()
@click.argument("story", required=False)
@db_option
@click.option("--topic", default=None, help="Timeline of a whole topic.")
@format_option("table", ["json", "table", "md"])
@click.pass_obj
def timeline(obj, story, db, topic, fmt):
    """Events and key quotes of a story (or topic) in event-date order, each with its sources."""
    from storyline.views import timeline_rows
    from storyline.corpus.timeline import render_timeline

    store, _ = open_db(obj, db, readonly=True)
    rows = timeline_rows(store, story=story, topic=topic)
    click.echo(render_timeline(rows, fmt))


@cli.command()
@db_option
@click.option("--format", "fmt", type=click.Choice(["gdelt-events", "gdelt-mentions", "csv", "parquet"]),
              default="gdelt-events", show_default=True,
              help="gdelt-events/gdelt-mentions: GDELT 2.0 tab-separated tables; csv/parquet: events table "
                   "with a header row.")
@click.option("--output", "-o", type=click.Path(dir_okay=False), default=None,
              help="Write to this file (required for parquet); default stdout.")
@click.pass_obj
def export(obj, db, fmt, output):
    """Export events in GDELT 2.0 Events/Mentions layout, CSV or Parquet."""
    from storyline.views import export_events_to

    store, _ = open_db(obj, db, readonly=True)
    if fmt == "parquet" and not output:
        raise click.UsageError("--format parquet needs --output FILE")
    n = export_events_to(store, fmt, output or sys.stdout)
    if output:
        click.echo(f"wrote {n} rows to {output}", err=True)


@cli.command()
@db_option
@click.option("--executor", type=click.Choice(["local", "ray"]), default=None,
              help="Compute duplicates shard-wise and stories topic by topic on this executor, then merge.")
@click.option("--workers", type=int, default=None, help="With --executor: worker processes (0 = one per core).")
@click.option("--address", default=None, help="With --executor ray: address of an existing Ray cluster.")
@click.pass_obj
def rebuild(obj, db, executor, workers, address):
    """Recompute every corpus-level result (duplicates, stories, entities, events) from stored articles.

    \b
    Examples:
      storyline rebuild
      storyline rebuild --executor ray --workers 8     # shards merged by this process; same result
    """
    from storyline.corpus.update import rebuild_corpus
    from storyline.executors import executor_for

    store, settings = open_db(obj, db, ingest={"executor": executor, "workers": workers, "ray_address": address})
    if executor is None:
        click.echo(dumps(rebuild_corpus(store, settings)))
        return
    shards = max(2, settings.ingest.workers or (os.cpu_count() or 1))
    click.echo(dumps(rebuild_corpus(store, settings, executor=executor_for(settings), shards=shards)))


@cli.command()
@click.option("--db", default="storyline-demo.db", show_default=True, help="Where to build the demo database.")
@click.option("--fresh", is_flag=True, help="Delete the demo database first.")
@click.pass_obj
def demo(obj, db, fresh):
    """Ingest the bundled demo corpus (36 fictional articles) and print what storyline found."""
    from pathlib import Path

    from storyline.app import ingest_and_update
    from storyline.demo import demo_extensions, demo_inputs
    from storyline.store import open_store
    from storyline.views import corpus_stats, story_summaries

    if fresh:
        for suffix in ("", "-wal", "-shm"):
            Path(db + suffix).unlink(missing_ok=True)
    root, meta, exclude = demo_inputs()
    settings = obj.settings(store={"db": db}, nlp=demo_extensions())
    report = ingest_and_update([root], settings, meta=meta, exclude=exclude, progress=sys.stderr.isatty())
    click.echo(f"Ingested the demo corpus into {db}: {report.summary()}")
    if report.failed:
        click.echo("  (the demo corpus contains broken files on purpose; see: storyline errors --db "
                   f"{db})")
    with open_store(db, readonly=True) as store:
        emit(corpus_stats(store), "table", title="Corpus")
        emit(story_summaries(store), "table", ["topic", "title", "first_seen", "sources", "independent_sources"],
             title="Stories")
        emit([{k: d[k] for k in ("copy", "original", "kind", "score")} for d in store.duplicates()], "table",
             title="Copies and rewrites")
    click.echo(f"\nNext: storyline stories --db {db}   |   storyline timeline --db {db} --format md   |   "
               f"storyline serve --db {db}  (then open http://127.0.0.1:8000/)")
