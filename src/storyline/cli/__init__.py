"""The command line.  ``cli`` is the click group with every command registered.

Each command module adds its commands to the group defined in ``main``; importing this package
imports them all, so ``from storyline.cli import cli`` gives the complete command.
"""
from storyline.cli.main import cli, main
from storyline.cli import bench_cmd, brief_cmd, check_cmd, commands, migrate_cmd, serve, watch_cmd  # noqa: F401,E402 — each registers its commands

__all__ = ["cli", "main"]
