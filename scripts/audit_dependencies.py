"""Known vulnerabilities in the pinned requirements: pip-audit, judged (run by ./run_tests.sh).

Fails (exit 1) when a pinned package has a known vulnerability that a newer release fixes: upgrade
the pin. A vulnerability without a fix is reported and does not fail the build (there is nothing to
upgrade to). It asks PyPI's vulnerability data first, then OSV's. When neither can be reached, or
neither answers for any package, the audit did not happen: that is said loudly and does not fail the
build on its own, so a build without network access still runs the other checks (docs: README.md,
"Running every check").

    python scripts/audit_dependencies.py      AUDIT_DEPENDENCIES=0 skips it
"""

import json
import os
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Every file of exact pins (build-constraints.txt holds ranges for building one package, not pins).
REQUIREMENTS = ["base.txt", "production.txt", "development.txt", "client-library.txt"]
# The vulnerability services pip-audit can ask, in the order asked.
SERVICES = ("pypi", "osv")
# How pip-audit reports a network failure (requests' and urllib3's exceptions, its own ServiceError).
UNREACHABLE = ("ConnectionError", "ConnectTimeout", "ReadTimeout", "NameResolutionError", "ServiceError")


@dataclass
class Verdict:
    audited: list[str] = field(default_factory=list)
    fixable: list[str] = field(default_factory=list)  # "django 4.2.0: PYSEC-1 (fixed in 4.2.1)"
    unfixed: list[str] = field(default_factory=list)
    not_audited: list[str] = field(default_factory=list)

    @property
    def failed(self) -> bool:
        return bool(self.fixable)


def judge(report: dict) -> Verdict:
    """Sort pip-audit's JSON report: which vulnerabilities have a fix, which packages went unaudited."""
    verdict = Verdict()
    for dependency in report.get("dependencies", []):
        name = f"{dependency['name']} {dependency.get('version', '')}".strip()
        if "skip_reason" in dependency:
            verdict.not_audited.append(f"{name}: {dependency['skip_reason']}")
            continue
        verdict.audited.append(name)
        for vulnerability in dependency.get("vulns", []):
            fixes = vulnerability.get("fix_versions") or []
            line = f"{name}: {vulnerability['id']}"
            if fixes:
                verdict.fixable.append(f"{line} (fixed in {', '.join(fixes)})")
            else:
                verdict.unfixed.append(f"{line} (no fixed release yet)")
    return verdict


def report_lines(verdict: Verdict) -> list[str]:
    """What to print, worst first."""
    lines = []
    if verdict.fixable:
        lines.append("Known vulnerabilities with a fix: upgrade these pins in requirements/:")
        lines += [f"  {line}" for line in verdict.fixable]
    if verdict.unfixed:
        lines.append("Known vulnerabilities without a fixed release (not failing the build):")
        lines += [f"  {line}" for line in verdict.unfixed]
    if verdict.not_audited:
        lines.append("Not audited (the vulnerability service had nothing for them):")
        lines += [f"  {line}" for line in verdict.not_audited]
    if not verdict.fixable:
        lines.append(f"Audited {len(verdict.audited)} pinned packages: no known vulnerability with a fix.")
    return lines


def run_pip_audit(service: str) -> tuple[dict | None, str]:
    """pip-audit's JSON report (None when it wrote none) and what it said on stderr."""
    with tempfile.TemporaryDirectory() as directory:
        output = Path(directory) / "report.json"
        command = [
            sys.executable,
            "-m",
            "pip_audit",
            "--no-deps",
            "--disable-pip",
            "--progress-spinner",
            "off",
        ]
        command += ["--vulnerability-service", service, "--format", "json", "--output", str(output)]
        command += ["--timeout", "20"]
        for name in REQUIREMENTS:
            command += ["--requirement", str(ROOT / "requirements" / name)]
        result = subprocess.run(command, capture_output=True, text=True, check=False)
        report = json.loads(output.read_text()) if output.exists() and output.stat().st_size else None
    return report, result.stderr


def main() -> int:
    if os.environ.get("AUDIT_DEPENDENCIES", "1") == "0":
        print("Dependency audit skipped (AUDIT_DEPENDENCIES=0).", file=sys.stderr)
        return 0
    verdict, problems = Verdict(), []
    for service in SERVICES:
        report, stderr = run_pip_audit(service)
        if report is None:
            if not any(marker in stderr for marker in UNREACHABLE):
                print(f"pip-audit failed:\n{stderr}", file=sys.stderr)
                return 1
            last = stderr.strip().splitlines()[-1] if stderr.strip() else "no answer"
            problems.append(f"{service}: unreachable ({last[:200]})")
            continue
        verdict = judge(report)
        if verdict.audited:
            break
        first = verdict.not_audited[0] if verdict.not_audited else "no package listed"
        problems.append(f"{service} answered for none of the pinned packages ({first})")
    if not verdict.audited:
        print(
            f"DEPENDENCY AUDIT DID NOT RUN: {'; '.join(problems)}. The pins were not checked for known "
            "vulnerabilities: run ./run_tests.sh where PyPI's JSON API or OSV can be reached.",
            file=sys.stderr,
        )
        return 0
    print("\n".join(report_lines(verdict)), file=sys.stderr)
    return 1 if verdict.failed else 0


if __name__ == "__main__":
    sys.exit(main())
