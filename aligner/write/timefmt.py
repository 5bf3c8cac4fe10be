"""Times at the edge: integer milliseconds to the strings of each format."""

from __future__ import annotations


def clock(ms: int, *, sep: str = ".") -> str:
    """``HH:MM:SS.mmm`` (``sep`` is ``,`` for SRT), from integer milliseconds."""
    if ms < 0:
        raise ValueError(f"negative time {ms} ms")
    seconds, millis = divmod(int(ms), 1000)
    minutes, secs = divmod(seconds, 60)
    hours, mins = divmod(minutes, 60)
    return f"{hours:02d}:{mins:02d}:{secs:02d}{sep}{millis:03d}"


def seconds(ms: int) -> float:
    """Seconds with millisecond precision, for JSON."""
    return round(ms / 1000.0, 3)
