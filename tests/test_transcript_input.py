"""Other transcript formats, encodings, and bad input."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aligner.cli import main
from aligner.errors import TranscriptError
from aligner.transcript import detect_format, parse_transcript, read_transcript

from conftest import unnamed_sample

WIKI = "Intervenant·e·s : Anne Martin\n\nAnne Martin : Éloïse a 30\u00a0000 €.\n"


def test_bom_and_crlf(tmp_path):
    path = tmp_path / "t.txt"
    path.write_bytes(b"\xef\xbb\xbf" + WIKI.replace("\n", "\r\n").encode("utf-8"))
    (turn,) = read_transcript(path).turns
    assert turn.speaker == "Anne Martin" and turn.text == "Éloïse a 30\u00a0000 €."


def test_utf16(tmp_path):
    path = tmp_path / "t.txt"
    path.write_bytes(WIKI.encode("utf-16"))
    assert read_transcript(path).turns[0].text.startswith("Éloïse")


def test_cp1252_is_read_with_a_warning(tmp_path, caplog):
    path = tmp_path / "t.txt"
    path.write_bytes(WIKI.encode("cp1252"))
    (turn,) = read_transcript(path).turns
    assert turn.text == "Éloïse a 30\u00a0000 €."
    assert any("not UTF-8" in r.getMessage() and "cp1252" in r.getMessage() for r in caplog.records)


@pytest.mark.parametrize("content,message", [
    (b"", "is empty"),
    (b"  \n\n ", "is empty"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary"),
    ("Titre : Une émission\n\nTranscription\n\n[Jingle]\n".encode(), "no text to align"),
    ("Intervenant·e·s : A B\n\nA B : un [10:00]\n\nA B : deux [05:00]\n".encode(), "is earlier"),
    ("Intervenant·e·s : A B\n\nA B : un\n\n[10:00]\n".encode(), "followed by nothing"),
])
def test_bad_input_is_one_line_and_non_zero(tmp_path, capsys, content, message):
    path = tmp_path / "bad.txt"
    path.write_bytes(content)
    code = main(["parse", str(path)])
    err = capsys.readouterr().err
    assert code == 3
    assert message in err
    assert err.count("\n") == 1 and "Traceback" not in err


def test_missing_file(capsys):
    assert main(["parse", "/nonexistent/t.txt"]) == 3
    assert "no such file" in capsys.readouterr().err


def test_line_number_in_message(tmp_path, capsys):
    path = tmp_path / "bad.txt"
    path.write_text("Intervenant·e·s : A B\n\nA B : un [10:00]\n\nA B : deux [05:00]\n", encoding="utf-8")
    main(["parse", str(path)])
    assert f"{path}:5:" in capsys.readouterr().err


def test_srt_and_vtt_and_podcast_json():
    srt_text = "1\n00:00:01,000 --> 00:00:02,500\nBonjour &amp; bienvenue\n\n2\n00:00:03,000 --> 00:00:04,000\nSuite\n"
    t = parse_transcript(srt_text)
    assert t.format == "srt" and [x.text for x in t.turns] == ["Bonjour & bienvenue", "Suite"]
    assert t.cue_times_ms == ((1000, 2500), (3000, 4000))
    vtt_text = "WEBVTT\n\nNOTE x\n\n00:01.000 --> 00:02.000\n<v Anne Martin>Salut <b>toi</b>\n"
    t = parse_transcript(vtt_text)
    assert t.format == "vtt" and t.turns[0].speaker == "Anne Martin" and t.turns[0].text == "Salut toi"
    doc = {"version": "1.0.0", "segments": [
        {"speaker": "A", "startTime": 0.5, "endTime": 1.0, "body": "un"},
        {"speaker": "A", "startTime": 1.0, "endTime": 2.0, "body": "deux"},
        {"speaker": "B", "startTime": 2.0, "endTime": 3.0, "body": "trois"},
    ]}
    t = parse_transcript(json.dumps(doc))
    assert t.format == "podcast-json"
    assert [(x.speaker, x.text) for x in t.turns] == [("A", "un deux"), ("B", "trois")]
    assert t.cue_times_ms == ((500, 2000), (2000, 3000))


def test_plain_text_is_one_turn_per_paragraph():
    t = parse_transcript("Premier paragraphe.\nSuite du premier.\n\nSecond.\n")
    assert t.format == "plain" and [x.text for x in t.turns] == ["Premier paragraphe. Suite du premier.", "Second."]


def test_format_override():
    text = "Anne Martin : bonjour\n"
    assert detect_format(text) == "wiki"
    assert parse_transcript(text, format="plain").turns[0].text == "Anne Martin : bonjour"


def test_parse_summary_and_json(reference_path, capsys):
    assert main(["parse", str(reference_path)]) == 0
    out = capsys.readouterr().out
    assert "turns: 60 by 5 speakers" in out and "47‘ 57 = 47:57" in out
    assert main(["parse", str(reference_path), "--json"]) == 0
    model = json.loads(capsys.readouterr().out)
    assert sum(1 for i in model["items"] if i["type"] == "turn") == 60


_PIECES = list("Ab é:\u00a0\n[]'’‘0123456789h min?.-/{}\",") + [
    "Anne Martin : ", "[Jingle]", "Pause musicale : X par Y.", "https://x.org", "\n\n", "Titre : ",
    "Transcription\n", "Intervenant·e·s : Anne Martin\n", "00:00:01,000 --> 00:00:02,000\n", "WEBVTT\n",
]


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(max_size=200), st.lists(st.sampled_from(_PIECES), max_size=60).map("".join)))
def test_reader_never_crashes(text):
    for fmt in (None, "wiki", "plain", "srt", "vtt", "podcast-json"):
        try:
            t = parse_transcript(text, format=fmt)
        except TranscriptError:
            continue
        for a in t.anchors:
            assert 0 <= a.item < len(t.items)
            assert 0 <= a.offset <= len(getattr(t.items[a.item], "text", ""))


def test_a_page_that_names_no_speaker_has_a_turn_per_paragraph():
    """Its header, stage directions, section titles and timecodes read as on any page: the
    page used to be refused ("no speaker turn found")."""
    from aligner.transcript import Direction, Section, Turn
    from conftest import ROOT

    named = read_transcript(ROOT / "transcripts" / "sample.txt")
    unnamed = parse_transcript(unnamed_sample())
    assert unnamed.format == "plain" and unnamed.metadata == named.metadata
    assert {t.speaker for t in unnamed.turns} == {""}
    # the sample's turns, each a paragraph, but one short line without punctuation: a title
    title = "Vous avez un appel entrant Vous avez entrer"
    assert [t.text for t in unnamed.turns] == [t.text for t in named.turns if t.text != title]
    assert [i.title for i in unnamed.items if isinstance(i, Section)] == ["Ouverture", "Partie 2", title]
    assert [i for i in unnamed.items if isinstance(i, Direction)] == [i for i in named.items if isinstance(i, Direction)]
    (anchor,) = unnamed.anchors
    assert anchor.time_ms == 91_000 and unnamed.items[anchor.item].title == "Partie 2"
    assert isinstance(unnamed.items[anchor.item + 1], Turn)


def test_text_without_speakers_keeps_its_directions_and_timecodes():
    t = parse_transcript("Bonjour à tous.\nBienvenue.\n\n[Jingle]\n\n[0:21]\n\nNous revoilà.\n\nSuite.\n")
    assert t.format == "plain"
    assert [(x.speaker, x.text) for x in t.turns] == [("", "Bonjour à tous. Bienvenue."), ("", "Nous revoilà."),
                                                      ("", "Suite.")]
    assert [type(i).__name__ for i in t.items] == ["Turn", "Direction", "Turn", "Turn"]
    (anchor,) = t.anchors
    assert anchor.time_ms == 21_000 and t.items[anchor.item].text == "Nous revoilà."


@pytest.mark.parametrize("written", ["(01:31)", "[1m31s]", "[00:01:31.000]"])
def test_timecodes_written_otherwise_anchor_the_same_place(written):
    from conftest import ROOT

    text = (ROOT / "transcripts" / "sample.txt").read_text(encoding="utf-8")
    (usual,) = parse_transcript(text).anchors
    (anchor,) = parse_transcript(text.replace("[1:31]", written)).anchors
    assert (anchor.time_ms, anchor.item, anchor.written) == (usual.time_ms, usual.item, written)


def test_a_clock_time_alone_on_its_line_anchors_the_next_turn():
    t = parse_transcript("Anne : Bonjour.\n\n00:12:30\n\nBen : Suite, à 12:45 environ.\n")
    (anchor,) = t.anchors
    assert anchor.time_ms == 750_000 and t.items[anchor.item].speaker == "Ben"


def test_text_whose_lines_start_with_timecodes_keeps_them_as_anchors():
    t = parse_transcript("[00:00:05] Bonjour à tous.\n\n(00:01:10) Suite de la discussion.\n")
    assert t.format == "plain" and [x.text for x in t.turns] == ["Bonjour à tous.", "Suite de la discussion."]
    assert [(a.time_ms, a.item) for a in t.anchors] == [(5_000, 0), (70_000, 1)]
    assert parse_transcript("Rendez-vous à 10:30 demain.\n").anchors == ()  # a clock time said


def test_on_a_page_without_names_a_title_is_short_capitalised_and_holds_no_sentence():
    from aligner.transcript import Section

    t = parse_transcript("[Jingle]\n\nLe grand entretien\n\nBonjour.\n\nn'est pas disponible\n\n"
                         "La salle est pleine. Merci de patienter\n\nÀ bientôt\n\n« Pépites libres »\n\nSuite.\n")
    assert [i.title for i in t.items if isinstance(i, Section)] == ["Le grand entretien", "À bientôt", "« Pépites libres »"]
    assert [x.text for x in t.turns] == ["Bonjour.", "n'est pas disponible", "La salle est pleine. Merci de patienter",
                                         "Suite."]


# the sample's first turns as transcription services export them: the time each turn starts
# written at its head (0:08 and 0:13 in the sample's truth)
_EXPORTS = {
    "otter": "Sophie Laurent  0:08\nEntrez votre code.\n\nClaire Dubois  0:13\nAppuyez sur 9.\nMerci.\n",
    "rev": "Sophie Laurent (00:08):\nEntrez votre code.\n\nClaire Dubois (00:13):\nAppuyez sur 9.\nMerci.\n",
    "descript": "[00:00:08] Sophie Laurent: Entrez votre code.\n\n[00:00:13] Claire Dubois: Appuyez sur 9.\nMerci.\n",
    "happy scribe": "[00:00:08.00] - Sophie Laurent\nEntrez votre code.\n\n[00:00:13.00] - Claire Dubois\n"
                    "Appuyez sur 9.\nMerci.\n",
}


@pytest.mark.parametrize("service", sorted(_EXPORTS))
def test_a_time_written_at_a_turn_head_anchors_the_turn_and_is_not_said(service):
    t = parse_transcript(_EXPORTS[service])
    assert [(x.speaker, x.text) for x in t.turns] == [("Sophie Laurent", "Entrez votre code."),
                                                      ("Claire Dubois", "Appuyez sur 9. Merci.")]
    assert [(a.time_ms, a.item, a.offset) for a in t.anchors] == [(8_000, 0, 0), (13_000, 1, 0)]


@pytest.mark.parametrize("text", ["Sophie Laurent:\nEntrez votre code.\n\nClaire Dubois:\nAppuyez sur 9.\n",
                                  "**Sophie Laurent** : Entrez votre code.\n\n**Claire Dubois :** Appuyez sur 9.\n",
                                  "__Sophie Laurent__: Entrez votre code.\n\n__Claire Dubois__: Appuyez sur 9.\n"])
def test_a_name_on_its_own_line_or_in_bold_heads_a_turn(text):
    assert detect_format(text) == "wiki"
    assert [(x.speaker, x.text) for x in parse_transcript(text).turns] == [
        ("Sophie Laurent", "Entrez votre code."), ("Claire Dubois", "Appuyez sur 9.")]


def test_numbered_speakers_are_speakers():
    t = parse_transcript("Speaker 1: Bonjour.\n\nSPEAKER_01: Salut.\n\nIntervenant 2 : Merci.\n\nPartie 2 : la suite.\n")
    assert [(x.speaker, x.text) for x in t.turns] == [("Speaker 1", "Bonjour."), ("SPEAKER_01", "Salut."),
                                                      ("Intervenant 2", "Merci.\nPartie 2 : la suite.")]


def test_a_title_with_its_time_is_not_a_speaker():
    """A name alone with a time heads a turn when listed, numbered, or found so twice: a
    section title written once with its time stays a title."""
    from aligner.transcript import Section

    t = parse_transcript("Anne Martin : Bonjour.\n\n[00:01:00] Ouverture\n\nAnne Martin : Voici.\n\n"
                         "[00:02:00] Le grand entretien\n\nBen Dupont : Merci.\n\nBen  2:30\nSuite.\n\n"
                         "Anne Martin  2:40\nFin.\n\nBen  2:50\nAu revoir.\n")
    assert [i.title for i in t.items if isinstance(i, Section)] == ["Ouverture", "Le grand entretien"]
    # "Ben" alone, but twice with a time; "Anne Martin" named
    assert [x.speaker for x in t.turns] == ["Anne Martin", "Anne Martin", "Ben Dupont", "Ben", "Anne Martin", "Ben"]
    assert [a.time_ms // 1000 for a in t.anchors] == [60, 120, 150, 160, 170]


def test_a_markdown_heading_is_a_section_title():
    from aligner.transcript import Section

    t = parse_transcript("# Émission test\n\n**Anne Martin** : Bonjour.\n\n## Deuxième partie [12:00]\n"
                         "**Ben Dupont** : Merci.\n")
    assert [i.title for i in t.items if isinstance(i, Section)] == ["Deuxième partie"]
    assert [(x.speaker, x.text) for x in t.turns] == [("Anne Martin", "Bonjour."), ("Ben Dupont", "Merci.")]
    (anchor,) = t.anchors
    assert anchor.time_ms == 720_000 and isinstance(t.items[anchor.item], Section)


@pytest.mark.parametrize("label", ["[Musique]", "[Music]", "[Générique]", "[Indicatif]"])
def test_music_written_as_captions_write_it_is_a_music_direction(label):
    from aligner.transcript import Direction, DirectionKind

    t = parse_transcript(f"Anne Martin : Bonjour.\n\n{label}\n\nAnne Martin : Suite.\n")
    (d,) = [i for i in t.items if isinstance(i, Direction)]
    assert d.kind in {DirectionKind.MUSIC_STING, DirectionKind.JINGLE}
