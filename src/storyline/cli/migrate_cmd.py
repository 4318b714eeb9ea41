"""``storyline migrate``: copy a corpus between SQLite and PostgreSQL, verified table by table."""
from __future__ import annotations

import sys

import click

from storyline.cli.main import EXIT_OK, EXIT_SOME_FAILED, cli
from storyline.cli.output import emit, format_option


@cli.command()
@click.option("--from", "source", required=True, metavar="URL",
              help="Source store: SQLite path / sqlite:///path, or postgresql://user@host/db.")
@click.option("--to", "target", required=True, metavar="URL",
              help="Target store (created and migrated if needed; must hold no data).")
@click.option("--batch", type=click.IntRange(1, 100_000), default=500, show_default=True,
              help="Rows per batch (bounds memory: raw inputs are stored whole).")
@format_option("table")
def migrate(source, target, batch, fmt):
    """Copy a whole corpus from one store to another, in either direction.

    Raw inputs, articles, failures, annotations, corpus results, vectors, state and API tokens are
    copied in one transaction, then every table's row count and content digest are compared between
    source and target. Exit codes: 0 identical, 1 a mismatch (or an error), 2 usage error.
    """
    from storyline.store import open_store
    from storyline.store.transfer import copy_store

    if source == target:
        raise click.UsageError("--from and --to name the same store")
    with open_store(source, readonly=True) as src, open_store(target) as dst:
        def progress(table: str, rows: int) -> None:
            click.echo(f"\r{table}: {rows} rows", nl=False, err=True)

        checks = copy_store(src, dst, batch=batch, on_progress=progress if sys.stderr.isatty() else None)
    rows = [{"table": c.table, "source_rows": c.source_rows, "target_rows": c.target_rows,
             "digest": c.source_digest[:16], "status": "ok" if c.ok else "MISMATCH"} for c in checks]
    emit(rows, fmt, ["table", "source_rows", "target_rows", "digest", "status"])
    bad = [c.table for c in checks if not c.ok]
    if bad:
        click.echo(f"error: copy differs from the source in {', '.join(bad)}", err=True)
        sys.exit(EXIT_SOME_FAILED)
    click.echo(f"copied {sum(c.source_rows for c in checks)} rows in {len(checks)} tables; "
               "counts and content digests match", err=True)
    sys.exit(EXIT_OK)
