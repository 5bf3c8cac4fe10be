"""The header of a wiki transcript: `Key : value` lines before the first turn."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

from aligner.transcript.model import Metadata

_MONTHS = {
    "janvier": 1, "fevrier": 2, "mars": 3, "avril": 4, "mai": 5, "juin": 6, "juillet": 7,
    "aout": 8, "septembre": 9, "octobre": 10, "novembre": 11, "decembre": 12,
}

# Header keys, matched on the folded start of the key.
_KEYS = {
    "titre": "title",
    "intervenant": "speakers",
    "lieu": "place",
    "date": "date",
    "duree": "duration",
    "licence": "licence",
    "nb": "note",
}

HEADER_LINE = re.compile(r"^(?P<key>[^:\n]{1,40}?)[ \t\u00a0\u202f]*:[ \t\u00a0\u202f]*(?P<value>.*)$")


def fold(text: str) -> str:
    """Lower case, no accents, no middle dots, single spaces: for comparing names and keys."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = text.replace("·", "").replace("\u00a0", " ").replace("\u202f", " ")
    return " ".join(text.casefold().split())


def header_key(key: str) -> str | None:
    """The metadata field a header key names, or ``None``."""
    folded = fold(key)
    for prefix, name in _KEYS.items():
        if folded == prefix or (len(prefix) > 2 and folded.startswith(prefix)):
            return name
    return None


def parse_date(text: str) -> dt.date | None:
    """``2 juillet 2024``, ``mardi 2 juillet 2024``, ``02/07/2024`` or ``2024-07-02``."""
    folded = fold(text)
    m = re.search(r"(\d{4})-(\d{1,2})-(\d{1,2})", folded)
    if m:
        y, mo, d = (int(g) for g in m.groups())
        return _date(y, mo, d)
    m = re.search(r"(\d{1,2})/(\d{1,2})/(\d{4})", folded)
    if m:
        d, mo, y = (int(g) for g in m.groups())
        return _date(y, mo, d)
    m = re.search(r"(\d{1,2})(?:er)? ([a-z]+) (\d{4})", folded)
    if m and m.group(2) in _MONTHS:
        return _date(int(m.group(3)), _MONTHS[m.group(2)], int(m.group(1)))
    return None


def _date(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def parse_duration(text: str) -> int | None:
    """``1 h 30 min``, ``90 min``, ``1 h 30``, ``45 min 12 s``, ``1:30:00``: milliseconds."""
    folded = fold(text)
    m = re.fullmatch(r"(?:(\d{1,2}):)?(\d{1,2}):(\d{2})", folded)
    if m:
        h, mi, s = int(m.group(1) or 0), int(m.group(2)), int(m.group(3))
        return ((h * 60 + mi) * 60 + s) * 1000
    m = re.fullmatch(
        r"(?:(\d{1,2}) ?h(?:eures?)?)? ?(?:(\d{1,3}) ?(?:min(?:utes?)?|mn|'|’)?)? ?(?:(\d{1,2}) ?(?:s|sec|secondes?)?)?",
        folded,
    )
    if m and any(m.groups()):
        h, mi, s = (int(g or 0) for g in m.groups())
        return ((h * 60 + mi) * 60 + s) * 1000
    return None


def parse_speakers(value: str) -> tuple[str, ...]:
    """``Luk - Corinne Migeon - Julie Chaumard à la régie`` -> the names alone."""
    names = []
    for part in re.split(r"\s+[-–—]\s+|\s*[,;]\s*|\s+et\s+", value):
        words = []
        for word in part.split():
            if not words or word[:1].isupper() or fold(word) in NAME_PARTICLES:
                if words and not word[:1].isupper() and fold(word) not in NAME_PARTICLES:
                    break
                words.append(word)
            else:
                break
        while words and fold(words[-1]) in NAME_PARTICLES:
            words.pop()
        if words:
            names.append(" ".join(words))
    return tuple(dict.fromkeys(names))


NAME_PARTICLES = frozenset({"de", "du", "des", "d'", "d’", "la", "le", "van", "von", "der", "den", "di", "da", "del", "ben", "ibn", "el", "al"})


def build_metadata(fields: list[tuple[str, str, int]]) -> Metadata:
    """Metadata from the ``(key, value, line)`` header fields, in order."""
    values: dict[str, str] = {}
    extra: list[tuple[str, str]] = []
    for key, value, _line in fields:
        name = header_key(key)
        if name is None or name in values:
            extra.append((key.strip(), value.strip()))
        else:
            values[name] = value.strip()
    return Metadata(
        title=values.get("title") or None,
        speakers=parse_speakers(values.get("speakers", "")),
        place=values.get("place") or None,
        date=parse_date(values["date"]) if "date" in values else None,
        duration_ms=parse_duration(values["duration"]) if "duration" in values else None,
        licence=values.get("licence") or None,
        note=values.get("note") or None,
        extra=tuple(extra),
    )
