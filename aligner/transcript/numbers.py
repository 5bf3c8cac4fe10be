"""French numbers in words, as they are said."""

from __future__ import annotations

_UNITS = (
    "zéro", "un", "deux", "trois", "quatre", "cinq", "six", "sept", "huit", "neuf", "dix",
    "onze", "douze", "treize", "quatorze", "quinze", "seize",
)
_TENS = {2: "vingt", 3: "trente", 4: "quarante", 5: "cinquante", 6: "soixante"}
_SCALES = ((10**12, "billion"), (10**9, "milliard"), (10**6, "million"), (1000, "mille"))


def _below_100(n: int) -> str:
    if n <= 16:
        return _UNITS[n]
    if n < 20:
        return "dix-" + _UNITS[n - 10]
    if n < 70:
        tens, unit = divmod(n, 10)
        if unit == 0:
            return _TENS[tens]
        return _TENS[tens] + (" et un" if unit == 1 else "-" + _UNITS[unit])
    if n < 80:
        return "soixante et onze" if n == 71 else "soixante-" + _below_100(n - 60)
    if n == 80:
        return "quatre-vingts"
    return "quatre-vingt-" + _below_100(n - 80)


def _below_1000(n: int) -> str:
    hundreds, rest = divmod(n, 100)
    if hundreds == 0:
        return _below_100(rest)
    head = "cent" if hundreds == 1 else _UNITS[hundreds] + " cent" + ("s" if rest == 0 else "")
    return head if rest == 0 else head + " " + _below_100(rest)


def _invariable(words: str) -> str:
    """Before "mille", "cents" and "quatre-vingts" lose their s."""
    return words[:-1] if words.endswith(("cents", "vingts")) else words


def int_to_words(n: int) -> str:
    """``1987`` -> ``mille neuf cent quatre-vingt-sept``."""
    if n < 0:
        return "moins " + int_to_words(-n)
    if n < 1000:
        return _below_1000(n)
    for scale, name in _SCALES:
        if n >= scale:
            count, rest = divmod(n, scale)
            if name == "mille":
                head = "mille" if count == 1 else _invariable(int_to_words(count)) + " mille"
            else:
                head = int_to_words(count) + " " + name + ("s" if count > 1 else "")
            return head if rest == 0 else head + " " + int_to_words(rest)
    raise AssertionError("unreachable")


def ordinal_to_words(n: int) -> str:
    """``1`` -> ``premier``, ``2`` -> ``deuxième``, ``21`` -> ``vingt et unième``."""
    if n == 1:
        return "premier"
    words = int_to_words(n)
    if words.endswith("cinq"):
        return words + "uième"
    if words.endswith("neuf"):
        return words[:-1] + "vième"
    if words.endswith("e"):
        words = words[:-1]
    if words.endswith("s") and (words.endswith("cents") or words.endswith("vingts")):
        words = words[:-1]
    return words + "ième"


def digits_to_words(digits: str) -> str:
    """A run of digits said one by one: ``007`` -> ``zéro zéro sept``."""
    return " ".join(_UNITS[int(d)] for d in digits)
