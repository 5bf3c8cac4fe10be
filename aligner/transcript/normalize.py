"""French text as written -> words as said, with a mapping back.

Each ``Word`` is one token of the written text (``30 000``, ``DSI``, ``l’émission``) with
its character span and the words a speaker says for it (``trente mille``, ``dé esse i``).
The aligner places the said words; captions show the written ones.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from aligner.transcript.model import Span
from aligner.transcript.numbers import digits_to_words, int_to_words, ordinal_to_words


@dataclass(frozen=True)
class Word:
    """A written token, ``start``..``end`` (exclusive) in its text, and what is said for it.

    ``alignable`` is False inside uncertain text (``???``, ``[inaudible]``)."""

    written: str
    start: int
    end: int
    spoken: tuple[str, ...]
    alignable: bool = True


_LETTERS = {
    "a": "a", "b": "bé", "c": "cé", "d": "dé", "e": "e", "f": "effe", "g": "gé", "h": "ache",
    "i": "i", "j": "ji", "k": "ka", "l": "elle", "m": "emme", "n": "enne", "o": "o", "p": "pé",
    "q": "cu", "r": "erre", "s": "esse", "t": "té", "u": "u", "v": "vé", "w": "double vé",
    "x": "ixe", "y": "i grec", "z": "zède",
}
_SYMBOLS = {
    "%": "pour cent", "€": "euros", "$": "dollars", "£": "livres", "&": "et", "+": "plus",
    "@": "arobase", "°": "degrés", "§": "paragraphe", "=": "égale", "#": "dièse",
}
_SP = "[ \u00a0\u202f]"
_TOKEN = re.compile(
    rf"(?P<url>(?:https?://|www\.)\S+[\w/]|[\w-]+(?:\.[\w-]+)*\.(?:org|fr|com|net|fm|eu|io|info|be|ch)\b)"
    rf"|(?P<phone>\b0\d(?:{_SP}|\.)?\d{{2}}(?:(?:{_SP}|\.)?\d{{2}}){{3}}\b)"
    rf"|(?P<grouped>\b\d{{1,3}}(?:{_SP}\d{{3}})+(?:,\d+)?\b)"
    rf"|(?P<decimal>\b\d+[.,]\d+\b)"
    rf"|(?P<ordinal>\b\d+(?:er|re|ère|e|ème|es|èmes|nd|nde)\b)"
    rf"|(?P<int>\d+)"
    rf"|(?P<word>[^\W_]*[^\W\d_][^\W_]*(?:[’'\-][^\W_]+)*[’']?)"
    rf"|(?P<symbol>[%€$£&+@°§=#])"
)
_VOWELS = set("aeiouyàâäéèêëîïôöùûü")


def normalize(text: str, *, uncertain: tuple[Span, ...] = ()) -> tuple[Word, ...]:
    """The words of ``text``; those that overlap an ``uncertain`` span are not alignable."""
    words = []
    for m in _TOKEN.finditer(text):
        kind = m.lastgroup
        spoken = _SAY[kind](m.group(0))
        if not spoken:
            continue
        alignable = not any(s.start < m.end() and m.start() < s.end for s in uncertain)
        words.append(Word(m.group(0), m.start(), m.end(), tuple(spoken.split()), alignable))
    return tuple(words)


def spell(letters: str) -> str:
    """``DSI`` -> ``dé esse i``."""
    return " ".join(_LETTERS.get(c, c) for c in letters.lower())


_ABBREVIATIONS = {"etc": "et cetera", "mme": "madame", "mmes": "mesdames", "mlle": "mademoiselle", "dr": "docteur", "st": "saint", "ste": "sainte", "vs": "versus"}


def _say_word(word: str) -> str:
    if word.lower() in _ABBREVIATIONS:
        return _ABBREVIATIONS[word.lower()]
    parts = re.findall(r"[^\W\d_]+|\d+", word) if any(c.isdecimal() for c in word) else [word]
    return " ".join(_say_part(p) for p in parts)


def _say_part(part: str) -> str:
    if part.isdecimal():
        return int_to_words(int(part))
    core = part.strip("’'")
    if len(core) >= 2 and core.isupper() and core.isalpha():
        if len(core) <= 3 or not (_VOWELS & set(core.lower())):
            return spell(core)
        return core.lower()
    if len(core) > 1 and any(c.isupper() for c in core[1:]) and core[0].isupper():
        # CamelCase brand (HoliznaCC): a word then capitals to spell
        m = re.match(r"^([A-Z]?[a-zà-ÿ]+)([A-Z]{2,})$", core)
        if m:
            return m.group(1).lower() + " " + spell(m.group(2))
    return part.lower()


def _say_url(url: str) -> str:
    url = re.sub(r"^(?:https?://)", "", url)
    out = []
    for piece in re.split(r"([./:_\-])", url):
        if piece == ".":
            out.append("point")
        elif piece == "/":
            out.append("slash")
        elif piece and piece not in ":_-":
            out.append(spell(piece) if piece.lower() in {"fm", "fr", "eu", "io", "www"} else _say_word(piece))
    return " ".join(out)


def _say_grouped(text: str) -> str:
    whole, _, frac = text.partition(",")
    n = int(re.sub(r"\D", "", whole))
    return int_to_words(n) + (" virgule " + _say_fraction(frac) if frac else "")


def _say_decimal(text: str) -> str:
    sep = "," if "," in text else "."
    whole, frac = text.split(sep)
    return f"{int_to_words(int(whole))} {'virgule' if sep == ',' else 'point'} {_say_fraction(frac)}"


def _say_fraction(frac: str) -> str:
    if frac.startswith("0"):
        return digits_to_words(frac)
    return int_to_words(int(frac))


def _say_phone(text: str) -> str:
    digits = re.sub(r"\D", "", text)
    pairs = [digits[i:i + 2] for i in range(0, len(digits), 2)]
    return " ".join(digits_to_words(p) if p.startswith("0") else int_to_words(int(p)) for p in pairs)


def _say_ordinal(text: str) -> str:
    n = int(re.match(r"\d+", text).group(0))
    return ordinal_to_words(n)


_SAY = {
    "url": _say_url,
    "phone": _say_phone,
    "grouped": _say_grouped,
    "decimal": _say_decimal,
    "ordinal": _say_ordinal,
    "int": lambda t: int_to_words(int(t)),
    "word": _say_word,
    "symbol": lambda t: _SYMBOLS[t],
}
