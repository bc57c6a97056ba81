"""The Python examples of the documentation run, and print what the page says.

Each ```python block of a page is a doctest; the blocks of one page share their
names, like the cells of a notebook. A page's example that drifted from the
code fails here.
"""

from __future__ import annotations

import doctest
import io
import re
from pathlib import Path

import pytest

DOCS = Path(__file__).resolve().parents[1] / "docs"
PAGES_WITH_EXAMPLES = ["instruments.md"]
PYTHON_BLOCK = re.compile(r"^```python\n(?P<code>.*?)^```", re.MULTILINE | re.DOTALL)


def python_blocks(text: str) -> list[tuple[int, str]]:
    """Each ```python block's code, with the line of the page where it starts."""
    return [
        (text.count("\n", 0, match.start("code")), match.group("code"))
        for match in PYTHON_BLOCK.finditer(text)
    ]


def test_python_blocks_are_found_without_their_fences() -> None:
    text = "Intro\n\n```python\n>>> 1 + 1\n2\n```\n\n```yaml\nkey: 1\n```\n"
    assert python_blocks(text) == [(3, ">>> 1 + 1\n2\n")]


@pytest.mark.parametrize("page", PAGES_WITH_EXAMPLES)
def test_the_python_examples_of_the_page_run(page: str) -> None:
    path = DOCS / page
    blocks = python_blocks(path.read_text(encoding="utf-8"))
    assert blocks, f"{page} has no ```python example"
    parser = doctest.DocTestParser()
    runner = doctest.DocTestRunner(
        optionflags=doctest.NORMALIZE_WHITESPACE | doctest.ELLIPSIS, verbose=False
    )
    report = io.StringIO()
    names: dict[str, object] = {"__name__": page}
    for line, code in blocks:
        test = parser.get_doctest(code, names, f"{page}, line {line + 1}", str(path), line)
        assert test.examples, f"{page}, line {line + 1}: a ```python block without >>> examples"
        runner.run(test, out=report.write, clear_globs=False)
        names = test.globs  # a DocTest runs in a copy: the next block continues from this one
    assert runner.failures == 0, report.getvalue()
