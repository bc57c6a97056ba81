"""The one exception that actions raise when a request cannot be carried out.

Its message is a whole translated sentence that says what to do; views show it
as it is and change nothing (the action's transaction is rolled back).
"""

from __future__ import annotations

from django.utils.functional import Promise


class ActionRefused(Exception):
    def __init__(self, message: str | Promise, *, code: str = "refused") -> None:
        super().__init__(str(message))
        self.message = message
        self.code = code
