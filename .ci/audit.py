"""Dependency audit of requirements.lock: fail on a known vulnerability for which a fixed release exists.

    python3 .ci/audit.py [--lock requirements.lock]

Where the vulnerability data comes from, in order:

1. a live service, through pip-audit: PyPI's JSON API (each release lists its vulnerabilities), else OSV;
2. when neither is reachable (a CI machine that only sees a PyPI *mirror*, as ours does), the newest
   `safety-db` snapshot on the package index (PyUp's public database as a wheel).  The script says how
   old that snapshot is: it still catches the long-known vulnerabilities, not recent ones.
   STORYLINE_AUDIT_REQUIRED=1 makes "no live service" a failure instead.

Vulnerabilities without a fixed release are listed but do not fail the build (nothing to upgrade to).
Exit codes: 0 clean, 1 fixable vulnerability (or no live service when required), 2 audit could not run.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import urllib.request
import zipfile
from datetime import datetime, timezone
from pathlib import Path

try:
    from packaging.specifiers import InvalidSpecifier, SpecifierSet
    from packaging.version import InvalidVersion, Version
except ImportError:  # a fresh machine before the test extras are installed: pip's own copy
    from pip._vendor.packaging.specifiers import InvalidSpecifier, SpecifierSet
    from pip._vendor.packaging.version import InvalidVersion, Version

sys.path.insert(0, str(Path(__file__).resolve().parent))
from lock import LOCK, canonical, read_lock  # noqa: E402  (sibling script)

TIMEOUT = 10


def reachable_service() -> str | None:
    """'pypi' or 'osv' if that vulnerability service answers from this machine, else None."""
    try:
        with urllib.request.urlopen("https://pypi.org/pypi/pip/24.0/json", timeout=TIMEOUT) as r:
            if "vulnerabilities" in json.load(r):
                return "pypi"
    except Exception:  # any network/HTTP/JSON failure means: not usable here
        pass
    query = json.dumps({"package": {"name": "pip", "ecosystem": "PyPI"}, "version": "24.0"}).encode()
    try:
        req = urllib.request.Request("https://api.osv.dev/v1/query", data=query, method="POST")
        with urllib.request.urlopen(req, timeout=TIMEOUT) as r:
            if r.status == 200:
                return "osv"
    except Exception:
        pass
    return None


# -- findings: (package, version, id, fixed-in list) -------------------------------------------------------
def audit_live(lock: Path, service: str) -> list[tuple[str, str, str, list[str]]]:
    with tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp) / "audit.json"
        subprocess.run([sys.executable, "-m", "pip", "install", "-q", "pip-audit"], check=True)
        # pip-audit exits 1 whenever it finds anything; the fix/no-fix decision is made here
        subprocess.run([sys.executable, "-m", "pip_audit", "-r", str(lock), "--no-deps", "--disable-pip",
                        "--vulnerability-service", service, "--format", "json", "--progress-spinner", "off",
                        "--output", str(report)], check=False)
        data = json.loads(report.read_text(encoding="utf-8"))
    deps = data["dependencies"] if isinstance(data, dict) else data
    return [(d["name"], d.get("version", "?"), v["id"], list(v.get("fix_versions") or []))
            for d in deps for v in d.get("vulns", [])]


def snapshot_db() -> tuple[dict, datetime]:
    """The newest safety-db wheel from the package index, read in place (never installed)."""
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run([sys.executable, "-m", "pip", "download", "-q", "--no-deps", "safety-db", "-d", tmp],
                       check=True)
        wheel = next(Path(tmp).glob("safety_db-*.whl"))
        with zipfile.ZipFile(wheel) as z:
            data = json.loads(z.read("safety_db/insecure_full.json"))
    stamp = datetime.fromtimestamp(data.get("$meta", {}).get("timestamp", 0), tz=timezone.utc)
    return data, stamp


def audit_snapshot(pins: dict[str, str], db: dict) -> list[tuple[str, str, str, list[str]]]:
    by_name = {canonical(k): v for k, v in db.items() if k != "$meta"}
    findings = []
    for name, version in sorted(pins.items()):
        try:
            v = Version(version)
        except InvalidVersion:
            continue
        for advisory in by_name.get(name, []):
            for spec in advisory.get("specs", []):
                try:
                    matched = v in SpecifierSet(spec, prereleases=True)
                except InvalidSpecifier:
                    continue
                if matched:
                    # "<X" bounds the affected range from above: X is the first fixed release
                    fixes = [s.version for s in SpecifierSet(spec) if s.operator == "<"]
                    findings.append((name, version, advisory.get("cve") or advisory["id"], fixes))
                    break
    return findings


def report(findings: list[tuple[str, str, str, list[str]]], checked: int) -> int:
    fixable = [f for f in findings if f[3]]
    for name, version, vid, _ in (f for f in findings if not f[3]):
        print(f"audit: warning: {name} {version}: {vid} (no fixed release yet)")
    for name, version, vid, fixes in fixable:
        print(f"audit: VULNERABLE: {name} {version}: {vid} (fixed in {', '.join(fixes)})")
    print(f"audit: {checked} locked packages checked, {len(fixable)} fixable and "
          f"{len(findings) - len(fixable)} unfixed vulnerabilities")
    return 1 if fixable else 0


def main(argv: list[str]) -> int:
    lock = Path(argv[argv.index("--lock") + 1]) if "--lock" in argv else LOCK
    if not lock.is_file():
        print(f"audit: error: {lock} not found; run python3 .ci/lock.py", file=sys.stderr)
        return 2
    pins = read_lock(lock)
    service = reachable_service()
    if service:
        print(f"audit: {lock.name} against {service} (live)")
        return report(audit_live(lock, service), len(pins))
    print("audit: WARNING - neither PyPI's JSON API nor OSV is reachable from this machine;", file=sys.stderr)
    if os.environ.get("STORYLINE_AUDIT_REQUIRED") == "1":
        print("audit: STORYLINE_AUDIT_REQUIRED=1: failing without a live vulnerability service", file=sys.stderr)
        return 1
    try:
        db, stamp = snapshot_db()
    except (subprocess.CalledProcessError, StopIteration, KeyError, zipfile.BadZipFile, json.JSONDecodeError) as exc:
        print(f"audit: error: no live service and no usable safety-db snapshot ({exc})", file=sys.stderr)
        return 2
    age = (datetime.now(timezone.utc) - stamp).days
    print(f"audit: using the offline safety-db snapshot of {stamp:%Y-%m-%d} ({age} days old): "
          f"long-known vulnerabilities only", file=sys.stderr)
    return report(audit_snapshot(pins, db), len(pins))


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
