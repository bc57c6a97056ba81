"""Accessibility checks for browser tests, with axe-core (vendored, WCAG 2.1 AA rules)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from playwright.sync_api import Page

AXE_PATH = Path(__file__).parent / "vendor" / "axe.min.js"
WCAG_21_AA_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
BLOCKING_IMPACTS = {"serious", "critical"}


def serious_violations(page: Page) -> list[dict[str, Any]]:
    """Run axe-core on the current page; return its serious and critical violations."""
    # Evaluated through the DevTools protocol rather than added as a <script>:
    # the pages' Content-Security-Policy rightly refuses inline scripts.
    page.evaluate(AXE_PATH.read_text(encoding="utf-8"))
    results: dict[str, Any] = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_21_AA_TAGS
    )
    return [v for v in results["violations"] if v["impact"] in BLOCKING_IMPACTS]


def describe(violations: list[dict[str, Any]]) -> str:
    return "\n".join(
        f"{v['id']} ({v['impact']}): {v['help']} — "
        + "; ".join(node["target"][0] for node in v["nodes"][:3])
        for v in violations
    )


def assert_accessible(page: Page) -> None:
    """Fail with a readable list if axe-core finds a serious or critical violation."""
    violations = serious_violations(page)
    assert not violations, "Accessibility violations:\n" + describe(violations)
