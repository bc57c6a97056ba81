"""The scientific core and the command line must never load Django.

Researchers use ``alliance.science`` from a notebook without a web project;
a Django import there would also couple the science to the web layer.
"""

from __future__ import annotations

import pkgutil
import subprocess
import sys

import alliance.cli
import alliance.science


def _modules_of(package: object) -> list[str]:
    path = package.__path__  # type: ignore[attr-defined]
    prefix = package.__name__ + "."  # type: ignore[attr-defined]
    return [info.name for info in pkgutil.walk_packages(path, prefix)]


def test_science_and_cli_never_import_django() -> None:
    modules = _modules_of(alliance.science) + _modules_of(alliance.cli)
    assert "alliance.cli.main" in modules
    program = (
        "import importlib, sys\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        "leaked = sorted(m for m in sys.modules if m == 'django' or m.startswith('django.'))\n"
        "print(','.join(leaked))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", program], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "", f"Django was imported: {result.stdout}"
