"""The CI dependency audit (.ci/audit.py) and the lock file it audits (.ci/lock.py)."""
from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

CI = Path(__file__).resolve().parents[2] / ".ci"


def _load(name: str):
    sys.path.insert(0, str(CI))  # audit.py imports its sibling lock.py
    try:
        spec = importlib.util.spec_from_file_location(f"ci_{name}", CI / f"{name}.py")
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        return module
    finally:
        sys.path.remove(str(CI))


@pytest.fixture(scope="module")
def audit():
    return _load("audit")


@pytest.fixture(scope="module")
def lock():
    return _load("lock")


def test_lock_file_names_every_declared_dependency(lock):
    pins = lock.read_lock()
    missing = lock.declared() - set(pins)
    assert not missing, f"requirements.lock lacks {missing}: run python3 .ci/lock.py"
    assert all(v and v[0].isdigit() for v in pins.values())


def test_snapshot_audit_flags_a_fixable_vulnerability(audit):
    db = {"$meta": {"timestamp": 0},
          "Example_Pkg": [{"id": "ex-1", "cve": "CVE-0000-0001", "specs": ["<2.0"]},
                          {"id": "ex-2", "cve": None, "specs": [">=3.0,<3.1", ">=4.0"]}]}
    findings = audit.audit_snapshot({"example-pkg": "1.5"}, db)
    assert findings == [("example-pkg", "1.5", "CVE-0000-0001", ["2.0"])]
    assert audit.report(findings, 1) == 1


def test_snapshot_audit_separates_unfixed_and_clean_versions(audit):
    db = {"example-pkg": [{"id": "ex-2", "cve": None, "specs": [">=3.0,<3.1", ">=4.0"]}]}
    assert audit.audit_snapshot({"example-pkg": "2.0"}, db) == []
    unfixed = audit.audit_snapshot({"example-pkg": "4.2"}, db)
    assert unfixed == [("example-pkg", "4.2", "ex-2", [])]
    assert audit.report(unfixed, 1) == 0  # nothing to upgrade to: listed, not failed
    fixed_branch = audit.audit_snapshot({"example-pkg": "3.0.5"}, db)
    assert fixed_branch[0][3] == ["3.1"]
