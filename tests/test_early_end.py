"""A transcript that stops before the recording does: the engine tries that hypothesis
(a cheaper gap after the last turn) when its last turns match worse than the others, and
keeps whichever alignment matches the audio better."""

from __future__ import annotations

import dataclasses
import json

import numpy as np

from aligner.align.anchors import _breaks_timecodes
from aligner.align.config import AlignConfig
from aligner.align.hypotheses import _early_end_better, _end_in_doubt, _end_unanchored, _start_unanchored
from aligner.align.model import TurnTiming
from aligner.pipeline import run
from aligner.transcript.model import Anchor, Section, Transcript, Turn

from conftest import DATA, ROOT

SAMPLE_AUDIO = ROOT / "audio" / "sample.mp3"
SAMPLE_TEXT = ROOT / "transcripts" / "sample.txt"


def _turns(confidences):
    return tuple(TurnTiming(i, "A", "x", i * 1000, i * 1000 + 900, c, ()) for i, c in enumerate(confidences))


def test_doubt_comes_from_the_last_quarter_matching_worse():
    assert _end_in_doubt(_turns([0.9] * 9 + [0.7] * 3), AlignConfig())
    assert not _end_in_doubt(_turns([0.9] * 12), AlignConfig())
    assert not _end_in_doubt(_turns([0.7] * 9 + [0.9] * 3), AlignConfig())
    assert not _end_in_doubt(_turns([0.9, 0.5, 0.5]), AlignConfig())  # too few turns to compare


def test_an_early_end_must_match_better_by_more_than_a_decoding_moves_it():
    usual = _turns([0.85] * 10)
    assert not _early_end_better(usual, _turns([0.85] * 9 + [0.855]), AlignConfig())  # +0.0005: a coin toss
    assert _early_end_better(usual, _turns([0.85] * 9 + [0.88]), AlignConfig())  # +0.003
    assert not _early_end_better(usual, _turns([0.85] * 9 + [0.88]), AlignConfig(early_end_margin=0.005))


def test_a_hypothesis_breaks_a_timecode_when_it_puts_off_one_the_usual_alignment_holds():
    # a section title at 1:00 (item 1): its section starts with the turn after it (item 2)
    items = (Turn("A", "x", 1, 1), Section("Partie 2", 2), Turn("B", "y", 3, 3), Turn("A", "z", 4, 4))
    transcript = Transcript("wiki", items=items, anchors=(Anchor("1' 00", 60_000, 2, 1),))

    def placed(second_start):
        return (TurnTiming(0, "A", "x", 1000, 9000, 0.9, ()), TurnTiming(2, "B", "y", second_start, 70_000, 0.9, ()),
                TurnTiming(3, "A", "z", 71_000, 80_000, 0.9, ()))

    config = AlignConfig()  # a tolerance of 5 s
    held, off, near = placed(61_000), placed(40_000), placed(64_000)
    assert _breaks_timecodes(held, off, transcript, config)
    assert not _breaks_timecodes(held, near, transcript, config)  # 4 s off: within the tolerance
    assert not _breaks_timecodes(off, held, transcript, config)  # the usual one was off already
    assert not _breaks_timecodes(off, placed(30_000), transcript, config)


def test_an_early_end_that_puts_a_timecode_off_is_not_kept():
    # on the whole sample (its text runs to its end), the hypothesis with the cheapest tail,
    # kept whatever it matches, squeezes the turns before the end and puts the timecode
    # written half-way ([1:31], which the usual alignment bears out) 23 s early (on the
    # code before this rule): it is not kept, and the usual alignment stays
    usual = run(SAMPLE_AUDIO, SAMPLE_TEXT)
    (anchor,) = usual.anchors
    assert anchor.ok
    tried = run(SAMPLE_AUDIO, SAMPLE_TEXT, config=AlignConfig(early_end_doubt=-1.0, early_end_margin=-1.0))
    assert [a.ok for a in tried.anchors] == [True]
    assert np.array_equal(_starts(tried), _starts(usual))


class _Said:
    def __init__(self, frames):
        self.features = np.zeros((frames, 1))


def test_an_end_without_an_anchor_near_it_is_open_to_doubt():
    blocks = [_Said(100)] * 10  # 1000 frames
    assert _end_unanchored(blocks, [], AlignConfig())
    assert _end_unanchored(blocks, [(3, 0, 400, 100)], AlignConfig())  # the last anchor at 40 %
    assert not _end_unanchored(blocks, [(3, 0, 400, 100), (9, 2, 950, 100)], AlignConfig())  # in the last turn


