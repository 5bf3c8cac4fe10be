"""Writers: WebVTT read back by webvtt-py, the alignment JSON, atomic writes."""

from __future__ import annotations

import dataclasses
import io
import json
import re

import pytest
import webvtt
from hypothesis import given, settings
from hypothesis import strategies as st

from aligner.align.model import Alignment, AnchorCheck, TurnTiming, WordTiming
from aligner.transcript import Anchor, Metadata, Transcript, Turn
from aligner.transcript.normalize import normalize
from aligner.write import alignment_json, vtt, write_all
from aligner.write.timefmt import clock


def _alignment(speaker: str, text: str, start: int = 1000, step: int = 300) -> Alignment:
    words = [w for w in normalize(text) if w.alignable]
    timed = tuple(WordTiming(w.written, start + i * step, start + (i + 1) * step, 1.0, w.start, w.end) for i, w in enumerate(words))
    end = timed[-1].end_ms if timed else start + 500
    turn = TurnTiming(0, speaker, text, start, end, 1.0, timed)
    transcript = Transcript("wiki", Metadata(), (Turn(speaker, text, 3, 3),), (Anchor("[0:01]", 1000, 3, 0, 0),), "t.txt")
    return Alignment(transcript, end + 1000, (turn,), (AnchorCheck(transcript.anchors[0], start, 5000),), (), "ab" * 32, "a.mp3")


@pytest.mark.parametrize("ms,text", [(0, "00:00:00.000"), (59_999, "00:00:59.999"), (60_000, "00:01:00.000"), (3_723_004, "01:02:03.004")])
def test_clock_from_integer_ms(ms, text):
    assert clock(ms) == text


def _secs(stamp: str) -> float:
    h, m, s = stamp.split(":")
    return int(h) * 3600 + int(m) * 60 + float(s)


def test_vtt_reads_back_with_voices():
    a = _alignment("Anne Martin", "Bonjour à toutes. Bonjour à tous. " * 6)
    doc = webvtt.from_buffer(io.StringIO(vtt.compose(a)))
    assert len(doc.captions) >= 2
    for cue in doc.captions:
        assert cue.voice == "Anne Martin"
        lines = cue.text.split("\n")
        assert len(lines) <= 2 and all(len(line) <= 42 for line in lines)
        assert _secs(cue.end) - _secs(cue.start) <= 7.0
    starts = [_secs(c.start) for c in doc.captions]
    assert starts == sorted(starts)


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=200), st.text(min_size=1, max_size=30))
def test_alignment_json_is_what_the_standard_library_writes(text, speaker):
    import dataclasses

    a = _alignment(speaker, text + ' "words": [] \\" " Fin.')
    turn = a.turns[0]
    odd = dataclasses.replace(turn, words=(dataclasses.replace(turn.words[-1], confidence=float("nan")),
                                           dataclasses.replace(turn.words[-1], placed=False)))
    silent = dataclasses.replace(turn, words=())
    for b in (a, dataclasses.replace(a, turns=(turn, odd, silent, turn))):
        assert alignment_json.compose(b) == json.dumps(alignment_json.to_dict(b), ensure_ascii=False, indent=1) + "\n"


def test_vtt_escapes_text_and_names():
    a = _alignment("<script>alert(1)</script>", "Tom & Jerry <b> --> fin")
    text = vtt.compose(a)
    assert "<script>" not in text and "&lt;script&gt;" in text
    assert "Tom &amp; Jerry &lt;b&gt; --&gt; fin" in text


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=300), st.text(min_size=1, max_size=30))
def test_vtt_never_breaks(text, speaker):
    speaker = " ".join(speaker.split()) or "X"
    a = _alignment(speaker, text)
    doc = webvtt.from_buffer(io.StringIO(vtt.compose(a)))
    for cue in doc.captions:
        assert _secs(cue.end) > _secs(cue.start)


def test_alignment_json_fields():
    a = _alignment("Anne Martin", "Il y a 30\u00a0000 habitants.")
    doc = json.loads(alignment_json.compose(a))
    (turn,) = doc["turns"]
    assert turn["speaker"] == "Anne Martin" and turn["start"] == 1.0 and turn["line"] == 3
    assert [w["text"] for w in turn["words"]] == ["Il", "y", "a", "30\u00a0000", "habitants"]
    assert all(w["end"] >= w["start"] for w in turn["words"])
    assert all("placed" not in w for w in turn["words"])
    (anchor,) = doc["anchors"]
    assert anchor == {"text": "[0:01]", "line": 3, "written": 1.0, "measured": 1.0, "delta": 0.0, "ok": True}


