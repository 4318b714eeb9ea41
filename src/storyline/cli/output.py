"""Output helpers shared by every command: json / jsonl / table, all to stdout."""
from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Sequence
from typing import Any

import click

FORMATS = ["json", "jsonl", "table"]


def format_option(default: str = "table", choices: Sequence[str] = FORMATS):
    return click.option("--format", "fmt", type=click.Choice(list(choices)), default=default, show_default=True,
                        help="Output format.")


def dumps(obj: Any) -> str:
    return json.dumps(obj, ensure_ascii=False, default=str)


def emit(rows: Iterable[dict] | dict, fmt: str, columns: Sequence[str] | None = None, title: str | None = None) -> None:
    if isinstance(rows, dict):
        if fmt in ("json", "jsonl"):
            click.echo(json.dumps(rows, ensure_ascii=False, default=str, indent=2 if fmt == "json" else None))
        else:
            emit([{"key": k, "value": v} for k, v in rows.items()], "table", ["key", "value"], title)
        return
    rows = list(rows)
    if fmt == "json":
        click.echo(json.dumps(rows, ensure_ascii=False, default=str, indent=2))
    elif fmt == "jsonl":
        for row in rows:
            click.echo(dumps(row))
    else:
        print_table(rows, columns, title)


def emit_stream(items: Iterable[dict], fmt: str, columns: Sequence[str] | None = None) -> int:
    """Print result rows as they come (jsonl) or at the end (json/table); report skipped and failed
    inputs on stderr.  Returns the number of failed inputs."""
    rows, failures = [], 0
    for item in items:
        if "skipped" in item:
            click.echo(f"skipped: {item['input']}: {item['skipped']}", err=True)
        elif "error" in item:
            failures += 1
            click.echo(f"failed: {item['input']}: {item['error']}", err=True)
        elif fmt == "jsonl":
            click.echo(dumps(item))
        else:
            rows.append(item)
    if fmt != "jsonl":
        emit(rows, fmt, columns)
    return failures


def _cell(value: Any, width: int = 60) -> str:
    if isinstance(value, (list, tuple)):
        value = ", ".join(map(str, value))
    text = "" if value is None else str(value)
    text = text.replace("\n", " ")
    return text if len(text) <= width else text[: width - 1] + "…"


def print_table(rows: list[dict], columns: Sequence[str] | None = None, title: str | None = None) -> None:
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    # piped output (files, pagers, CI logs) gets a wide table instead of rich's 80-column default
    console = Console(file=sys.stdout, soft_wrap=False, width=None if sys.stdout.isatty() else 160)
    if not rows:
        console.print(Text(f"{title + ': ' if title else ''}nothing to show", style="dim"))
        return
    columns = list(columns or rows[0].keys())
    table = Table(title=title, show_lines=False)
    for col in columns:
        table.add_column(col, overflow="fold")
    for row in rows:
        table.add_row(*(Text(_cell(row.get(c))) for c in columns))  # Text: never markup
    console.print(table)
