"""Errors raised by the pure core when its input is wrong.

Every error names where the problem is (file, row, field) so that a person can
fix it. ``code`` and ``params`` let the web layer show a translated message
without parsing English text.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Location:
    """Where in the input a problem was found; every part is optional."""

    file: str | None = None
    row: int | None = None
    field: str | None = None

    def describe(self) -> str:
        parts = []
        if self.file:
            parts.append(self.file)
        if self.row is not None:
            parts.append(f"row {self.row}")
        if self.field:
            parts.append(f"field '{self.field}'")
        return ", ".join(parts)


@dataclass
class InputError(ValueError):
    """Input that the core cannot use, with a message that says what to do."""

    message: str
    code: str = "invalid"
    location: Location = field(default_factory=Location)
    params: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        super().__init__(str(self))

    def __str__(self) -> str:
        where = self.location.describe()
        return f"{where}: {self.message}" if where else self.message