def test_failed_write_leaves_no_file(tmp_path, monkeypatch):
    a = _alignment("A", "un deux trois")

    def boom(_a):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(alignment_json, "compose", boom)
    with pytest.raises(RuntimeError):
        write_all(a, tmp_path, "ep")
    assert [p.name for p in tmp_path.iterdir()] == []


def _with_sections() -> Alignment:
    from aligner.transcript import Direction, DirectionKind, Section

    text1, text2 = "Premier sujet, bonjour à tous.", "Second sujet après la pause."
    items = (Section("Ouverture = début; #1", 2), Turn("Anne", text1, 4, 4),
             Direction(DirectionKind.MUSIC_BREAK, "Pause musicale : Titre par Artiste.", 6, "Titre", "Artiste"),
             Section("Deuxième partie", 8), Turn("Paul", text2, 10, 10))
    transcript = Transcript("wiki", Metadata(title="Émission"), items, (Anchor("47' 57", 2_877_000, 8, 3, 0),), "t.txt")

    def timed(item, text, speaker, start):
        words = [w for w in normalize(text) if w.alignable]
        ws = tuple(WordTiming(w.written, start + i * 400, start + (i + 1) * 400, 1.0, w.start, w.end) for i, w in enumerate(words))
        return TurnTiming(item, speaker, text, start, ws[-1].end_ms, 1.0, ws)

    turns = (timed(1, text1, "Anne", 3_000), timed(4, text2, "Paul", 2_880_000))
    return Alignment(transcript, 3_000_000, turns, (AnchorCheck(transcript.anchors[0], 2_880_000, 5000),), ())


def test_srt_reads_back():
    import srt as srt_lib

    from aligner.write import srt

    subs = list(srt_lib.parse(srt.compose(_with_sections())))
    assert subs[0].content.startswith("Anne: Premier sujet")
    assert all(s.end > s.start for s in subs)
    assert [s.index for s in subs] == list(range(1, len(subs) + 1))


def test_chapters_in_every_format():
    from aligner.write import chapters

    a = _with_sections()
    listed = chapters.compose_list(a).splitlines()
    assert listed[0].startswith("0:00 Ouverture")
    assert listed[1].startswith("0:05 Pause musicale : Titre par Artiste")  # where Anne's turn ends
    assert listed[2] == "48:00 Deuxième partie"
    doc = json.loads(chapters.compose_json(a))
    assert doc["version"] == "1.2.0" and doc["chapters"][0]["startTime"] == 0
    assert [c["title"] for c in doc["chapters"]] == ["Ouverture = début; #1", "Pause musicale : Titre par Artiste", "Deuxième partie"]
    ff = chapters.compose_ffmetadata(a)
    assert ff.startswith(";FFMETADATA1\n") and "TIMEBASE=1/1000" in ff and "START=2880000" in ff
    assert "title=Ouverture \\= début\\; \\#1" in ff
    track = webvtt.from_buffer(io.StringIO(chapters.compose_vtt(a))).captions
    assert [c.text for c in track] == ["Ouverture = début; #1", "Pause musicale : Titre par Artiste", "Deuxième partie"]


def test_marker_report_and_labels():
    from aligner.write import labels, report

    a = _with_sections()
    rows = json.loads(report.compose_json(a, tolerance_ms=5000))["markers"]
    anchored = [r for r in rows if r["written"] is not None]
    assert anchored == [{"text": "Deuxième partie 47' 57", "line": 8, "written": 2877.0, "measured": 2880.0, "delta": 3.0, "verdict": "ok"}]
    assert "| Deuxième partie 47' 57 | 8 | 47:57 | 48:00 | +3.0 s | ok |" in report.compose_markdown(a, tolerance_ms=5000)
    assert json.loads(report.compose_json(a, tolerance_ms=1000))["markers"][-1]["verdict"] == "off"
    assert labels.compose(a).splitlines()[0].split("\t") == ["3.000", "5.000", "Anne"]
    assert json.loads(report.compose_json(a, tolerance_ms=5000))["offset"] is None
    assert "cut otherwise" not in report.compose_markdown(a, tolerance_ms=5000)


def test_the_marker_report_names_an_offset_that_the_timecodes_share():
    import dataclasses

    from aligner.write import report

    a = dataclasses.replace(_with_sections(), timecode_offset_ms=30_400)
    assert json.loads(report.compose_json(a, tolerance_ms=5000))["offset"] == 30.4
    assert report.compose_markdown(a, tolerance_ms=5000).splitlines()[-1] == (
        "Most timecodes are about 30 s earlier than the recording puts them: it may be cut otherwise than the show "
        "they were written for.")


