"""Wiki pages as they are found: the MediaWiki source, headers with each value under its
key, text that goes on after a stage direction."""

from __future__ import annotations

import dataclasses
import re

import pytest

from aligner.transcript import detect_format, parse_transcript, read_transcript
from aligner.transcript.source import read_text
from aligner.transcript.wikitext import is_wikitext, to_rendered

_TURN = re.compile(r"^(?P<name>[^:]+?)(?P<colon>[ \u00a0]*:[ \u00a0]+)(?P<text>.*)$")


def _as_source(text: str, model) -> str:
    """The reference page written back as a transcriber types it in the wiki's editor:
    bold keys and speakers, headings, line breaks, emphasis, a category; line for line."""
    lines = text.split("\n")
    turn_lines = {t.line for t in model.turns}
    headings = {s.line for s in model.sections} | {a.line for a in model.anchors if a.offset == 0}
    body = next(i for i, line in enumerate(lines) if line.strip() == "Transcription")
    out = []
    for number, line in enumerate(lines, start=1):
        m = _TURN.match(line)
        if number - 1 < body and m:
            line = f"'''{m['name']}{m['colon'].rstrip()}''' {m['text']}"
        elif number - 1 == body or number in headings:
            line = f"== {line.strip()} =="
        elif number in turn_lines:
            line = f"<b>{m['name']}{m['colon']}</b>{m['text']}"
        if number in turn_lines or number - 1 > body:
            line = line.replace("Libre à vous !", "<em>Libre à vous !</em>").replace("&", "&amp;")
        if number - 1 > body and line.strip() and number < len(lines) and lines[number].strip():
            line += "<br/>"  # a line break inside a paragraph
        out.append(line)
    out[2] = "[[Catégorie:Transcriptions]]"  # a blank line of the page
    return "\n".join(out)


def test_the_reference_as_wiki_source_reads_as_the_page(reference_path):
    text = read_text(reference_path)
    page = parse_transcript(text)
    source = _as_source(text, page)
    assert is_wikitext(source) and not is_wikitext(text)
    assert "<b>Étienne Gonnu\u00a0: </b>" in source and "== Deuxième partie 47‘ 57 ==" in source
    assert detect_format(source) == "wiki"
    assert dataclasses.replace(parse_transcript(source), source=None) == dataclasses.replace(page, source=None)


def test_markup_to_text_line_for_line():
    source = ("<!-- a note\nover two lines -->'''Titre :''' Une émission{{DEFAULTSORT:x}}\n"
              "<b>Anne Martin : </b>Voir [[Logiciel libre|les logiciels libres]] et [https://april.org le site]"
              "<ref>Une note.</ref>, [[April]] [https://example.org] &nbsp;R&amp;D.<br />Fin.\n"
              "* un point\n[[Category:Radio]]\n----\n[Jingle]\nhttps://www.librealire.org/x")
    text, headings = to_rendered(source)
    assert text.split("\n") == [
        "", "Titre : Une émission",
        "Anne Martin : Voir les logiciels libres et le site, April \u00a0R&D. Fin.",
        "un point", "", "", "[Jingle]", "https://www.librealire.org/x",
    ]
    assert headings == frozenset()


def test_headings_are_sections_and_timecodes():
    source = ("'''Intervenant·e·s :''' Anne Martin - Paul Durand\n\n==Transcription==\n"
              "<b>Anne Martin : </b>Bonjour.\n==Première partie==\n<b>Paul Durand : </b>Oui : bien sûr.\n"
              "==12’ 58==\n<b>Anne Martin : </b>Merci.\n=== Pause musicale ===\n<b>Paul Durand : </b>Voilà.")
    t = parse_transcript(source)
    kinds = [(type(i).__name__, getattr(i, "speaker", None) or getattr(i, "title", None)) for i in t.items]
    assert kinds == [("Turn", "Anne Martin"), ("Section", "Première partie"), ("Turn", "Paul Durand"),
                     ("Turn", "Anne Martin"), ("Section", "Pause musicale"), ("Turn", "Paul Durand")]
    assert [t.text for t in t.turns] == ["Bonjour.", "Oui : bien sûr.", "Merci.", "Voilà."]
    (anchor,) = t.anchors
    assert (anchor.written, anchor.time_ms, anchor.line, anchor.item) == ("12’ 58", 778_000, 7, 3)


def test_turns_in_bold_quotes_are_detected():
    source = "'''Anne Martin :''' Bonjour à tous.\n\n'''Paul Durand :''' Bonjour Anne.\n"
    assert detect_format(source) == "wiki"
    assert [(t.speaker, t.text) for t in parse_transcript(source).turns] == [
        ("Anne Martin", "Bonjour à tous."), ("Paul Durand", "Bonjour Anne.")]


