"""Alliance: build, measure and repair the therapeutic alliance.

This package must stay importable without Django: ``alliance.science`` is the
pure scientific core that researchers use from a notebook, and ``alliance.cli``
is the command line built on it. The Django project lives in
``alliance.project`` and the domain apps beside it.
"""

__version__ = "0.1.0"