def test_textgrid_reads_back_with_praatio(tmp_path):
    from praatio import textgrid as tg

    from aligner.write import textgrid

    path = tmp_path / "a.TextGrid"
    path.write_text(textgrid.compose(_with_sections()), encoding="utf-8")
    grid = tg.openTextgrid(str(path), includeEmptyIntervals=False)
    assert list(grid.tierNames) == ["Anne", "Paul"]
    (anne,) = grid.getTier("Anne").entries
    assert (anne.start, anne.end, anne.label) == (3.0, 5.0, "Premier sujet, bonjour à tous.")


def test_rss_tags_are_xml_with_the_right_types():
    import xml.etree.ElementTree as ET

    from aligner.write import rss

    body = rss.compose('ep "1" & <2>').split("\n", 1)[1]
    root = ET.fromstring(f'<item xmlns:podcast="https://podcastindex.org/namespace/1.0">{body}</item>')
    ns = "{https://podcastindex.org/namespace/1.0}"
    types = [e.get("type") for e in root.findall(f"{ns}transcript")]
    assert types == ["text/vtt", "application/x-subrip", "application/json"]
    assert root.find(f"{ns}chapters").get("type") == "application/json+chapters"
    assert root.find(f"{ns}transcript").get("url") == 'BASE_URL/ep "1" & <2>.vtt'


@pytest.mark.parametrize("name,max_lines", [("one-line", 1), ("turn", None)])
def test_caption_profiles(name, max_lines):
    a = _alignment("Anne Martin", "Bonjour à toutes. Bonjour à tous. " * 6)
    captions = webvtt.from_buffer(io.StringIO(vtt.compose(a, vtt.PROFILES[name]))).captions
    if max_lines is None:
        assert len(captions) == 1 and captions[0].text.startswith("Bonjour à toutes.")
    else:
        assert len(captions) > 2 and all("\n" not in c.text and len(c.text) <= 42 for c in captions)


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=200).filter(str.strip),
       st.sampled_from(["Anne", "<b>&", "Zoé 🎙️", "x" * 80]))
def test_srt_round_trip(text, speaker):
    # an aligned turn always has words (turns without any are not placed): no blank text
    import srt as srt_lib

    from aligner.write import srt

    a = _alignment(speaker, text)
    subs = list(srt_lib.parse(srt.compose(a)))
    assert subs and all(s.end > s.start for s in subs)
    assert [s.start for s in subs] == sorted(s.start for s in subs)


def test_podcast_transcript_fields():
    from aligner.write import podcast_json

    doc = json.loads(podcast_json.compose(_alignment("Zoé 🎙️ <b>", "Un & deux --> trois. " * 8)))
    assert doc["version"] == "1.0.0" and doc["segments"]
    for seg in doc["segments"]:
        assert set(seg) == {"speaker", "startTime", "endTime", "body"}
        assert seg["speaker"] == "Zoé 🎙️ <b>" and seg["endTime"] > seg["startTime"]
        assert isinstance(seg["startTime"], float) and seg["body"]
    assert " ".join(s["body"] for s in doc["segments"]) == " ".join(("Un & deux --> trois. " * 8).split())


def _cue_texts(text: str) -> list[str]:
    return [c.text for c in vtt.split_turn(_alignment("A", text).turns[0])]


def test_cues_are_cut_at_clauses_not_after_a_leaning_word():
    assert _cue_texts("Veuillez composer le numéro de fichier pour la dictée, suivi du dièse ou appuyez "
                      "seulement sur dièse pour quitter.") == [
        "Veuillez composer le numéro de fichier pour la dictée,",
        "suivi du dièse ou appuyez seulement sur dièse pour quitter."]
    assert vtt.wrap("Je suis Étienne Gonnu, chargé de mission affaires publiques pour l’April.") == (
        "Je suis Étienne Gonnu, chargé de mission\naffaires publiques pour l’April.")


