"""Errors that the command line turns into exit status 2 (bad input or usage)."""


class BadInput(Exception):
    """The user's input or usage is wrong; the message says what and where. Nothing was written."""
