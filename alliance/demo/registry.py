"""Demo data, built in steps that each app contributes.

An app adds to the demo by writing a ``demo.py`` module with functions
decorated by :func:`demo_step`; ``manage.py load_demo`` discovers them and runs
them in order. Each step receives the :class:`DemoContext` built so far and
may add to it, so later steps (patients, check-ins) find the people created
by earlier ones.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.utils.module_loading import autodiscover_modules

DEMO_PASSWORD = "alliance-demo-2026"
DEMO_EMAIL = "demo@alliance.example"


@dataclass
class DemoContext:
    """What earlier steps created, by name, for later steps to use."""

    objects: dict[str, Any] = field(default_factory=dict)
    seed: int = 20261124


Step = Callable[[DemoContext], None]
_steps: list[tuple[int, str, Step]] = []


def demo_step(order: int) -> Callable[[Step], Step]:
    """Register a step; lower ``order`` runs first (accounts use 0–99)."""

    def register(step: Step) -> Step:
        _steps.append((order, f"{step.__module__}.{step.__qualname__}", step))
        return step

    return register


def registered_steps() -> list[tuple[str, Step]]:
    autodiscover_modules("demo")
    return [(name, step) for _, name, step in sorted(_steps, key=lambda entry: entry[:2])]