def _starts(alignment):
    return np.array([t.start_ms for t in alignment.turns])


def test_an_end_hypothesis_that_matches_worse_is_not_kept():
    # tried on the whole sample (whose text runs to its end), the cheap tail squeezes the
    # last turns; their confidence drops, so the first alignment stays
    usual = run(SAMPLE_AUDIO, SAMPLE_TEXT)
    tried = run(SAMPLE_AUDIO, SAMPLE_TEXT, config=AlignConfig(early_end_doubt=-1.0))
    squeezed = run(SAMPLE_AUDIO, SAMPLE_TEXT, config=AlignConfig(tail_gap=0.25, early_end_tail_gaps=()))
    assert np.abs(_starts(squeezed) - _starts(usual)).max() > 5000
    assert np.array_equal(_starts(tried), _starts(usual))


def _cut_before(tmp_path, marker: str):
    """The sample aligned with its transcript cut before ``marker``; the true turns."""
    text = SAMPLE_TEXT.read_text(encoding="utf-8")
    partial = tmp_path / "partial.txt"
    partial.write_text(text[: text.index(marker)], encoding="utf-8")
    truth = json.loads((DATA / "sample" / "sample.truth.json").read_text(encoding="utf-8"))["turns"]
    alignment = run(SAMPLE_AUDIO, partial)
    errors = np.abs(_starts(alignment) - [g["start_ms"] for g in truth[:len(alignment.turns)]])
    return alignment, truth, errors


def test_a_transcript_of_the_first_minute_stays_there(tmp_path):
    alignment, truth, errors = _cut_before(tmp_path, "Pause musicale")
    assert len(alignment.turns) == 5
    assert errors.max() <= 500
    last = alignment.uncovered[-1]
    assert last.kind == "not_transcribed" and last.start_ms <= truth[4]["end_ms"] + 1000 and last.end_ms >= 189_000


def test_a_last_turn_after_a_music_break_and_a_new_part_stays_at_the_break(tmp_path):
    # cut after the turn that follows "Pause musicale" and "Partie 2 [1:31]": the same
    # speaker talks again after 2:25, untranscribed. The title beside the music break does
    # not announce talk, so the talk after the last turn goes to the end, not before it.
    alignment, _, errors = _cut_before(tmp_path, "https://")
    assert len(alignment.turns) == 6
    assert errors.max() <= 500
    (anchor,) = alignment.anchors
    assert anchor.ok


def test_a_start_without_an_anchor_near_it_is_open_to_doubt():
    blocks = [_Said(100)] * 10  # 1000 frames
    assert _start_unanchored(blocks, [], AlignConfig())
    assert _start_unanchored(blocks, [(3, 0, 400, 100)], AlignConfig())  # the first anchor at 30 %
    assert not _start_unanchored(blocks, [(0, 2, 40, 100), (9, 2, 950, 100)], AlignConfig())  # in the first turn


def _late_sample(tmp_path, first_kept: str):
    """The sample's transcript from the turn that starts with ``first_kept`` on, without
    its timecode: the page of a later part of the show, the recording whole."""
    head, body = SAMPLE_TEXT.read_text(encoding="utf-8").split("Transcription\n", 1)
    path = tmp_path / "late.txt"
    path.write_text(head + "Transcription\n\n" + body[body.index(first_kept):].replace(" [1:31]", ""), encoding="utf-8")
    return path


def test_a_transcript_of_a_later_part_is_placed_there(tmp_path):
    # the sample's last four turns, from 1:57.8 on: the audio before them is speech and
    # music that the text does not hold
    late = _late_sample(tmp_path, "Sophie Laurent\u00a0: Au timbre sonore")
    whole = _starts(run(SAMPLE_AUDIO, SAMPLE_TEXT))[-4:]
    assert whole[0] > 110_000
    placed = _starts(run(SAMPLE_AUDIO, late))
    assert np.abs(placed - whole).max() <= 500
    # without the hypothesis, the text goes to the start of the recording
    pulled = _starts(run(SAMPLE_AUDIO, late, config=AlignConfig(late_start_head_gap=None)))
    assert whole[0] - pulled[0] > 60_000


