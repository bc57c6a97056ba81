"""The instruments and scoring keys shipped with Alliance, looked up by id.

``library/`` holds complete instruments (ours, and public-domain measures);
``keys/`` holds text-free scoring keys for licensed questionnaires. Both are
read once, on first use, and checked like any user file.
"""

from __future__ import annotations

import functools
from pathlib import Path

from alliance.science.errors import InputError, Location
from alliance.science.instruments.loading import load_instrument_file
from alliance.science.instruments.model import Instrument

PACKAGE_DIR = Path(__file__).parent
LIBRARY_DIR = PACKAGE_DIR / "library"
KEYS_DIR = PACKAGE_DIR / "keys"


@functools.cache
def _read_directory(directory: Path) -> dict[str, Instrument]:
    instruments: dict[str, Instrument] = {}
    for path in sorted(directory.glob("*.yaml")):
        # Keys never name another key; passing a failing lookup keeps it that way.
        instrument = load_instrument_file(path, keys=_no_nested_key)
        instruments[instrument.id] = instrument
    return dict(sorted(instruments.items()))


def _no_nested_key(key_id: str) -> Instrument:
    raise InputError(f"A shipped file cannot name the key '{key_id}'.", code="key_conflict")


def shipped_instruments() -> tuple[Instrument, ...]:
    """Every complete instrument shipped with Alliance, with its texts in English and French."""
    return tuple(_read_directory(LIBRARY_DIR).values())


def scoring_keys() -> tuple[Instrument, ...]:
    """Every shipped scoring key (instruments without item texts)."""
    return tuple(_read_directory(KEYS_DIR).values())


def get_instrument(instrument_id: str) -> Instrument:
    """The shipped instrument with ``instrument_id``, e.g. ``"phq-9"`` or ``"alliance-checkin"``."""
    return _find(_read_directory(LIBRARY_DIR), instrument_id, "unknown_instrument", "instrument")


def get_scoring_key(key_id: str) -> Instrument:
    """The shipped scoring key with ``key_id``, e.g. ``"wai-sr"`` or ``"srs"``."""
    return _find(_read_directory(KEYS_DIR), key_id, "unknown_key", "scoring key")


def resolve_instrument(reference: str) -> Instrument:
    """An instrument from an id (shipped instrument, then scoring key) or a file path.

    A path may point to a YAML definition or a FHIR Questionnaire (``.json``).
    This is what the command line accepts wherever it asks for an instrument.
    """
    library, keys = _read_directory(LIBRARY_DIR), _read_directory(KEYS_DIR)
    if reference in library:
        return library[reference]
    if reference in keys:
        return keys[reference]
    path = Path(reference)
    if path.suffix.lower() not in {".json", ".yaml", ".yml"}:
        return get_instrument(reference)  # raises with the list of known ids
    if not path.is_file():
        raise InputError("No such file.", code="file_unreadable", location=Location(file=reference))
    if path.suffix.lower() == ".json":
        from alliance.science.instruments.fhir import load_questionnaire_file

        return load_questionnaire_file(path)
    return load_instrument_file(path)


def _find(found: dict[str, Instrument], wanted: str, code: str, kind: str) -> Instrument:
    if wanted in found:
        return found[wanted]
    raise InputError(
        f"Unknown {kind} '{wanted}'. Known: {', '.join(sorted(found))}.",
        code=code,
        params={"id": wanted, "known": sorted(found)},
    )
