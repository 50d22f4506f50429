"""The lock file pins every dependency past its lower bound, and the audit of its pins fails
on a known vulnerability and says so, without failing, when it could not ask."""

import json
import subprocess
import sys
import tomllib

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

from consultation import PROJECT_ROOT

SCRIPT = PROJECT_ROOT / "scripts" / "audit-dependencies"


def pins() -> dict[str, Version]:
    found = {}
    for line in (PROJECT_ROOT / "requirements.lock").read_text().splitlines():
        if "==" in line and not line.startswith((" ", "#")):
            name, _, version = line.split(" ")[0].partition("==")
            found[canonicalize_name(name)] = Version(version)
    return found


def test_every_dependency_is_pinned_with_its_hashes_past_its_lower_bound():
    pinned = pins()
    declared = tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text())["project"][
        "dependencies"
    ]
    for line in declared:
        requirement = Requirement(line)
        name = canonicalize_name(requirement.name)
        assert name in pinned, f"{name} is not in requirements.lock: run make lock"
        assert requirement.specifier.contains(pinned[name]), (requirement, pinned[name])
    lock = (PROJECT_ROOT / "requirements.lock").read_text()
    assert lock.count("--hash=sha256:") >= len(pinned)
    # Nothing of the machine it was made on.
    assert "file://" not in lock and "--find-links" not in lock


@pytest.fixture
def advisory_answer(tmp_path):
    """A stand-in for pip-audit answering as the advisory database would, so that the
    script's verdict on each answer can be checked without the internet."""

    def answer(report: dict | None) -> subprocess.CompletedProcess:
        module = tmp_path / "pip_audit"
        module.mkdir(exist_ok=True)
        (module / "__init__.py").write_text("")
        body = (
            "import sys\nraise SystemExit('ConnectionError: api.osv.dev')\n"
            if report is None
            else (
                "import json, sys\n"
                "path = sys.argv[sys.argv.index('--output') + 1]\n"
                f"open(path, 'w').write({json.dumps(json.dumps(report))})\n"
            )
        )
        (module / "__main__.py").write_text(body)
        return subprocess.run(
            [sys.executable, str(SCRIPT)],
            capture_output=True,
            text=True,
            env={"PYTHONPATH": str(tmp_path)},
            check=False,
        )

    return answer


def test_a_vulnerable_pin_fails_the_audit(advisory_answer):
    done = advisory_answer(
        {
            "dependencies": [
                {
                    "name": "flask",
                    "version": "3.1.0",
                    "vulns": [{"id": "GHSA-4grg", "fix_versions": ["3.1.1"]}],
                },
                {"name": "jinja2", "version": "3.1.6", "vulns": []},
            ]
        }
    )
    assert done.returncode == 1
    assert "flask 3.1.0: GHSA-4grg (fixed in 3.1.1)" in done.stdout
    assert "2 pins audited, 1 with known vulnerabilities." in done.stdout


def test_pins_without_vulnerabilities_pass(advisory_answer):
    done = advisory_answer({"dependencies": [{"name": "flask", "version": "3.1.2", "vulns": []}]})
    assert done.returncode == 0 and "1 pins audited, 0 with known" in done.stdout


def test_an_unreachable_database_is_said_and_does_not_fail(advisory_answer):
    done = advisory_answer(None)
    assert done.returncode == 0
    assert "the advisory database is not reachable" in done.stdout
    unanswered = advisory_answer(
        {"dependencies": [{"name": "flask", "skip_reason": "Dependency not found on PyPI"}]}
    )
    assert unanswered.returncode == 0
    assert "could not answer for 1 of 1 pins" in unanswered.stdout
