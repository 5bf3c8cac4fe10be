"""The bundled sample (real speech, music, a replay, an anchor) through the CLI."""

from __future__ import annotations

import contextlib
import io
import json

import numpy as np
import webvtt

from aligner.cli import main

from conftest import DATA, ROOT, chord, undirected_sample, unnamed_sample

SAMPLE_AUDIO = ROOT / "audio" / "sample.mp3"
SAMPLE_TEXT = ROOT / "transcripts" / "sample.txt"


def test_align_sample(tmp_path, capsys):
    assert main(["align", str(SAMPLE_AUDIO), str(SAMPLE_TEXT), "-o", str(tmp_path)]) == 0
    doc = json.loads((tmp_path / "sample.json").read_text(encoding="utf-8"))
    truth = json.loads((DATA / "sample" / "sample.truth.json").read_text(encoding="utf-8"))
    assert len(doc["turns"]) == len(truth["turns"])
    errors = np.abs([t["start"] * 1000 - g["start_ms"] for t, g in zip(doc["turns"], truth["turns"])])
    assert np.median(errors) <= 100
    assert np.mean(errors <= 500) >= 0.8
    # each turn ends where its talk stops (before the sixty-fifth session, where its last
    # word's sounds matched best: 110 ms off at the median)
    end_errors = np.abs([t["end"] * 1000 - g["end_ms"] for t, g in zip(doc["turns"], truth["turns"])])
    assert np.median(end_errors) <= 60 and np.all(end_errors <= 500)
    (anchor,) = doc["anchors"]
    assert anchor["ok"] and abs(anchor["delta"]) <= 5
    captions = webvtt.from_buffer(io.StringIO((tmp_path / "sample.vtt").read_text(encoding="utf-8"))).captions
    assert captions and all(c.voice in {"Claire Dubois", "Sophie Laurent"} for c in captions)


def _refused(tmp_path, capsys, text: str, status: int, message: str) -> None:
    """Aligning the sample with ``text`` exits with ``status`` and one line saying
    ``message``, and writes nothing."""
    transcript = tmp_path / "transcript.txt"
    transcript.write_text(text, encoding="utf-8")
    out = tmp_path / "out"
    assert main(["align", str(SAMPLE_AUDIO), str(transcript), "-o", str(out)]) == status
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1
    assert not out.exists()


def test_anchor_past_the_end_is_refused(tmp_path, capsys):
    text = SAMPLE_TEXT.read_text(encoding="utf-8").replace("[1:31]", "[59:00]")
    _refused(tmp_path, capsys, text, 3, "past the end of the audio")


def test_transcript_far_longer_than_audio(tmp_path, capsys, reference_path):
    # the 90-minute show's transcript, without its anchors, against the 3-minute sample
    text = reference_path.read_text(encoding="utf-8").replace("[32\u00a0min 50]", "").replace("47‘ 57", "")
    _refused(tmp_path, capsys, text, 5, "belongs to this recording")


def test_unreadable_audio(tmp_path, capsys):
    junk = tmp_path / "junk.mp3"
    junk.write_bytes(b"this is not audio at all" * 100)
    assert main(["align", str(junk), str(SAMPLE_TEXT), "-o", str(tmp_path / "o")]) == 4
    err = capsys.readouterr().err
    assert "cannot be decoded as audio" in err and err.count("\n") == 1


def test_audio_without_speech_is_refused(tmp_path, capsys):
    """A minute of digital silence, or of a steady chord, against the sample's transcript
    (its timecode taken out): one line saying that no speech was heard, exit 4, no outputs.
    Both used to align, silence as one long "speech" region, every turn at confidence 0."""
    import soundfile as sf

    text = tmp_path / "transcript.txt"
    text.write_text(SAMPLE_TEXT.read_text(encoding="utf-8").replace("[1:31]", ""), encoding="utf-8")
    for name, x in (("silence", np.zeros(16000 * 60)), ("chord", chord(60.0))):
        audio = tmp_path / f"{name}.wav"
        sf.write(audio, x, 16000, subtype="PCM_16")
        out = tmp_path / f"out-{name}"
        assert main(["align", str(audio), str(text), "-o", str(out)]) == 4
        err = capsys.readouterr().err
        assert "no speech found" in err and err.count("\n") == 1
        assert not out.exists()


