"""Shared fixtures.  Data under ../shared is read in place, never copied into the repo."""
from __future__ import annotations

import glob
import itertools
import os
import pwd
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("STORYLINE_SHARED", REPO.parent / "shared"))
SEEDS = SHARED / "seeds"
BENCH = SHARED / "bench"


def need_shared(*parts: str) -> Path:
    """Path under ../shared, or skip the test with a reason when it is absent (a user's clone)."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"{path} not found: development data from ../shared is not available in this clone")
    return path


@pytest.fixture
def seeds_dir() -> Path:
    return need_shared("seeds")


@pytest.fixture
def bench_dir() -> Path:
    return need_shared("bench")


# -- a throwaway PostgreSQL server (store backends, migrate, benchmark) -------------------------------
# It comes from Debian's ``postgresql`` package (``.ci/install-services.sh`` installs it): initdb in a
# temporary folder, listening only on a unix socket in that folder, fsync off, stopped at session end.
# initdb refuses to run as root, so as root the server runs as the ``postgres`` user (via runuser).
# Tests that need it skip, with the reason, only when the binaries (or psycopg) are absent.
PG_USER = "storyline"


def _pg_bindir() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(p.split("/")[4]))
    return Path(found[-1]).parent if found else None


class PgServer:
    def __init__(self, bindir: Path, root: Path, owner: pwd.struct_passwd | None):
        self.bindir, self.root, self.owner = bindir, root, owner
        self.run_as = ["runuser", "-u", owner.pw_name, "--"] if owner else []
        self.data, self.sock = root / "data", root / "sock"
        self._names = itertools.count(1)

    def _run(self, tool: str, *args: str) -> None:
        subprocess.run([*self.run_as, str(self.bindir / tool), *args], check=True, capture_output=True, timeout=60)

    def start(self) -> None:
        self.sock.mkdir()
        if self.owner:
            for path in (self.root, self.sock):
                os.chown(path, self.owner.pw_uid, self.owner.pw_gid)
        self._run("initdb", "-D", str(self.data), "-A", "trust", "-U", PG_USER, "-E", "UTF8", "--locale=C",
                  "--no-sync")
        opts = f"-k {self.sock} -c listen_addresses='' -c fsync=off -c synchronous_commit=off " \
               "-c full_page_writes=off -c max_connections=50"
        self._run("pg_ctl", "-D", str(self.data), "-o", opts, "-l", str(self.root / "server.log"), "-w", "start")

    def stop(self) -> None:
        try:
            self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")
        finally:
            shutil.rmtree(self.root, ignore_errors=True)

    def url(self, dbname: str = "postgres") -> str:
        return f"postgresql://{PG_USER}@/{dbname}?host={self.sock}"

    def new_database(self) -> str:
        """A fresh, empty store location; returns its URL.  A schema per test, selected through the
        URL's search_path, is instant where CREATE DATABASE costs about half a second."""
        import psycopg

        name = f"t{os.getpid()}_{next(self._names)}"
        with psycopg.connect(self.url(), autocommit=True) as conn:
            conn.execute(f'CREATE SCHEMA "{name}"')
        return self.url() + f"&options=-csearch_path%3D{name}"


@pytest.fixture(scope="session")
def pg_server():
    bindir = _pg_bindir()
    if bindir is None:
        pytest.skip("PostgreSQL server binaries not found under /usr/lib/postgresql/*/bin "
                    "(install Debian's 'postgresql' package, e.g. with .ci/install-services.sh)")
    try:
        import psycopg  # noqa: F401
    except ImportError:
        pytest.skip("psycopg is not installed (pip install 'storyline[postgres]')")
    root = Path(tempfile.mkdtemp(prefix="storyline-pg-"))
    owner = None
    if os.geteuid() == 0:  # initdb refuses root: run the server as the package's own system user
        try:
            owner = pwd.getpwnam("postgres")
        except KeyError:
            pytest.skip("running as root and no 'postgres' user to run the PostgreSQL server as")
    server = PgServer(bindir, root, owner)
    try:
        server.start()
    except subprocess.CalledProcessError as exc:
        log = (root / "server.log").read_text(errors="replace") if (root / "server.log").exists() else ""
        shutil.rmtree(root, ignore_errors=True)
        raise RuntimeError(f"PostgreSQL did not start: {exc.stderr!r} {log[-2000:]}") from exc
    yield server
    server.stop()


@pytest.fixture
def pg_url(pg_server) -> str:
    """URL of a fresh, empty PostgreSQL database."""
    return pg_server.new_database()