def test_a_cue_stays_up_through_the_pause_after_it_and_is_cut_at_a_long_one():
    """Words end where their sound stops: a cue ends where the turn's next one starts, not
    where its last word's sound stops; a pause of 0.4 s or more is a place to cut."""
    text = "Veuillez composer le numéro de fichier pour la dictée suivi du dièse ou appuyez seulement sur dièse"
    turn = _alignment("A", text).turns[0]
    after = [w.text for w in turn.words].index("fichier")  # a pause of 0.5 s after it
    words = tuple(dataclasses.replace(w, start_ms=w.start_ms + 500, end_ms=w.end_ms + 500) if k > after else w
                  for k, w in enumerate(turn.words))
    cues = vtt.split_turn(dataclasses.replace(turn, words=words, end_ms=turn.end_ms + 500))
    assert [c.text for c in cues] == [
        "Veuillez composer le numéro de fichier", "pour la dictée suivi du dièse ou appuyez seulement sur dièse"]
    assert cues[0].end_ms == cues[1].start_ms == words[after + 1].start_ms
    # without the pause (a word lasting until the next starts) the cut falls elsewhere
    assert [c.text for c in vtt.split_turn(turn)][0] != "Veuillez composer le numéro de fichier"


def test_a_long_sentence_leaves_no_word_alone():
    cues = _cue_texts("Merci. Veuillez attendre pendant que je tente d'établir la connexion avec votre destinataire.")
    assert cues[0] == "Merci." and len(cues) == 3 and all(len(c.split()) > 3 for c in cues[1:])


def test_the_reference_captions_keep_to_their_lines(reference_path):
    """Every turn of the reference page at a steady pace: two lines of 42 characters at most,
    no cue that ends on a word leaning on the next, none that starts a sentence and stops in it."""
    from aligner.transcript import read_transcript

    leaning = {"le", "la", "les", "de", "du", "des", "un", "une", "à", "au", "et", "que", "pour", "votre", "je", "qui"}
    for turn in read_transcript(reference_path).turns:
        cues = vtt.split_turn(_alignment(turn.speaker, turn.text, step=330).turns[0])
        for cue in cues:
            assert all(len(line) <= 42 for line in vtt.wrap(cue.text).split("\n")), cue.text
        for cue in cues[:-1]:
            words = cue.text.split()
            assert words[-1].casefold() not in leaning, cue.text
            sentence_inside = any(re.search(r"[.!?…]»?$", w) for w in words[:-1])
            assert not sentence_inside or re.search(r"[.!?…,;:]»?$", words[-1]), cue.text


def _two_turns_one_unplaced() -> Alignment:
    said, cut = "Bonjour à toutes et à tous.", "Ce passage a été coupé au montage."
    words = lambda text, start: tuple(WordTiming(w.written, start + i * 300, start + (i + 1) * 300, 0.9, w.start, w.end)
                                      for i, w in enumerate(x for x in normalize(text) if x.alignable))
    first = TurnTiming(0, "Anne Martin", said, 1000, 2800, 0.9, words(said, 1000))
    squeezed = tuple(WordTiming(w.text, 2800, 2800, 0.5, w.start_char, w.end_char) for w in words(cut, 0))
    second = TurnTiming(1, "Paul Durand", cut, 2800, 2810, 0.0, squeezed, placed=False)
    transcript = Transcript("wiki", Metadata(), (Turn("Anne Martin", said, 3, 3), Turn("Paul Durand", cut, 5, 5)), (), "t.txt")
    return Alignment(transcript, 5000, (first, second), (), (), "ab" * 32, "a.mp3")


def test_a_turn_found_nowhere_in_the_audio_is_listed_and_has_no_captions(tmp_path):
    from aligner.write import labels, podcast_json, srt, textgrid

    a = _two_turns_one_unplaced()
    assert [t.speaker for t in a.unplaced] == ["Paul Durand"]
    for text in (vtt.compose(a), srt.compose(a), podcast_json.compose(a), labels.compose(a), textgrid.compose(a)):
        assert "Bonjour" in text or "Anne Martin" in text
        assert "coupé" not in text and "Paul Durand" not in text
    turns = json.loads(alignment_json.compose(a))["turns"]
    assert "placed" not in turns[0] and turns[1]["placed"] is False and turns[1]["line"] == 5
    placed = alignment_json.to_dict(a.__class__(**{**a.__dict__, "turns": (a.turns[0],)}))["turns"]
    assert placed == turns[:1]  # a turn placed is written as before


def test_the_command_lists_the_turns_found_nowhere_in_the_audio(tmp_path, capsys, monkeypatch):
    import aligner.pipeline
    from aligner.cli import main

    monkeypatch.setattr(aligner.pipeline, "run", lambda *a, **k: _two_turns_one_unplaced())
    assert main(["align", "a.mp3", "t.txt", "-o", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "not found in the audio: line 5 (Paul Durand), no captions" in out
    assert "line 3" not in out.replace("anchor line", "")