def test_empty_audio(tmp_path, capsys):
    empty = tmp_path / "empty.wav"
    empty.write_bytes(b"")
    assert main(["map", str(empty)]) == 4
    assert "empty" in capsys.readouterr().err


def test_check_exits_non_zero_on_a_shifted_marker(tmp_path, capsys):
    shifted = tmp_path / "shifted.txt"
    shifted.write_text(SAMPLE_TEXT.read_text(encoding="utf-8").replace("[1:31]", "[1:50]"), encoding="utf-8")
    assert main(["check", str(SAMPLE_AUDIO), str(shifted), "-o", str(tmp_path / "o")]) == 7
    captured = capsys.readouterr()
    assert "off" in captured.out and "Partie 2 [1:50]" in captured.out
    assert "1 marker(s) off by more than 5 s" in captured.err
    report = json.loads((tmp_path / "o" / "sample.report.json").read_text(encoding="utf-8"))
    assert [m["verdict"] for m in report["markers"] if m["written"] is not None] == ["off"]


def test_a_turn_that_is_not_said_has_a_low_confidence(tmp_path):
    text = SAMPLE_TEXT.read_text(encoding="utf-8")
    said = "Après le bip, enregistrez votre message temporaire, puis appuyez sur dièse."
    assert said in text
    wrong = "Les girafes mangent des abricots sous la lune de Vénus chaque dimanche soir."
    changed = tmp_path / "changed.txt"
    changed.write_text(text.replace(said, wrong), encoding="utf-8")
    assert main(["align", str(SAMPLE_AUDIO), str(changed), "-o", str(tmp_path / "o")]) == 0
    turns = json.loads((tmp_path / "o" / "sample.json").read_text(encoding="utf-8"))["turns"]
    confidences = [t["confidence"] for t in turns]
    giraffes = next(t for t in turns if t["text"].startswith("Les girafes"))
    others = [t["confidence"] for t in turns if t is not giraffes]
    assert giraffes["confidence"] < np.median(others)
    assert all(0.0 <= c <= 1.0 for c in confidences)


def test_id3_chapters_read_back_with_mutagen(tmp_path):
    from mutagen.id3 import ID3, CTOCFlags

    assert main(["align", str(SAMPLE_AUDIO), str(SAMPLE_TEXT), "-o", str(tmp_path), "--id3-chapters"]) == 0
    tags = ID3(tmp_path / "sample.chapters.mp3")
    assert tags.version[:2] == (2, 3)
    chaps = sorted(tags.getall("CHAP"), key=lambda c: c.start_time)
    assert chaps[0].start_time == 0 and [c.sub_frames["TIT2"].text[0] for c in chaps][-1] == "Partie 2"
    (toc,) = tags.getall("CTOC")
    assert toc.flags & CTOCFlags.TOP_LEVEL and toc.flags & CTOCFlags.ORDERED
    assert toc.child_element_ids == [c.element_id for c in sorted(chaps, key=lambda c: int(c.element_id[3:]))]
    listed = (tmp_path / "sample.chapters.txt").read_text(encoding="utf-8").splitlines()
    assert len(listed) == len(chaps) and listed[0].startswith("0:00 ")


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_a_progress_bar_moves_with_the_stages_on_a_terminal_only():
    import re

    import pytest

    from aligner.cli import ALIGN_STAGES, MAP_STAGES, progress
    from aligner.errors import AudioError

    terminal = _Terminal()
    with progress(ALIGN_STAGES, file=terminal) as hook:
        for stage in ALIGN_STAGES:
            hook(stage, None)
    shown = terminal.getvalue()
    percents = [int(p) for p in re.findall(r"(\d+)%", shown)]
    assert percents[-1] == 100 and percents == sorted(percents) and len(set(percents)) == len(ALIGN_STAGES) + 1
    assert "audio mapped" in shown and shown.endswith("\n")
    piped = io.StringIO()
    with progress(ALIGN_STAGES, file=piped) as hook:
        hook("decode", None)
    assert piped.getvalue() == ""  # not a terminal: nothing, so that errors stay one line
    # an error part way: the bar ends its line first, so that the error has its own
    terminal = _Terminal()
    with pytest.raises(AudioError), progress(MAP_STAGES, file=terminal) as hook:
        hook("decode", None)
        raise AudioError("x.mp3: cannot be decoded")
    assert terminal.getvalue().endswith("\n") and "100%" not in terminal.getvalue()


