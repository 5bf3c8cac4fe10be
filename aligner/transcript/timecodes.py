"""Timecode anchors as people write them in transcripts, and back.

Recognised forms (``h`` hours, ``m`` minutes, ``s`` seconds):

    47' 57   47‘ 57   47’57   47′57      m + prime + s (bare or in brackets)
    1 h 05' 12                            h + m + prime + s (bare or in brackets)
    [32 min 50]   [1 h 05 min 12]         with "min" (or "mn", its seconds "s" or "sec" or
    (32 min 50)   [12 mn 34 s]            not): in brackets or parentheses, or alone on
    32 min 50                             their line
    [32:50]   [130:07]   [01:02:03]       colon forms: in brackets, or alone on their line
    [01:02:03.500]                        ... with a fraction of a second
    (32:50)   (01:02:03)                  in parentheses: two-digit minutes ("(3:16)" is a verse)
    [32m50s]   [1h02m03s]                 h, m and s letters: in brackets

Bare ``min`` and colon forms are left alone inside a line: in running text they are said,
not markers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_PRIME = "'‘’′"
_SP = r"[ \u00a0\u202f]*"

_H = rf"(?P<h>\d{{1,2}}){_SP}h{_SP}"
_PRIME_BODY = rf"(?:{_H})?(?P<m>\d{{1,3}}){_SP}[{_PRIME}]{_SP}(?P<s>\d{{2}})"
_MIN_BODY = rf"(?:{_H})?(?P<m>\d{{1,3}}){_SP}m(?:i?n){_SP}(?P<s>\d{{1,2}})(?:{_SP}s(?:ec)?)?"


def _colon_body(least_minute_digits: int) -> str:
    """h:mm:ss or m:ss, with a fraction of a second or not (minutes up to 3 digits: [130:07]
    in a three-hour show)."""
    return rf"(?:(?P<h>\d{{1,2}}):)?(?P<m>\d{{{least_minute_digits},3}}):(?P<s>\d{{2}})(?:[.,](?P<f>\d{{1,3}}))?"


_COLON_BODY = _colon_body(1)
_PAREN_BODY = _colon_body(2)
_LETTERS_BODY = rf"(?:{_H})?(?P<m>\d{{1,3}}){_SP}m{_SP}(?P<s>\d{{1,2}}){_SP}s"

_PATTERNS = (
    re.compile(rf"\[{_SP}(?:{_MIN_BODY}){_SP}\]"),
    re.compile(rf"\[{_SP}(?:{_COLON_BODY}){_SP}\]"),
    re.compile(rf"\[{_SP}(?:{_PRIME_BODY}){_SP}\]"),
    re.compile(rf"\[{_SP}(?:{_LETTERS_BODY}){_SP}\]"),
    re.compile(rf"\({_SP}(?:{_PAREN_BODY}){_SP}\)"),
    re.compile(rf"\({_SP}(?:{_MIN_BODY}){_SP}\)"),
    re.compile(rf"^(?:{_COLON_BODY})$"),  # the whole (stripped) text: a line of its own
    re.compile(rf"^(?:{_MIN_BODY})$"),
    re.compile(rf"(?<![\w{_PRIME}])(?:{_PRIME_BODY})(?![\w{_PRIME}])"),
)

STYLES = ("prime", "curly", "bracket_min", "bracket_colon", "h_prime")


@dataclass(frozen=True)
class TimecodeMatch:
    """A timecode found in a text: characters ``start``..``end`` (exclusive)."""

    start: int
    end: int
    written: str
    time_ms: int


def _to_ms(m: re.Match) -> int | None:
    hours = int(m.group("h") or 0)
    minutes = int(m.group("m"))
    seconds = int(m.group("s"))
    if seconds >= 60 or (m.group("h") is not None and minutes >= 60):
        return None
    milliseconds = int((m.groupdict().get("f") or "").ljust(3, "0"))
    return ((hours * 60 + minutes) * 60 + seconds) * 1000 + milliseconds


def find_timecodes(text: str) -> list[TimecodeMatch]:
    """All timecode anchors in ``text``, in order, none overlapping."""
    found: list[TimecodeMatch] = []
    for pattern in _PATTERNS:
        for m in pattern.finditer(text):
            if any(m.start() < f.end and f.start < m.end() for f in found):
                continue
            ms = _to_ms(m)
            if ms is not None:
                found.append(TimecodeMatch(m.start(), m.end(), m.group(0), ms))
    return sorted(found, key=lambda f: f.start)


def parse_timecode(written: str) -> int:
    """The time in milliseconds of a single written timecode; ``ValueError`` otherwise."""
    text = written.strip()
    for f in find_timecodes(text):
        if f.start == 0 and f.end == len(text):
            return f.time_ms
    raise ValueError(f"not a timecode: {written!r} (expected e.g. 47' 57 or [1 h 05 min 12])")


def format_timecode(time_ms: int, style: str = "prime") -> str:
    """Write ``time_ms`` (whole seconds) the way transcribers do, in one of ``STYLES``."""
    total = time_ms // 1000
    hours, rest = divmod(total, 3600)
    minutes, seconds = divmod(rest, 60)
    if style == "prime":
        return f"{hours * 60 + minutes}' {seconds:02d}"
    if style == "curly":
        return f"{hours * 60 + minutes}‘ {seconds:02d}"
    if style == "bracket_min":
        if hours:
            return f"[{hours} h {minutes:02d} min {seconds:02d}]"
        return f"[{minutes} min {seconds:02d}]"
    if style == "bracket_colon":
        if hours:
            return f"[{hours:02d}:{minutes:02d}:{seconds:02d}]"
        return f"[{minutes:02d}:{seconds:02d}]"
    if style == "h_prime":
        return f"{hours} h {minutes:02d}' {seconds:02d}"
    raise ValueError(f"unknown timecode style {style!r}; choose one of {', '.join(STYLES)}")


def format_clock(time_ms: int) -> str:
    """``H:MM:SS`` (or ``M:SS`` under an hour) for messages and tables."""
    total = time_ms // 1000
    hours, rest = divmod(total, 3600)
    minutes, seconds = divmod(rest, 60)
    if hours:
        return f"{hours}:{minutes:02d}:{seconds:02d}"
    return f"{minutes}:{seconds:02d}"
