"""``storyline watch FEEDS.txt``: poll RSS/Atom feeds continuously (or once) into the database."""
from __future__ import annotations

import signal
import sys
import threading

import click

from storyline.cli.main import EXIT_OK, EXIT_SOME_FAILED, cli, db_option
from storyline.cli.output import dumps
from storyline.settings import parse_interval


def _interval(value: str | None) -> float | None:
    if value is None:
        return None
    try:
        return parse_interval(value)
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from exc


@cli.command()
@click.argument("feeds", type=click.Path(exists=True, dir_okay=False))
@db_option
@click.option("--interval", default=None, metavar="DURATION",
              help="Time between polling rounds: 30s, 10m, 1h (default: [watch] interval, 10m).")
@click.option("--once", is_flag=True, help="Poll every feed once, then exit (exit code 1 if anything failed).")
@click.option("--user-agent", default=None, help="User-Agent header; its first word is matched in robots.txt.")
@click.option("--per-host-delay", type=float, default=None, help="Least seconds between two requests to one host.")
@click.option("--timeout", type=float, default=None, help="Connect/read timeout of one request, seconds.")
@click.option("--retries", type=int, default=None, help="Retries of a transient failure (exponential backoff).")
@click.option("--allow-private", is_flag=True,
              help="Fetch from private, loopback and link-local addresses (turns the SSRF guard off; for local testing).")
@click.option("--no-analyze", is_flag=True, help="Store cleaned articles only; skip entities/quotes/times/events.")
@click.option("--format", "fmt", type=click.Choice(["table", "jsonl"]), default="table", show_default=True,
              help="table: one line per feed and a summary per round (stderr/stdout); jsonl: one JSON object per round.")
@click.pass_obj
def watch(obj, feeds, db, interval, once, user_agent, per_host_delay, timeout, retries, allow_private, no_analyze,
          fmt):
    """Poll the RSS/Atom feeds listed in FEEDS (one URL per line, # comments) and ingest new articles.

    Items with embedded content are ingested directly; link-only items are fetched (once per URL),
    respecting robots.txt and a per-host delay. Conditional GET (ETag/Last-Modified) keeps repeat
    polls cheap. A failing feed or page is recorded (see 'storyline errors') and polling goes on.
    Stop with Ctrl-C.

    \b
    Example:
      storyline watch feeds.txt --db news.db --interval 10m
      storyline watch feeds.txt --db news.db --once
    """
    from storyline.store import open_store
    from storyline.watch import FeedWatcher, read_feed_list

    settings = obj.settings(store={"db": db}, ingest={"analyze": False if no_analyze else None},
                            watch={"interval": _interval(interval), "user_agent": user_agent,
                                   "per_host_delay": per_host_delay, "timeout": timeout, "retries": retries,
                                   "allow_private": True if allow_private else None})
    feed_urls = read_feed_list(feeds)
    failed = 0

    def on_round(report) -> None:
        nonlocal failed
        failed += len(report.failures)
        if fmt == "jsonl":
            click.echo(dumps(report.to_dict()))
        else:
            click.echo(report.summary())

    log = (lambda msg: click.echo(msg, err=True)) if fmt == "table" else None
    # SIGTERM (service managers, docker stop) stops like Ctrl-C: open transactions roll back
    main_thread = threading.current_thread() is threading.main_thread()
    previous = signal.signal(signal.SIGTERM, signal.default_int_handler) if main_thread else None
    try:
        with open_store(settings.store.db) as store, FeedWatcher(feed_urls, store, settings, log=log) as watcher:
            if not once:
                click.echo(f"watching {len(feed_urls)} feeds every {settings.watch.interval:g} s into "
                           f"{settings.store.db}; Ctrl-C to stop", err=True)
            watcher.run(once=once, on_round=on_round)
    except KeyboardInterrupt:
        click.echo("stopped", err=True)
        sys.exit(EXIT_OK)
    finally:
        if main_thread:
            signal.signal(signal.SIGTERM, previous)
    sys.exit(EXIT_SOME_FAILED if once and failed else EXIT_OK)

