"""`.ci/pip-audit`: fails on a known vulnerability, says so (and passes) when offline."""

import json
import subprocess
import sys

import pytest
from django.conf import settings

SCRIPT = settings.BASE_DIR / ".ci" / "pip-audit"


def fake_pip_audit(tmp_path, *, report=None, stderr="", code=0):
    """A stand-in for pip-audit that writes the given JSON report and exits with `code`."""
    fake = tmp_path / "pip-audit"
    fake.write_text(
        "#!/usr/bin/env python3\n"
        "import sys\n"
        f"report = {json.dumps(report)!r}\n"
        "out = sys.argv[sys.argv.index('--output') + 1]\n"
        "if report != 'null':\n"
        "    open(out, 'w').write(report)\n"
        f"sys.stderr.write({stderr!r})\n"
        f"sys.exit({code})\n"
    )
    fake.chmod(0o755)
    return fake


def run_script(fake):
    return subprocess.run(
        [sys.executable, str(SCRIPT)],
        capture_output=True,
        text=True,
        env={"PIP_AUDIT": str(fake)},
        check=False,
    )


@pytest.mark.parametrize(
    ("report", "stderr", "code", "exit_code", "says"),
    [
        (
            {"dependencies": [{"name": "django", "version": "5.2", "skip_reason": "not found"}]},
            "",
            0,
            0,
            "NOT audited",
        ),
        (None, "requests.exceptions.ConnectionError: Max retries exceeded", 1, 0, "NOT audited"),
        (
            {"dependencies": [{"name": "django", "version": "5.2", "vulns": []}]},
            "",
            0,
            0,
            "1 packages audited, 0 with known vulnerabilities",
        ),
        (
            {
                "dependencies": [
                    {
                        "name": "django",
                        "version": "5.2",
                        "vulns": [{"id": "PYSEC-1", "fix_versions": ["5.2.1"]}],
                    }
                ]
            },
            "",
            1,
            1,
            "django 5.2: PYSEC-1 (fixed in 5.2.1)",
        ),
        (None, "Traceback: something else broke", 1, 1, "pip-audit failed"),
    ],
)
def test_pip_audit_script(tmp_path, report, stderr, code, exit_code, says):
    result = run_script(fake_pip_audit(tmp_path, report=report, stderr=stderr, code=code))

    assert result.returncode == exit_code
    assert says in result.stdout + result.stderr
