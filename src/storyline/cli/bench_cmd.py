"""``storyline bench``: speed, memory and quality on a generated corpus (see storyline.benchmark)."""
from __future__ import annotations

import sys

import click

from storyline.cli.main import cli


def _int_list(ctx, param, value: str | None) -> list[int]:
    if not value:
        return []
    try:
        sizes = [int(v) for v in value.split(",") if v.strip()]
    except ValueError:
        raise click.BadParameter("give comma-separated article counts, e.g. 10000,100000") from None
    if any(n < 1 for n in sizes):
        raise click.BadParameter("article counts must be positive")
    return sizes


def _runs(ctx, param, value: str | None) -> tuple[tuple[str, int], ...]:
    if not value:
        return ()
    runs = []
    for part in (p.strip() for p in value.split(",") if p.strip()):
        kind, _, workers = part.partition(":")
        if kind not in ("local", "ray") or not workers.isdigit() or int(workers) < 1:
            raise click.BadParameter(f"{part!r}: give EXECUTOR:WORKERS pairs, e.g. local:2,ray:1,ray:2")
        runs.append((kind, int(workers)))
    return tuple(runs)


@cli.command()
@click.option("--n", "n", type=click.IntRange(min=1), default=10000, show_default=True,
              help="Articles to generate.")
@click.option("--seed", type=int, default=0, show_default=True, help="Generator seed.")
@click.option("--analyze-sample", type=click.IntRange(min=1), default=200, show_default=True,
              help="Articles analysed in the analyze stage.")
@click.option("--rewrite-sample", type=click.IntRange(min=1), default=500, show_default=True,
              help="Articles (first ingested) run through the rewrite layer.")
@click.option("--stories-sample", type=click.IntRange(min=1), default=1000, show_default=True,
              help="Cluster at most this many articles (the first ingested) in the stories stage.")
@click.option("--api-sample", type=click.IntRange(min=1), default=20, show_default=True,
              help="Stories fetched (API JSON and web page each) in the api stage.")
@click.option("--workdir", type=click.Path(file_okay=False), default=None,
              help="Folder for the corpus and database (default: a temporary folder).")
@click.option("--keep", is_flag=True, help="Keep the work folder afterwards.")
@click.option("--stages", default=",".join(("ingest", "duplicates", "rewrites", "stories", "analyze")),
              show_default=True, help="Comma-separated: ingest,duplicates,rewrites,stories,analyze,api,pipeline (pipeline: the "
                   "whole ingest with analysis and corpus stages into its own database; long, not in the default).")
@click.option("--executor", type=click.Choice(["local", "ray"]), default="local", show_default=True,
              help="Executor for ingest, analyze and pipeline; with ray, analyze and pipeline also run on Ray "
                   "with 1 and 2 workers.")
@click.option("--workers", type=click.IntRange(min=1), default=2, show_default=True, help="Worker processes.")
@click.option("--runs", callback=_runs, default=None, metavar="EXECUTOR:WORKERS,...",
              help="Runs of analyze and pipeline, in this order (e.g. local:2,ray:2,ray:1); default from "
                   "--executor and --workers.")
@click.option("--scale", callback=_int_list, default=None, metavar="N1,N2",
              help="Also run ingest, duplicates and stories at these sizes (memory against corpus size).")
@click.option("--postgres", default=None, metavar="URL",
              help="An empty PostgreSQL database (postgresql://…; extra storyline[postgres]): the ingest stage "
                   "also runs into it, for SQLite vs PostgreSQL ingest rates. Nothing stored there is deleted.")
@click.option("--output", type=click.Path(dir_okay=False), default="docs/benchmarks.md", show_default=True,
              help="Markdown file whose bench section is replaced ('-' to print only).")
def bench(n, seed, analyze_sample, rewrite_sample, stories_sample, api_sample, workdir, keep, stages, executor,
          workers, runs, scale, postgres, output):
    """Generate a corpus and measure docs/s, peak memory and quality per stage.

    Each stage runs in a fresh process, so its peak RSS is its own. Figures are written between
    <!-- bench:start --> and <!-- bench:end --> in --output (after every stage, so a long run that is
    stopped keeps what it measured); the rest of the file is kept.

    \b
    Example:
      storyline bench --n 2000 --stages ingest,duplicates,stories --output -
      storyline bench --n 100000 --stages pipeline,api --runs local:2,ray:2,ray:1
      storyline bench --n 10000 --stages ingest --postgres postgresql://me@/bench
    """
    from storyline.benchmark import BenchConfig, command_line, render_markdown, run_benchmark, write_section

    cfg = BenchConfig(n=n, seed=seed, workdir=workdir, keep=keep,
                      stages=tuple(s.strip() for s in stages.split(",") if s.strip()), executor=executor,
                      workers=workers, analyze_sample=analyze_sample, rewrite_sample=rewrite_sample,
                      stories_sample=stories_sample, api_sample=api_sample, runs=runs,
                      postgres=postgres)
    command = command_line(cfg, scale, output)
    on_progress = None if output == "-" else lambda rep: write_section(output, render_markdown(rep, command))
    report = run_benchmark(cfg, scale, log=lambda msg: click.echo(msg, err=True), on_progress=on_progress)
    section = render_markdown(report, command)
    if output == "-":
        click.echo(section)
    else:
        write_section(output, section)
        click.echo(section)
        click.echo(f"wrote the bench section of {output}", err=True)
    sys.exit(0)
