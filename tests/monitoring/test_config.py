"""The clinic's configuration: overrides validated, defaults kept."""

from __future__ import annotations

import pytest

from alliance.accounts.models import Clinic, User
from alliance.errors import ActionRefused
from alliance.monitoring import actions
from alliance.monitoring.config import (
    PHQ9_RELIABLE_CHANGE,
    InvalidOverridesError,
    config_from,
    jsonable_overrides,
    safe_config_from,
)
from alliance.science.signals import DEFAULT_CONFIG


def test_no_overrides_is_the_default_with_the_phq9_reliable_change() -> None:
    config = config_from({})
    assert config.dip_2sd == DEFAULT_CONFIG.dip_2sd
    assert config.outcome_reliable_change == PHQ9_RELIABLE_CHANGE


def test_overrides_apply() -> None:
    config = config_from({"dip_2sd": 1.5, "enabled_rules": ["tension"], "task_repeat": 3})
    assert config.dip_2sd == 1.5
    assert config.enabled_rules == frozenset({"tension"})
    assert config.task_repeat == 3


@pytest.mark.parametrize(
    "overrides",
    [
        {"dip_2sd": 99},
        {"dip_2sd": "2"},
        {"dip_2sd": True},
        {"task_repeat": 2.5},
        {"enabled_rules": ["made_up"]},
        {"unknown": 1},
    ],
)
def test_bad_overrides_are_refused(overrides: dict[str, object]) -> None:
    with pytest.raises(InvalidOverridesError):
        config_from(overrides)
    assert safe_config_from(overrides).dip_2sd == DEFAULT_CONFIG.dip_2sd


def test_only_changes_are_stored() -> None:
    values = {"dip_2sd": 2.0, "dip_1sd": 1.5, "enabled_rules": sorted(DEFAULT_CONFIG.enabled_rules)}
    assert jsonable_overrides(values) == {"dip_1sd": 1.5}


def test_update_settings_action(clinic: Clinic, administrator: User) -> None:
    settings = actions.update_signal_settings(
        clinic=clinic, values={"dip_1sd": 1.5}, by=administrator
    )
    assert settings.overrides == {"dip_1sd": 1.5}
    assert settings.updated_by == administrator
    with pytest.raises(ActionRefused):
        actions.update_signal_settings(clinic=clinic, values={"dip_1sd": 50.0}, by=administrator)
