"""Writers: WebVTT read back by webvtt-py, the alignment JSON, atomic writes."""

from __future__ import annotations

import io
import json

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
