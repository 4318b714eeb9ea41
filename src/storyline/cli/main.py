"""The ``storyline`` command: a thin layer over the library (every command is a documented call)."""
from __future__ import annotations

import sys
from pathlib import Path

import click

from storyline import __version__
from storyline.cli.output import emit, emit_stream, format_option
from storyline.errors import ConfigError, StorylineError
from storyline.settings import Settings, load_settings

EXIT_OK, EXIT_SOME_FAILED, EXIT_USAGE = 0, 1, 2


class Context:
    def __init__(self, config: str | None):
        self.config = config
        self._settings: Settings | None = None

    def settings(self, **sections) -> Settings:
        return load_settings(self.config, overrides=sections)


def db_option(f):
    return click.option("--db", default=None, metavar="PATH",
                        help="Database: SQLite file path (default ./storyline.db) or postgresql:// URL.")(f)


def meta_option(f):
    return click.option("--meta", type=click.Path(dir_okay=False), default=None,
                        help="Metadata sidecar (JSONL or CSV keyed by id: published, outlet, url, title).")(f)


class StorylineGroup(click.Group):
    """Turns StorylineError into a clear one-line message and the documented exit code."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except ConfigError as exc:
            click.echo(f"error: {exc}", err=True)
            sys.exit(EXIT_USAGE)
        except StorylineError as exc:
            click.echo(f"error: {exc}", err=True)
            sys.exit(EXIT_SOME_FAILED)


@click.group(cls=StorylineGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="storyline")
@click.option("--config", type=click.Path(dir_okay=False), default=None, envvar="STORYLINE_CONFIG",
              help="Settings file (TOML). Default: ./storyline.toml if present.")
@click.pass_context
def cli(ctx, config):
    """storyline: what happened, who said what, who reported it first, who copied whom.

    Ingest news articles (text, HTML, JSONL, RSS/Atom, WARC) into a local database, then ask for
    duplicates, stories, entities, quotes, events and timelines. Every fact points to an article
    and a character span. Exit codes: 0 ok, 1 some inputs failed, 2 usage error.
    """
    ctx.obj = Context(config)


def open_db(ctx_obj: Context, db: str | None, *, readonly: bool = False, **sections):
    """The store named by ``--db`` (or the settings) and the settings, with ``sections`` overridden."""
    from storyline.store import open_store

    settings = ctx_obj.settings(store={"db": db}, **sections)
    return open_store(settings.store.db, readonly=readonly), settings


# -- ingest ----------------------------------------------------------------------------------------
@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@db_option
@meta_option
@click.option("--workers", type=int, default=None, help="Processes for per-document stages (0 = one per core).")
@click.option("--executor", type=click.Choice(["local", "ray"]), default=None, help="Where per-document stages run.")
@click.option("--address", default=None, help="With --executor ray: address of an existing Ray cluster.")
@click.option("--no-analyze", is_flag=True, help="Store cleaned articles only; skip entities/quotes/times/events.")
@click.option("--max-bytes", type=int, default=None, help="Largest single document accepted, in bytes.")
@format_option("table")
@click.pass_obj
def ingest(obj, paths, db, meta, workers, executor, address, no_analyze, max_bytes, fmt):
    """Read files and folders (recursively) into the database.

    Accepts .txt, .html/.htm (also .gz), .jsonl, RSS/Atom (.xml/.rss/.atom) and .warc(.gz).
    Content already stored is skipped; every input that fails is recorded (see 'storyline errors').

    \b
    Example:
      storyline ingest articles/ --meta articles/meta.jsonl
    """
    from storyline.app import ingest_and_update

    settings = obj.settings(store={"db": db}, ingest={"workers": workers, "executor": executor, "ray_address": address,
                                                      "max_bytes": max_bytes, "analyze": False if no_analyze else None})
    report = ingest_and_update(paths, settings, meta=meta, progress=fmt == "table" and sys.stderr.isatty())
    if fmt == "table":
        for failure in report.failures:
            click.echo(f"failed: {failure.input}: {failure.reason}", err=True)
        click.echo(report.summary())
    else:
        emit(report.to_dict(), fmt)
    sys.exit(EXIT_SOME_FAILED if report.failed else EXIT_OK)


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@meta_option
@format_option("jsonl", ["json", "jsonl", "table"])
@click.pass_obj
def extract(obj, paths, meta, fmt):
    """Clean inputs and print title, outlet, publication date and main text (no database).

    One line per input: {"id","title","outlet","published","text"}. Failures go to stderr.
    """
    from storyline.app import extract_articles

    failures = emit_stream(extract_articles(paths, obj.settings(), meta=meta), fmt,
                           ["id", "title", "outlet", "published", "text"])
    sys.exit(EXIT_SOME_FAILED if failures else EXIT_OK)


@cli.command()
@db_option
@format_option("table")
@click.pass_obj
def stats(obj, db, fmt):
    """Counts: articles, errors, duplicates, sources, date range."""
    from storyline.views import corpus_stats

    store, _ = open_db(obj, db, readonly=True)
    emit(corpus_stats(store), fmt)


@cli.command()
@db_option
@format_option("table")
@click.pass_obj
def errors(obj, db, fmt):
    """Inputs that failed, with the stage and the reason."""
    store, _ = open_db(obj, db, readonly=True)
    emit(store.failures(), fmt, ["input", "stage", "reason"])


def main() -> None:
    import storyline.cli  # noqa: F401 — importing the package registers every command module

    cli(prog_name="storyline")


if __name__ == "__main__":
    main()
