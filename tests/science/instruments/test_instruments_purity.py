"""The instruments core and its command line never import Django (architecture: pure core)."""

from __future__ import annotations

import subprocess
import sys

MODULES = [
    "alliance.science.instruments",
    "alliance.science.instruments.fhir",
    "alliance.science.instruments.tables",
    "alliance.science.scoring",
    "alliance.science.reliability",
    "alliance.science.goals",
    "alliance.cli.instruments",
]


def test_the_core_imports_without_django() -> None:
    code = (
        "import sys, importlib\n"
        f"for name in {MODULES!r}: importlib.import_module(name)\n"
        "assert not [m for m in sys.modules if m.split('.')[0] == 'django']\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
