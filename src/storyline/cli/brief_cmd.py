"""Commands ``paraphrase`` and ``brief``: cross-source comparison.  Thin wrappers over library calls."""
from __future__ import annotations

import sys
from pathlib import Path

import click

from storyline.cli.main import EXIT_OK, cli, db_option, open_db
from storyline.cli.output import dumps, emit, format_option
from storyline.errors import InputError


@cli.command()
@click.argument("pairs_file", metavar="PAIRS.jsonl", type=click.Path(dir_okay=False, allow_dash=True))
@format_option("jsonl", ["json", "jsonl"])
def paraphrase(pairs_file, fmt):
    """Score sentence pairs: do A and B say the same thing?

    Reads JSON lines {"id","a","b"} ('-' for stdin) and prints {"id","score","label"} per pair:
    score is a probability in 0..1, label 1 (paraphrase) when score >= 0.5. The matcher is the one
    used to align claims across outlets (sentence embeddings plus word, number and name overlap).

    \b
    Example:
      storyline paraphrase pairs.jsonl --format jsonl
    """
    from storyline.corpus.paraphrase import label, read_pairs_jsonl, score_pairs

    try:
        stream = sys.stdin if pairs_file == "-" else open(pairs_file, encoding="utf-8")
    except OSError as exc:
        raise InputError(pairs_file, f"cannot read: {exc.strerror}") from exc
    with stream:
        try:
            records = read_pairs_jsonl(stream, pairs_file)
        except UnicodeDecodeError as exc:
            raise InputError(pairs_file, "is not UTF-8 text") from exc
    scores = score_pairs([(r["a"], r["b"]) for r in records])
    rows = [{"id": r["id"], "score": round(s, 4), "label": label(s)} for r, s in zip(records, scores)]
    if fmt == "jsonl":
        for row in rows:
            click.echo(dumps(row))
    else:
        emit(rows, "json")
    sys.exit(EXIT_OK)


@cli.command()
@click.argument("story", required=False)
@click.option("--topic", default=None, help="Brief every story of this topic.")
@click.option("--since", default=None, metavar="DATE", help="Only stories seen on or after DATE (YYYY-MM-DD).")
@db_option
@click.option("--format", "fmt", type=click.Choice(["md", "html", "json"]), default="md", show_default=True,
              help="Output format. html is one self-contained page (no scripts, no remote assets).")
@click.option("--output", "-o", type=click.Path(dir_okay=False, writable=True), default=None,
              help="Write to FILE instead of stdout.")
@click.pass_obj
def brief(obj, story, topic, since, db, fmt, output):
    """Briefing on a story (or on every story matching --topic/--since; all stories without filters).

    Headline, dated timeline, key quotes, the source matrix (which source states, omits or contradicts
    each claim), independent-source count, disputed points and footnotes citing article + character
    span. Extractive: every sentence is copied from a source (cited) or generated from counts and dates.

    \b
    Examples:
      storyline brief "story:a1-coastline-wire" --format md
      storyline brief --topic "topic:a1-coastline-wire" --since 2025-03-01 --format html --output brief.html
    """
    from storyline.brief import render_brief

    store, _ = open_db(obj, db, readonly=True)
    text = render_brief(store, story_id=story, topic=topic, since=since, fmt=fmt)
    if output:
        try:
            Path(output).write_text(text, encoding="utf-8")
        except OSError as exc:
            raise InputError(output, f"cannot write: {exc.strerror}") from exc
        click.echo(f"wrote {output}", err=True)
    else:
        click.echo(text, nl=False)
    sys.exit(EXIT_OK)
