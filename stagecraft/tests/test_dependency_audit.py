"""scripts/audit_dependencies.py: which pip-audit answers fail the build."""

import importlib

import pytest

# Imported by name: mypy checks scripts/ as top-level modules, and would see this file twice.
audit_dependencies = importlib.import_module("scripts.audit_dependencies")
judge, main, report_lines = audit_dependencies.judge, audit_dependencies.main, audit_dependencies.report_lines

CLEAN = {"name": "whitenoise", "version": "6.12.0", "vulns": []}
FIXABLE = {
    "name": "django",
    "version": "5.2.0",
    "vulns": [{"id": "PYSEC-2025-1", "fix_versions": ["5.2.1", "5.1.9"], "aliases": []}],
}
UNFIXED = {"name": "xlrd", "version": "2.0.2", "vulns": [{"id": "GHSA-xxxx", "fix_versions": []}]}
SKIPPED = {"name": "performanceplatform-client", "skip_reason": "Dependency not found on PyPI"}


def test_a_vulnerability_with_a_fix_fails_and_says_what_to_upgrade():
    verdict = judge({"dependencies": [CLEAN, FIXABLE, UNFIXED, SKIPPED]})

    assert verdict.failed
    assert report_lines(verdict) == [
        "Known vulnerabilities with a fix: upgrade these pins in requirements/:",
        "  django 5.2.0: PYSEC-2025-1 (fixed in 5.2.1, 5.1.9)",
        "Known vulnerabilities without a fixed release (not failing the build):",
        "  xlrd 2.0.2: GHSA-xxxx (no fixed release yet)",
        "Not audited (the vulnerability service had nothing for them):",
        "  performanceplatform-client: Dependency not found on PyPI",
    ]


def test_a_vulnerability_without_a_fix_is_reported_but_passes():
    verdict = judge({"dependencies": [CLEAN, UNFIXED]})

    assert not verdict.failed
    assert report_lines(verdict)[-1] == "Audited 2 pinned packages: no known vulnerability with a fix."


@pytest.fixture
def answers(monkeypatch):
    """Stand in for pip-audit: one (report, stderr) answer per service asked, in order."""
    given: list = []
    asked: list[str] = []

    def run_pip_audit(service):
        asked.append(service)
        return given.pop(0)

    monkeypatch.setattr(audit_dependencies, "run_pip_audit", run_pip_audit)
    monkeypatch.delenv("AUDIT_DEPENDENCIES", raising=False)
    return given, asked


def test_an_unreachable_service_is_said_loudly_and_does_not_fail(answers, capsys):
    given, asked = answers
    given += [({"dependencies": [SKIPPED]}, ""), (None, "requests.exceptions.ConnectionError: no route")]

    assert main() == 0

    assert asked == ["pypi", "osv"]
    err = capsys.readouterr().err
    assert err.startswith("DEPENDENCY AUDIT DID NOT RUN: pypi answered for none of the pinned packages")
    assert "osv: unreachable (requests.exceptions.ConnectionError: no route)" in err


def test_the_second_service_is_asked_when_the_first_answers_nothing(answers):
    given, asked = answers
    given += [({"dependencies": [SKIPPED]}, ""), ({"dependencies": [FIXABLE]}, "")]

    assert main() == 1
    assert asked == ["pypi", "osv"]


def test_a_clean_audit_asks_one_service(answers, capsys):
    given, asked = answers
    given += [({"dependencies": [CLEAN]}, "")]

    assert main() == 0
    assert asked == ["pypi"]
    assert "Audited 1 pinned packages" in capsys.readouterr().err


def test_any_other_pip_audit_failure_fails(answers, capsys):
    given, _ = answers
    given += [(None, "pip-audit: error: requirements file not found")]

    assert main() == 1
    assert "requirements file not found" in capsys.readouterr().err


def test_it_can_be_skipped(answers, monkeypatch):
    _, asked = answers
    monkeypatch.setenv("AUDIT_DEPENDENCIES", "0")

    assert main() == 0
    assert asked == []
