"""The ``alliance`` command line, built on the pure core (no Django)."""
