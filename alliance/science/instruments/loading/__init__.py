"""Read an instrument from YAML and check it, with errors that say where.

The schema is documented in ``docs/instruments.md``. Every problem raises an
:class:`~alliance.science.errors.InputError` naming the file and the field
(``items[3].options[0].value``) with a stable ``code`` for translation.
Unknown fields are errors too: a misspelt ``revers: true`` must not silently
change a score.
"""

from alliance.science.instruments.loading.checks import check_instrument
from alliance.science.instruments.loading.keys import apply_key
from alliance.science.instruments.loading.node import ID_PATTERN, INSTRUMENT_ID_PATTERN, Node
from alliance.science.instruments.loading.parsing import (
    DIRECTIONS,
    ITEM_FIELDS,
    KEY_FIELDS,
    RESPONDENTS,
    TOP_LEVEL_FIELDS,
    load_instrument_file,
    parse_instrument,
    parse_instrument_yaml,
)

__all__ = [
    "DIRECTIONS",
    "ID_PATTERN",
    "INSTRUMENT_ID_PATTERN",
    "ITEM_FIELDS",
    "KEY_FIELDS",
    "RESPONDENTS",
    "TOP_LEVEL_FIELDS",
    "Node",
    "apply_key",
    "check_instrument",
    "load_instrument_file",
    "parse_instrument",
    "parse_instrument_yaml",
]