def test_a_page_that_names_no_speaker_aligns(tmp_path):
    """The sample's page with its speakers' names taken off (refused before: "no speaker
    turn found"): its paragraphs start where the sample's truth puts their turns, and its
    captions carry no voice tag."""
    transcript = tmp_path / "unnamed.txt"
    transcript.write_text(unnamed_sample(), encoding="utf-8")
    assert main(["align", str(SAMPLE_AUDIO), str(transcript), "-o", str(tmp_path)]) == 0
    doc = json.loads((tmp_path / "sample.json").read_text(encoding="utf-8"))
    truth = {g["start_ms"] // 1000: g["start_ms"] for g in json.loads(
        (DATA / "sample" / "sample.truth.json").read_text(encoding="utf-8"))["turns"]}
    starts = [t["start"] * 1000 for t in doc["turns"]]
    assert len(starts) == len(truth) - 1  # one turn without punctuation read as a title
    errors = np.array([min(abs(s - g) for g in truth.values()) for s in starts])
    assert np.median(errors) <= 100 and np.mean(errors <= 500) >= 0.8
    captions = webvtt.from_buffer(io.StringIO((tmp_path / "sample.vtt").read_text(encoding="utf-8"))).captions
    assert captions and not any(c.voice for c in captions)


def test_a_transcript_that_names_no_music_aligns_around_it(tmp_path):
    """The sample's page without its stage directions (no jingle, music break or replay
    named, as a transcription service exports it): the gaps between its turns may hold
    anything, so its text is not laid on the music break (65.2-90.9 s in the truth) and the
    turns after it are not pulled into it (before: 4 to 51 s early from the fifth turn on)."""
    transcript = tmp_path / "undirected.txt"
    transcript.write_text(undirected_sample(), encoding="utf-8")
    # two jingles, a sting, a music break, a replay gone
    assert len(undirected_sample().splitlines()) < len(SAMPLE_TEXT.read_text(encoding="utf-8").splitlines()) - 4
    assert main(["align", str(SAMPLE_AUDIO), str(transcript), "-o", str(tmp_path)]) == 0
    doc = json.loads((tmp_path / "sample.json").read_text(encoding="utf-8"))
    truth = json.loads((DATA / "sample" / "sample.truth.json").read_text(encoding="utf-8"))
    errors = np.abs([t["start"] * 1000 - g["start_ms"] for t, g in zip(doc["turns"], truth["turns"])])
    assert len(errors) == len(truth["turns"]) and np.mean(errors <= 500) >= 0.8
    music = next(r for r in truth["regions"] if r["kind"] == "music")
    assert not any(t["start"] * 1000 < music["end_ms"] - 500 and t["end"] * 1000 > music["start_ms"] + 500
                   for t in doc["turns"])


def test_the_command_flushes_its_output_and_keeps_its_status_when_it_exits_early(tmp_path):
    """``python -m aligner`` ends without the interpreter's teardown: what it printed still
    reaches a pipe, whole, and its exit status is the command's."""
    import subprocess
    import sys

    parsed = subprocess.run([sys.executable, "-m", "aligner", "parse", str(SAMPLE_TEXT)], capture_output=True, text=True)
    assert parsed.returncode == 0 and "anchors: 1" in parsed.stdout
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        assert main(["parse", str(SAMPLE_TEXT)]) == 0
    assert parsed.stdout == buf.getvalue()
    missing = subprocess.run([sys.executable, "-m", "aligner", "align", str(tmp_path / "none.mp3"), str(SAMPLE_TEXT)],
                             capture_output=True, text=True)
    assert missing.returncode == 4 and missing.stderr.startswith("aligner: error:") and missing.stderr.count("\n") == 1