def test_a_late_start_hypothesis_that_matches_worse_is_not_kept(caplog):
    # the whole sample's start is not anchored (its timecode is half-way): a hypothesis with
    # a head so cheap that it moves six turns (when kept whatever it gives) is weighed, and
    # the turns stay where they are
    usual = _starts(run(SAMPLE_AUDIO, SAMPLE_TEXT, config=AlignConfig(late_start_head_gap=None)))
    cheap = AlignConfig(late_start_head_gap=0.02, late_start_moved_ms=0)  # it moves later turns, not the first
    moved = _starts(run(SAMPLE_AUDIO, SAMPLE_TEXT, config=dataclasses.replace(cheap, late_start_margin=-1.0)))
    assert np.abs(moved - usual).max() > 5000
    with caplog.at_level("INFO", logger="aligner.align"):
        tried = _starts(run(SAMPLE_AUDIO, SAMPLE_TEXT, config=cheap))
    assert np.array_equal(tried, usual)
    assert "start after the recording does" not in caplog.text


def test_a_late_start_is_kept_when_it_matches_clearly_better():
    from types import SimpleNamespace

    from aligner.align.hypotheses import _late_start_better

    said = [SimpleNamespace(end_frame=500)] * 40  # every turn takes eSpeak 5 s, said in 6
    turn = lambda k, start, conf: TurnTiming(k, "A", "x", start, start + 6000, conf, ())
    usual = tuple(turn(k, 60_000 + k * 10_000, 0.85) for k in range(40))
    # the first 4 of 40 turns set 40 s later, where they match 0.12 better: the mean gains
    # 0.012, under the margin, and the turns moved 0.12
    late = tuple(turn(k, 100_000 + k * 10_000, 0.97) for k in range(4)) + usual[4:]
    assert _late_start_better(usual, late, said, AlignConfig())
    assert not _late_start_better(usual, late, said, AlignConfig(late_start_moved_gain=0.2))
    # the same moved turns, the others matching a little worse there: the mean does not gain
    worse_elsewhere = late[:4] + tuple(dataclasses.replace(t, confidence=0.83) for t in usual[4:])
    assert not _late_start_better(usual, worse_elsewhere, said, AlignConfig())
    # every turn moved and 0.02 better: over the margin
    everywhere = tuple(dataclasses.replace(t, start_ms=t.start_ms + 40_000, end_ms=t.end_ms + 40_000,
                                           confidence=0.87) for t in usual)
    assert _late_start_better(usual, everywhere, said, AlignConfig())


def test_a_timecode_the_audio_contradicts_does_not_hold_a_late_start(tmp_path):
    # the sample's last four turns (from 1:57.8), their first one's time written 60 s early:
    # the timecode is reported with the time the audio gives it, and does not keep the
    # text at the start of the recording (before, both went to 0:08.5)
    late = _late_sample(tmp_path, "Sophie Laurent\u00a0: Au timbre sonore")
    late.write_text(late.read_text(encoding="utf-8").replace("\u00a0: Au timbre", "\u00a0: [0:58] Au timbre", 1),
                    encoding="utf-8")
    whole = _starts(run(SAMPLE_AUDIO, SAMPLE_TEXT))[-4:]
    alignment = run(SAMPLE_AUDIO, late)
    assert np.abs(_starts(alignment) - whole).max() <= 500
    (check,) = alignment.anchors
    assert not check.ok and abs(check.measured_ms - whole[0]) <= 500


def test_an_end_hypothesis_whose_first_pass_ends_the_text_where_it_was_goes_no_further(monkeypatch):
    """The sample's text runs to its end: the cheapest tail squeezes it, 53 s sooner in the
    first pass, and is weighed through the phoneme passes (and not kept); the milder one
    moves its end by less than a second and goes no further."""
    from aligner.align import engine

    placed, timings = [], engine._timings
    monkeypatch.setattr(engine, "_timings", lambda *a, **k: placed.append(1) or timings(*a, **k))
    config = AlignConfig(early_end_doubt=-1.0, late_start_head_gap=None, music_turn_reach_ms=0,
                         after_replay_margin=None)  # (its pass after the replay: not counted here)
    assert config.early_end_tail_gaps == (0.25, 0.5)
    usual = run(SAMPLE_AUDIO, SAMPLE_TEXT, config=config)
    assert len(placed) == 2
    placed.clear()
    tried = run(SAMPLE_AUDIO, SAMPLE_TEXT, config=dataclasses.replace(config, early_end_moved_ms=None))
    assert len(placed) == 3
    assert np.array_equal(_starts(tried), _starts(usual))
