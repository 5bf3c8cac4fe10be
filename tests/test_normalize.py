from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from aligner.transcript.model import Span
from aligner.transcript.normalize import normalize
from aligner.transcript.numbers import int_to_words, ordinal_to_words


@pytest.mark.parametrize("n,words", [
    (0, "zéro"), (1, "un"), (16, "seize"), (17, "dix-sept"), (21, "vingt et un"), (71, "soixante et onze"),
    (72, "soixante-douze"), (80, "quatre-vingts"), (81, "quatre-vingt-un"), (91, "quatre-vingt-onze"),
    (100, "cent"), (200, "deux cents"), (700, "sept cents"), (1987, "mille neuf cent quatre-vingt-sept"),
    (2010, "deux mille dix"), (30000, "trente mille"), (1_000_000, "un million"), (2_500_000, "deux millions cinq cent mille"),
])
def test_int_to_words(n, words):
    assert int_to_words(n) == words


@pytest.mark.parametrize("n,words", [(1, "premier"), (2, "deuxième"), (5, "cinquième"), (9, "neuvième"), (11, "onzième"), (21, "vingt et unième")])
def test_ordinals(n, words):
    assert ordinal_to_words(n) == words


def said(text):
    return [(w.written, " ".join(w.spoken)) for w in normalize(text)]


@pytest.mark.parametrize("text,expected", [
    ("30\u00a0000 habitants", [("30\u00a0000", "trente mille"), ("habitants", "habitants")]),
    ("en 1987", [("en", "en"), ("1987", "mille neuf cent quatre-vingt-sept")]),
    ("Cause Commune, 93.1.", [("Cause", "cause"), ("Commune", "commune"), ("93.1", "quatre-vingt-treize point un")]),
    ("au 09\u00a072\u00a051\u00a055\u00a046", [("au", "au"), ("09\u00a072\u00a051\u00a055\u00a046", "zéro neuf soixante-douze cinquante et un cinquante-cinq quarante-six")]),
    ("2010/2011", [("2010", "deux mille dix"), ("2011", "deux mille onze")]),
    ("entre 6 et 700", [("entre", "entre"), ("6", "six"), ("et", "et"), ("700", "sept cents")]),
    ("une DSI", [("une", "une"), ("DSI", "dé esse i")]),
    ("CC0", [("CC0", "cé cé zéro")]),
    ("15 %", [("15", "quinze"), ("%", "pour cent")]),
    ("libreavous.org", [("libreavous.org", "libreavous point org")]),
    ("l’émission", [("l’émission", "l’émission")]),
])
def test_written_to_said(text, expected):
    assert said(text) == expected


def test_mapping_back_to_the_text():
    text = "Malakoff, 30\u00a0000 habitants en 1987."
    for w in normalize(text):
        assert text[w.start:w.end] == w.written


def test_uncertain_words_are_not_alignable():
    text = "avec Paul [inaudible] ici"
    start = text.index("[")
    words = normalize(text, uncertain=(Span(start, text.index("]") + 1),))
    assert [w.written for w in words if not w.alignable] == ["inaudible"]
    assert [w.written for w in words if w.alignable] == ["avec", "Paul", "ici"]


@given(st.text(max_size=200))
def test_never_crashes_and_spans_point_into_the_text(text):
    for w in normalize(text):
        assert text[w.start:w.end] == w.written
        assert w.spoken and all(w.spoken)
