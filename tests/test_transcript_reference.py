"""The reference transcript: "Libre à vous !" of 2 July 2024."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest

from aligner.transcript import DirectionKind, Section, Turn, read_transcript


@pytest.fixture(scope="module")
def ref(reference_path):
    return read_transcript(reference_path)


def test_turns_by_speaker(ref):
    assert ref.format == "wiki"
    assert len(ref.turns) == 60
    assert Counter(t.speaker for t in ref.turns) == {
        "Étienne Gonnu": 33, "Corinne Migeon": 13, "Grégory Gutierez": 10, "Voix off": 3, "Julie Chaumard": 1,
    }


def test_directions(ref):
    kinds = Counter(d.kind for d in ref.directions)
    assert kinds[DirectionKind.JINGLE] == 3
    assert kinds[DirectionKind.SOUND_BREAK] == 2
    assert kinds[DirectionKind.MUSIC_STING] == 2
    assert kinds[DirectionKind.REPLAY] == 1
    breaks = [(d.title, d.artist) for d in ref.directions if d.kind is DirectionKind.MUSIC_BREAK]
    assert breaks == [("Fascist", "Momma Swift"), ("Peace Like a River", "HoliznaCC0")]
    (replay,) = [d for d in ref.directions if d.kind is DirectionKind.REPLAY]
    assert replay.url.startswith("https://www.librealire.org/emission-libre-a-vous-diffusee-mardi-28-mai-2024")


def test_sections(ref):
    titles = [s.title for s in ref.sections]
    assert titles[0] == "Chronique «\u00a0La pituite de Luk\u00a0» – «\u00a0Dark pattern\u00a0»"
    assert titles[1].startswith("La mairie de Malakoff, de la longue veille active")
    assert titles[2] == "Deuxième partie"
    assert len(titles) == 3


def test_anchors(ref):
    first, second = ref.anchors
    assert first.time_ms == (32 * 60 + 50) * 1000
    turn = ref.items[first.item]
    assert isinstance(turn, Turn) and turn.speaker == "Corinne Migeon"
    assert "32" not in turn.text[first.offset - 5:first.offset + 5]
    assert turn.text[first.offset:].lstrip(" ,").startswith("etc., donc une démarche")
    assert second.time_ms == (47 * 60 + 57) * 1000
    section = ref.items[second.item]
    assert isinstance(section, Section) and section.title == "Deuxième partie"


def test_metadata(ref):
    meta = ref.metadata
    assert meta.date == dt.date(2024, 7, 2)
    assert meta.duration_ms == 90 * 60 * 1000
    assert meta.place == "Radio Cause Commune"
    assert "Étienne Gonnu" in meta.speakers and "Julie Chaumard" in meta.speakers
    assert meta.licence == "Verbatim"
    # header lines are not turns
    assert not any(t.speaker in {"Titre", "Lieu", "Date", "Durée", "NB"} for t in ref.turns)


def test_colon_inside_text_continues_the_turn(ref):
    corinne = [t for t in ref.turns if t.speaker == "Corinne Migeon"]
    assert any("un choix un peu stratégique\u00a0: mettre en place" in t.text for t in corinne)
    assert any("dans les années 2010\u00a0: les services" in t.text for t in corinne)


def test_every_item_keeps_its_line(ref):
    lines = [item.line for item in ref.items]
    assert lines == sorted(lines)
    assert ref.turns[0].line == 30 and ref.turns[0].speaker == "Voix off"


def test_uncertain_text_is_marked(ref):
    marked = [t for t in ref.turns if t.uncertain]
    assert marked and all(t.text[s.start:s.end] == "???" for t in marked for s in t.uncertain)