def test_values_under_their_keys(tmp_path):
    path = tmp_path / "t.txt"
    path.write_text(
        "Libre à vous ! - Transcription de l’émission du 1er décembre 2020\n\nTitre :\n"
        "Émission Libre à vous ! diffusée mardi 1er décembre 2020\nIntervenant·e·s :\n"
        "Béatrice Pradillon - Laurent Costy - Isabella Vanni à la régie\nLieu :\nRadio Cause Commune\n"
        "Date :\n1er décembre 2020\nDurée :\n1 h 30 min\nÉcouter ou enregistrer le podcast\n\n"
        "Licence de la transcription :\nVerbatim\n\nLaurent Costy : Bonjour.\n\nBéatrice Pradillon : Bonjour Laurent.\n",
        encoding="utf-8")
    t = read_transcript(path)
    m = t.metadata
    assert m.title == "Émission Libre à vous ! diffusée mardi 1er décembre 2020"
    assert m.speakers == ("Béatrice Pradillon", "Laurent Costy", "Isabella Vanni")
    assert (m.place, m.date.isoformat(), m.duration_ms, m.licence) == ("Radio Cause Commune", "2020-12-01", 5_400_000,
                                                                       "Verbatim")
    assert [(x.speaker, x.text, x.line) for x in t.turns] == [("Laurent Costy", "Bonjour.", 18),
                                                               ("Béatrice Pradillon", "Bonjour Laurent.", 20)]


@pytest.mark.parametrize("said", ["Il a dit == et c’est tout.", "Un [[ crochet, un {{ et une {{ accolade.",
                                  "L'un ''et'' l'autre."])
def test_signs_of_markup_in_a_page_are_left_alone(said):
    (turn,) = parse_transcript(f"Anne Martin : {said}\n").turns
    assert turn.text == said


def test_text_after_a_direction_goes_on_the_last_speakers_turn():
    t = parse_transcript(
        "Intervenant·e·s : Anne Martin - Paul Durand\n\nTranscription\n\n"
        "Qu’est-ce que le logiciel libre aujourd’hui ?\n\n"
        "Anne Martin : Bonjour à tous.\n\n[Jingle]\n\n"
        "Dans les annonces, nous avons des nouveaux jingles. Vous venez d’entendre le premier.\n\n"
        "[Virgule musicale]\n\nPourquoi parler de logiciel libre à la radio ?\n\nPaul Durand : Bonjour Anne.\n")
    kinds = [(type(i).__name__, getattr(i, "speaker", None) or getattr(i, "title", None) or i.text) for i in t.items]
    assert kinds == [("Section", "Qu’est-ce que le logiciel libre aujourd’hui ?"), ("Turn", "Anne Martin"),
                     ("Direction", "[Jingle]"), ("Turn", "Anne Martin"), ("Direction", "[Virgule musicale]"),
                     ("Section", "Pourquoi parler de logiciel libre à la radio ?"), ("Turn", "Paul Durand")]
    assert t.turns[1].text.startswith("Dans les annonces") and t.turns[1].line == 11


def test_heads_that_name_a_speaker_with_more():
    t = parse_transcript(
        "Intervenant·e·s : Frédéric Couchet - Isabella Vanni - Laurent Costy\n\nTranscription\n\n"
        "Frédéric Couchet (April) : Bonjour.\n\nLaurent Costy, chroniqueur : Bonjour Fred.\n\n"
        "Isabella Vanni et Laurent Costy : Au revoir.\n\nDiverses voix off : Libre à vous !\n\n"
        "Jean Dupont (auditeur) : Une question.\n\nUn auditeur : Une autre.\n\nLaurent Costy, à la régie : Top.\n")
    assert [(x.speaker, x.text) for x in t.turns] == [
        ("Frédéric Couchet", "Bonjour."), ("Laurent Costy", "Bonjour Fred."),
        ("Isabella Vanni et Laurent Costy", "Au revoir."), ("Diverses voix off", "Libre à vous !"),
        ("Jean Dupont", "Une question."), ("Un auditeur", "Une autre."), ("Laurent Costy", "Top.")]


@pytest.mark.parametrize("said", ["Enfin, deuxième point : nous verrons.", "Laurent Costy, tu as la parole : merci.",
                                  "Laurent Costy, c’est à toi : vas-y.", "Paris et Lyon : deux villes.",
                                  "Et pour le public : c’est gratuit.", "Laurent Costy et les autres : rien.",
                                  "La Rochelle et Saint Malo : deux ports."])
def test_running_text_with_a_colon_stays_text(said):
    t = parse_transcript(f"Intervenant·e·s : Frédéric Couchet - Laurent Costy\n\nFrédéric Couchet : Oui.\n{said}\n")
    assert [(x.speaker, x.text) for x in t.turns] == [("Frédéric Couchet", f"Oui. {said}")]


def test_a_key_without_value_does_not_take_the_first_turn():
    t = parse_transcript("Titre : Une émission\nLieu :\n\nAnne Martin : Bonjour.\n\nPaul Durand : Bonjour Anne.\n")
    assert t.metadata.place is None
    assert [(x.speaker, x.text) for x in t.turns] == [("Anne Martin", "Bonjour."), ("Paul Durand", "Bonjour Anne.")]
    assert parse_transcript("Intervenant·e·s :\n\nAnne Martin : Bonjour.\n").metadata.speakers == ()


def test_a_role_keeps_its_first_spelling():
    t = parse_transcript("Voix off : Libre à vous !\n\nAnne Martin : Bonjour.\n\nVoix Off : Libre à vous !\n")
    assert [x.speaker for x in t.turns] == ["Voix off", "Anne Martin", "Voix off"]
