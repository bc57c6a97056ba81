"""`.env.example` and the administrators' guide list every variable the settings read.

The settings read the environment only through ``alliance.project.env``'s
``env_*`` helpers: the names are found in the source, so a new setting that is
not documented fails here.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SETTINGS = ROOT / "alliance" / "project" / "settings.py"
READERS = {"env_str", "env_bool", "env_int", "env_list"}


def variables_read_by_settings() -> set[str]:
    tree = ast.parse(SETTINGS.read_text(encoding="utf-8"))
    return {
        node.args[0].value
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id in READERS
        and node.args
        and isinstance(node.args[0], ast.Constant)
        and isinstance(node.args[0].value, str)
    }


def variables_of_env_example() -> set[str]:
    """``NAME=`` lines, set or commented out (``# NAME=value``)."""
    text = (ROOT / ".env.example").read_text(encoding="utf-8")
    return set(re.findall(r"^(?:# )?([A-Z][A-Z0-9_]*)=", text, re.MULTILINE))


def test_the_settings_are_found() -> None:
    found = variables_read_by_settings()
    assert {"SECRET_KEY", "EMAIL_BACKEND", "EMAIL_USE_SSL", "KIOSK_IDLE_MINUTES"} <= found


def test_env_example_lists_exactly_the_variables_the_settings_read() -> None:
    read, listed = variables_read_by_settings(), variables_of_env_example()
    assert sorted(read - listed) == [], "read by the settings but missing from .env.example"
    assert sorted(listed - read) == [], "in .env.example but read by no setting"


def test_the_administrators_guide_lists_every_variable() -> None:
    guide = (ROOT / "docs" / "administrators.md").read_text(encoding="utf-8")
    table = set(re.findall(r"^\| `([A-Z][A-Z0-9_]*)` \|", guide, re.MULTILINE))
    assert sorted(variables_read_by_settings() - table) == []
    assert sorted(table - variables_read_by_settings()) == []
