"""What every message that quotes a library's error shares."""


def first_line(err: Exception) -> str:
    """The first line of a library's error message (the rest is its context or a traceback of its own), or the
    error's type when it has no message."""
    return (str(err).strip().splitlines() or [type(err).__name__])[0]
