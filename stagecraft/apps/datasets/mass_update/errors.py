"""Errors a person reads: each says what was wrong and names the object."""


class MassUpdateError(Exception):
    """A mass update, import or migration was refused; nothing was written."""
