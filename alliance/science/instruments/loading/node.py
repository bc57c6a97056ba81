"""A value read from YAML and where it was found: typed reads whose errors say where."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from alliance.science.errors import InputError, Location
from alliance.science.instruments.model import LocalizedText

# Ids are used as CSV column names and FHIR linkIds: keep them plain. They must
# start with a letter so that a column named "3" always means item number 3.
ID_PATTERN = re.compile(r"^[a-z][a-z0-9_.-]*$")
INSTRUMENT_ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9_.-]*$")


@dataclass(frozen=True)
class Node:
    """A value read from YAML and where it was found, so that errors can say where."""

    value: Any
    file: str | None
    path: str = ""

    def at(self, name: str | int) -> Node:
        """The child ``name`` (a key or a list index) of this mapping or list."""
        path = f"{self.path}[{name}]" if isinstance(name, int) else _join(self.path, name)
        if isinstance(name, int):
            return Node(self.value[name], self.file, path)
        return Node(self.value.get(name) if isinstance(self.value, dict) else None, self.file, path)

    def element(self, index: int) -> Node:
        """The ``index``-th element of this list, or an empty node that still knows its path.

        Checks run on the built instrument name fields this way even when the
        instrument did not come from YAML (a FHIR import, a key applied in code).
        """
        if isinstance(self.value, list) and index < len(self.value):
            return self.at(index)
        return Node(None, self.file, f"{self.path}[{index}]")

    def fail(self, code: str, message: str, **params: Any) -> InputError:
        location = Location(file=self.file, field=self.path or None)
        return InputError(message, code=code, location=location, params=params)

    @property
    def missing(self) -> bool:
        return self.value is None

    def mapping(self, allowed: frozenset[str] | None = None) -> dict[str, Any]:
        """This node as a mapping; with ``allowed``, any other field is an error."""
        if not isinstance(self.value, dict):
            raise self.fail("wrong_type", "Expected a mapping of fields (name: value).")
        unknown = sorted(str(name) for name in self.value if allowed and name not in allowed)
        if unknown:
            raise self.at(unknown[0]).fail(
                "unknown_field",
                f"Unknown field '{unknown[0]}'; check its spelling.",
                field_name=unknown[0],
            )
        return self.value

    def children(self) -> list[Node]:
        if self.missing:
            return []
        if not isinstance(self.value, list):
            raise self.fail("wrong_type", "Expected a list.")
        return [self.at(index) for index in range(len(self.value))]

    def text(self, default: str | None = None) -> str:
        if self.missing and default is not None:
            return default
        if self.missing:
            raise self.fail("missing_field", "This field is required.")
        if not isinstance(self.value, str | int | float) or isinstance(self.value, bool):
            raise self.fail("wrong_type", "Expected text.")
        return str(self.value)

    def number(self, default: float | None = None) -> float:
        if self.missing and default is not None:
            return default
        if isinstance(self.value, bool) or not isinstance(self.value, int | float):
            raise self.fail("wrong_type", "Expected a number.")
        return float(self.value)

    def whole_number(self, default: int) -> int:
        if self.missing:
            return default
        if isinstance(self.value, bool) or not isinstance(self.value, int) or self.value < 0:
            raise self.fail("wrong_type", "Expected a whole number, 0 or more.")
        return self.value

    def boolean(self, default: bool | None = None) -> bool:
        if self.missing and default is not None:
            return default
        if not isinstance(self.value, bool):
            raise self.fail("wrong_type", "Expected true or false.")
        return self.value

    def choice(self, allowed: Sequence[str], default: str | None = None) -> str:
        value = self.text(default)
        if value not in allowed:
            raise self.fail(
                "invalid_value",
                f"'{value}' is not one of: {', '.join(allowed)}.",
                value=value,
                allowed=list(allowed),
            )
        return value

    def identifier(self, pattern: re.Pattern[str] = ID_PATTERN) -> str:
        value = self.text()
        if not pattern.match(value):
            raise self.fail(
                "invalid_id",
                f"'{value}' is not a valid id: use lower-case letters, digits, '_', '-' or '.', "
                "starting with a letter.",
                value=value,
            )
        return value

    def localized(self, required: bool = True) -> LocalizedText:
        if self.missing and not required:
            return {}
        texts = self.mapping()
        if not texts:
            raise self.fail("missing_field", "Give the text in at least one language (en: …).")
        for language, text in texts.items():
            if not isinstance(text, str) or not text.strip():
                raise self.at(str(language)).fail("wrong_type", "Expected non-empty text.")
        return {str(language): text.strip() for language, text in texts.items()}


def _join(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name
