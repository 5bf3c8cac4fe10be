"""An anchor the alignment contradicts by more than the phoneme passes search is tried once
more, held to its time: the held alignment is kept when it matches better. The sample
(real speech, an anchor at 1:31 on the turn after a music break) with its map made wrong
on purpose, as a loud music bed makes it: the speech from 1:31 to 2:10 called music."""

from __future__ import annotations

import dataclasses
import logging
import re

import numpy as np
import pytest

from aligner.align.config import AlignConfig
from aligner.align.engine import align
from aligner.audiomap import MUSIC, map_audio
from aligner.decode import decode
from aligner.features import HOP_MS, log_mel, mfcc
from aligner.speak import speak
from aligner.transcript import read_transcript

from conftest import ROOT

SAMPLE_TEXT = ROOT / "transcripts" / "sample.txt"


@pytest.fixture(scope="module")
def stages():
    transcript = read_transcript(SAMPLE_TEXT)
    logmel = log_mel(decode(ROOT / "audio" / "sample.mp3").samples, 16000)
    return transcript, speak(transcript), mfcc(logmel), map_audio(logmel)


def _speech_called_music(audio_map, start_ms: int, end_ms: int):
    labels, music = audio_map.labels.copy(), audio_map.music.copy()
    labels[start_ms // 10:end_ms // 10] = MUSIC
    music[start_ms // 10:end_ms // 10] = 1.0
    return dataclasses.replace(audio_map, labels=labels, music=music)


def test_a_right_anchor_holds_the_text_where_the_map_is_wrong(stages):
    transcript, spoken, cepstra, audio_map = stages
    (anchor,) = transcript.anchors
    wrong = _speech_called_music(audio_map, 91_000, 130_000)
    # (without the hypothesis that a turn laid before the music break the transcript puts
    # before it starts after that break, which also brings the text back there)
    alone = AlignConfig(anchor_retry_margin=None, named_break_reach_ms=None)
    pulled = align(transcript, spoken, cepstra, wrong, config=alone)
    held = align(transcript, spoken, cepstra, wrong)
    assert abs(pulled.anchors[0].delta_ms) >= 30_000  # without the retry: the text leaves its anchor
    assert held.anchors[0].ok
    turn = next(t for t in held.turns if t.item > anchor.item)
    # the turn after the title within the timecode's tolerance of where the sample's truth
    # puts it (2.2 s late: the map calls its first words music)
    assert abs(turn.start_ms - 91_560) <= AlignConfig().anchor_tolerance_ms


def test_every_pass_keeps_to_the_anchors_and_a_kept_anchor_stays_held(stages, monkeypatch):
    """The phoneme passes keep to the anchors' windows as the first pass does; the retry
    comes before the hypotheses that the transcript stops early, and these hold the anchor
    it kept."""
    from aligner.align import engine

    transcript, spoken, cepstra, audio_map = stages
    calls = []
    search = engine._search
    monkeypatch.setattr(engine, "_search", lambda *a, **k: calls.append(k["pins"]) or search(*a, **k))
    # no first pass alone (the late start's, an early end's that does not move the end of
    # the text); a first pass asked again is not made again, so that an alignment after the
    # first may run its phoneme passes alone; nor the hypothesis of music laid in an earlier
    # gap, which comes before the retry and so keeps to the wide windows (the music the map
    # is made to hear here lies in the gap before a turn), nor that of a turn after a sting
    # laid before that music, which adds a pin of its own
    config = AlignConfig(late_start_head_gap=None, early_end_moved_ms=None, music_in_earlier_gap=False,
                         named_break_any_music=False)
    held = align(transcript, spoken, cepstra, _speech_called_music(audio_map, 91_000, 130_000), config=config)
    assert held.anchors[0].ok
    passes = 1 + config.phone_passes
    windows = [[window * HOP_MS for *_, window in pins] for pins in calls]
    assert len(windows) > 2 * passes  # the early-end hypotheses ran too
    assert windows[:passes] == [[config.anchor_window_ms]] * passes
    assert windows[passes:] == [[config.anchor_tolerance_ms]] * (len(windows) - passes)


def test_an_anchor_a_little_off_is_retried_by_one_phoneme_pass(stages, monkeypatch, tmp_path):
    """The near retry starts from the first alignment's last pass: that pass once more,
    held to the anchor, with the log-probabilities it had (no first pass, nothing learnt
    again); one 15 s off too, held at the tolerance, as a sieve (the sample's text matches
    worse there: no whole alignment follows, unless, as here, that pass squeezes the turn
    it moves into less than half its time); one 30 s off by a whole alignment."""
    from aligner.align import engine

    _, spoken, cepstra, audio_map = stages
    learnt, windows = [], []
    heard, search = engine._heard, engine._search
    monkeypatch.setattr(engine, "_heard", lambda *a, **k: learnt.append(1) or heard(*a, **k))
    monkeypatch.setattr(engine, "_search",
                        lambda *a, **k: windows.append([w * HOP_MS for *_, w in k["pins"]]) or search(*a, **k))
    config = AlignConfig(late_start_head_gap=None, early_end_tail_gaps=(), music_turn_reach_ms=0,
                         after_replay_margin=None)  # (its pass after the replay: not counted here)
    sieve = dataclasses.replace(config, anchor_cramped_share=None)
    for late, passes, window, config in (("[1:38]", 1, config.anchor_hold_ms, config),  # 7 s late
                                         ("[1:46]", 1, config.anchor_tolerance_ms, sieve),  # 15 s
                                         ("[1:46]", 2 + config.phone_passes, config.anchor_tolerance_ms, config),
                                         ("[2:01]", 1 + config.phone_passes, config.anchor_tolerance_ms, config)):  # 30 s
        learnt.clear(), windows.clear()
        shifted = tmp_path / "shifted.txt"
        shifted.write_text(SAMPLE_TEXT.read_text(encoding="utf-8").replace("[1:31]", late), encoding="utf-8")
        transcript = read_transcript(shifted)
        assert not align(transcript, spoken, cepstra, audio_map, config=config).anchors[0].ok
        retried = windows[1 + config.phone_passes:]
        assert len(retried) == passes and len(learnt) == config.phone_passes * (1 + (passes > 1))
        assert {w for pins in retried for w in pins} == {window}


def test_a_shifted_anchor_is_still_reported(stages, tmp_path):
    transcript, _, cepstra, audio_map = stages
    text = SAMPLE_TEXT.read_text(encoding="utf-8").replace("[1:31]", "[2:11]")
    shifted_path = tmp_path / "shifted.txt"
    shifted_path.write_text(text, encoding="utf-8")
    shifted = read_transcript(shifted_path)
    spoken = speak(shifted)
    plain = align(shifted, spoken, cepstra, audio_map, config=AlignConfig(anchor_retry_margin=None))
    tried = align(shifted, spoken, cepstra, audio_map)
    assert not tried.anchors[0].ok and abs(tried.anchors[0].delta_ms + 40_000) <= 1000
    assert [t.start_ms for t in tried.turns] == [t.start_ms for t in plain.turns]


def test_a_turn_squeezed_into_a_third_of_its_time_does_not_count_as_better_matched():
    from types import SimpleNamespace

    from aligner.align.weigh import _gain_where_moved
    from aligner.align.model import TurnTiming

    said = [SimpleNamespace(end_frame=500)] * 5  # every turn takes eSpeak 5 s
    turn = lambda k, start, length, conf: TurnTiming(k, "A", "x", start, start + length, conf, ())
    usual = [turn(k, k * 20_000, 6000, 0.9) for k in range(5)]
    squeezed = usual[:3] + [turn(3, 60_000, 2000, 0.94)] + usual[4:]  # turn 3 squeezed, well matched
    held = usual[:3] + [turn(3, 90_000, 6000, 0.9)] + usual[4:]  # where the anchor says, 6 s long
    assert _gain_where_moved(squeezed, held, said, 0.0) < 0  # confidence alone prefers the squeeze
    assert _gain_where_moved(squeezed, held, said, 0.1) > 0.02
    assert _gain_where_moved(usual, usual, said, 0.1) == 0.0  # nothing moved


def test_a_squeezed_turn_reports_a_lower_confidence():
    from types import SimpleNamespace

    from aligner.align.weigh import _squeeze_aware
    from aligner.align.model import TurnTiming

    said = [SimpleNamespace(end_frame=500)] * 5  # every turn takes eSpeak 5 s
    turn = lambda k, length: TurnTiming(k, "A", "x", k * 20_000, k * 20_000 + length, 0.9, ())
    # said at 1.2 times eSpeak's length, one in a third of that: 0.2 * ln 3 = 0.22 less
    reported = _squeeze_aware(tuple(turn(k, 2000 if k == 3 else 6000) for k in range(5)), said, 0.2)
    assert [t.confidence for t in reported] == [0.9, 0.9, 0.9, 0.68, 0.9]
    assert _squeeze_aware(reported, said, 0.0) == reported


def test_timecodes_off_by_the_same_time_are_retried_together_and_reported(stages, tmp_path, monkeypatch, caplog):
    """Timecodes written 25 s early all along (a podcast cut otherwise than the broadcast):
    one alignment holds them all, is not kept, and a warning names the offset; none is
    retried on its own."""
    from aligner.align import engine

    _, _, cepstra, audio_map = stages
    text = SAMPLE_TEXT.read_text(encoding="utf-8").replace("[1:31]", "[1:06]")
    for said, written in (("Après le bip", "[0:21] Après le bip"), ("Veuillez entrer un ou plusieurs", "[2:00] Veuillez entrer un ou plusieurs"),
                          ("Vous avez un appel entrant", "[2:11] Vous avez un appel entrant")):
        assert text.count(said) == 1
        text = text.replace(said, written)
    path = tmp_path / "early.txt"
    path.write_text(text, encoding="utf-8")
    transcript = read_transcript(path)
    assert len(transcript.anchors) == 4
    calls = []
    search = engine._search
    monkeypatch.setattr(engine, "_search", lambda *a, **k: calls.append(k["pins"]) or search(*a, **k))
    with caplog.at_level("WARNING", logger="aligner"):
        result = align(transcript, speak(transcript), cepstra, audio_map)
    assert all(not c.ok and 20_000 <= c.delta_ms <= 30_000 for c in result.anchors)
    assert re.search(r"4 of the transcript's 4 timecodes are about 2[56] s earlier", caplog.text)
    assert 25_000 <= result.timecode_offset_ms <= 26_000
    tight = [sum(window * HOP_MS == AlignConfig().anchor_tolerance_ms for *_, window in pins) for pins in calls]
    assert 4 in tight and not any(0 < n < 4 for n in tight)


def test_no_more_anchors_are_retried_one_by_one_than_allowed(stages, tmp_path, monkeypatch):
    from aligner.align import engine

    _, _, cepstra, audio_map = stages
    text = SAMPLE_TEXT.read_text(encoding="utf-8").replace("[1:31]", "[1:06]")
    text = text.replace("Après le bip", "[0:21] Après le bip").replace("Vous avez un appel entrant", "[2:11] Vous avez un appel entrant")
    path = tmp_path / "early.txt"
    path.write_text(text, encoding="utf-8")
    transcript = read_transcript(path)
    calls = []
    search = engine._search
    monkeypatch.setattr(engine, "_search", lambda *a, **k: calls.append(k["pins"]) or search(*a, **k))
    config = AlignConfig(offset_min_anchors=99, max_anchor_retries=2, early_end_tail_gaps=())
    result = align(transcript, speak(transcript), cepstra, audio_map, config=config)
    assert sum(not c.ok for c in result.anchors) == 3  # all three off, each measured
    tight = [sum(window * HOP_MS == config.anchor_tolerance_ms for *_, window in pins) for pins in calls]
    assert tight.count(1) == 2 * (1 + config.phone_passes) and max(tight) == 1  # two retries, every pass each


def test_the_common_offset_is_the_timecodes_that_agree_among_those_far_off():
    from aligner.align.anchors import _common_offset

    config = AlignConfig()
    assert _common_offset([30_500, 31_000, 29_800, 45_000, 1_000], config) == {0, 1, 2}
    assert _common_offset([30_000, 31_000, 1_000], config) == set()  # two are not enough
    assert _common_offset([30_000, -30_000, 60_000, 90_000], config) == set()  # no two agree
    assert _common_offset([30_000, 31_000, 32_000, 90_000, 95_000, 99_000, 120_000], config) == set()  # not most


def test_a_turn_left_on_music_is_searched_for_further_off(stages, monkeypatch):
    """A turn mostly on music is misplaced: the phoneme passes run again with their first
    level looking 2 minutes further around it and its neighbours (kept when the turns
    match better)."""
    from aligner.align import engine

    transcript, spoken, cepstra, audio_map = stages
    widened = []
    search = engine._search
    monkeypatch.setattr(engine, "_search", lambda *a, **k: widened.append(k.get("widen")) or search(*a, **k))
    config = AlignConfig(anchor_retry_margin=None, replay_widen_ms=None)
    align(transcript, spoken, cepstra, audio_map, config=config)
    assert not any(widened)  # every turn on speech: no more search
    # a short turn between a sting and a jingle (156.7 to 160.2 s, the ninth), its speech called music
    wrong = _speech_called_music(audio_map, 156_600, 160_200)
    align(transcript, spoken, cepstra, wrong, config=config)
    assert ((7, 8, 9), config.music_turn_reach_ms // HOP_MS) in widened


def test_the_turns_after_a_replay_are_searched_for_further_off(stages, monkeypatch):
    """The phoneme passes look ``replay_widen_ms`` further for the turns after a replay
    (the sample's seventh to tenth, after its replay's URL): the first pass may lay them a
    turn further on, the replay taking the first one's talk. A search around misplaced
    turns widens those too, as far as it looks. (Neither timecodes nor the hypotheses
    after a replay weighed here: their passes around a path held to one more word do not
    widen.)"""
    from aligner.align import engine
    from aligner.align.dtw import NEG_DOT

    transcript, spoken, cepstra, audio_map = stages
    passes = []  # (a phoneme pass, how it widens)
    search = engine._search
    monkeypatch.setattr(engine, "_search",
                        lambda *a, **k: passes.append((k.get("metric") == NEG_DOT, k.get("widen"))) or search(*a, **k))
    config = AlignConfig(anchor_retry_margin=None, after_replay_margin=None)
    align(transcript, spoken, cepstra, audio_map, config=config)
    after = ((6, 7, 8, 9), config.replay_widen_ms // HOP_MS)
    assert {widen for phoneme, widen in passes if not phoneme} == {None}  # the first pass: the whole matrix
    assert {widen for phoneme, widen in passes if phoneme} == {after}
    passes.clear()
    align(transcript, spoken, cepstra, _speech_called_music(audio_map, 156_600, 160_200), config=config)
    assert (True, ((6, 7, 8, 9), config.music_turn_reach_ms // HOP_MS)) in passes
    passes.clear()
    align(transcript, spoken, cepstra, audio_map, config=dataclasses.replace(config, replay_widen_ms=None))
    assert {widen for _, widen in passes} == {None}


def test_the_blocks_after_replays_are_widened_within_the_transcript():
    from aligner.align.hypotheses import _with_after_replays

    config = AlignConfig(replay_widen_ms=60_000, replay_widen_turns=3)
    assert _with_after_replays(None, [2, 8], 10, config) == ((2, 3, 4, 8, 9), 6000)
    assert _with_after_replays(((0, 1), 12_000), [2], 10, config) == ((0, 1, 2, 3, 4), 12_000)
    assert _with_after_replays(((5,), 100), [2], 10, config) == ((2, 3, 4, 5), 6000)
    assert _with_after_replays(None, [], 10, config) is None
    off = dataclasses.replace(config, replay_widen_ms=None)
    assert _with_after_replays(((5,), 100), [2], 10, off) == ((5,), 100)


def test_a_turn_is_on_music_when_the_map_says_music_under_half_of_it_or_more(stages):
    from aligner.align.weigh import _on_music
    from aligner.align.model import TurnTiming

    *_, audio_map = stages
    # the sample's speech from 17 to 36 s, its 22-27 s called music
    wrong = _speech_called_music(audio_map, 22_000, 27_000)
    turns = (TurnTiming(0, "A", "x", 17_500, 21_000, 0.9, ()), TurnTiming(1, "A", "x", 22_000, 31_000, 0.9, ()),
             TurnTiming(2, "A", "x", 31_000, 35_000, 0.9, ()))
    assert _on_music(turns, wrong, 0.5) == [1]
    assert _on_music(turns, audio_map, 0.5) == []
    longer = turns[:1] + (TurnTiming(1, "A", "x", 22_000, 33_000, 0.9, ()),)
    assert _on_music(longer, wrong, 0.5) == []


def test_a_turn_squeezed_into_a_sliver_of_time_is_misplaced():
    from types import SimpleNamespace

    from aligner.align.weigh import _squeezed
    from aligner.align.model import TurnTiming

    # texts that take 3 s each to say, the recording's usual pace 1.5 times slower
    lengths = [4_500, 4_400, 10, 4_600, 1_000, 4_500, 4_550]
    blocks = [SimpleNamespace(end_frame=300)] * len(lengths)
    turns = tuple(TurnTiming(k, "A", "x", 10_000 * k, 10_000 * k + n, 0.8, ()) for k, n in enumerate(lengths))
    assert _squeezed(turns, blocks, 0.25) == [2, 4]  # 10 ms and 1 s where 4.5 s is usual
    assert _squeezed(turns, blocks, 0.1) == [2]
    assert _squeezed(turns[:2], blocks[:2], 0.25) == []


def test_a_squeezed_turn_and_its_neighbours_are_searched_for_further_off():
    from types import SimpleNamespace

    import numpy as np

    from aligner.align.hypotheses import _search_around_misplaced
    from aligner.align.model import TurnTiming
    from aligner.audiomap import SPEECH, AudioMap

    blocks = [SimpleNamespace(end_frame=300)] * 5
    turns = tuple(TurnTiming(k, "A", "x", 10_000 * k, 10_000 * k + 3_000, 0.8, ()) for k in range(5))
    squeezed = turns[:2] + (dataclasses.replace(turns[2], end_ms=turns[2].start_ms + 10),) + turns[3:]
    frames = 60_000 // HOP_MS
    speech = AudioMap(60_000, (), (), np.full(frames, SPEECH, np.int8), np.zeros(frames, np.float32),
                      np.zeros(frames, np.float32))
    config = AlignConfig()
    asked = []

    def place(confidence):
        return lambda widen: asked.append(widen) or tuple(dataclasses.replace(t, confidence=confidence) for t in turns)

    assert _search_around_misplaced(place(0.9), turns, blocks, speech, config) is turns
    assert asked == []  # every turn at its pace, on speech: no more search
    assert _search_around_misplaced(place(0.9), squeezed, blocks, speech, config)[2].end_ms == 23_000
    assert asked == [((1, 2, 3), config.music_turn_reach_ms // HOP_MS)]
    # its words a little worse matched than on the sliver, but at their pace: kept (the
    # sliver's turn reports a confidence of 0 once its length is weighed, a mean of 0.64)
    assert _search_around_misplaced(place(0.78), squeezed, blocks, speech, config)[2].end_ms == 23_000
    assert _search_around_misplaced(place(0.6), squeezed, blocks, speech, config) is squeezed  # matched worse
    # (the sliver's confidence of 0 makes it doubtful too: both off)
    off = dataclasses.replace(config, squeezed_turn_share=None, doubtful_turn_drop=None)
    assert _search_around_misplaced(place(0.9), squeezed, blocks, speech, off) is squeezed
    assert len(asked) == 3


def test_a_turn_left_on_a_jingle_is_held_at_the_talk_after_it_when_it_matches_better_there():
    """Turns 3 s long at their text's pace; turn 2 lies on a jingle (music from 20 to 27 s),
    talk resumes at 28 s. The alignment held with its first word at that onset is kept when
    the turns it moves match better there by more than the margin, and its pin returned.
    Only a turn with 5 s of music or more before that onset is tried."""
    from types import SimpleNamespace

    import numpy as np

    from aligner.align.hypotheses import _HELD_AT_ONSET, _try_past_music
    from aligner.align.model import TurnTiming
    from aligner.audiomap import MUSIC, SPEECH, AudioMap

    blocks = [SimpleNamespace(end_frame=300, turn=SimpleNamespace(line=k + 1, speaker="A")) for k in range(4)]
    turns = tuple(TurnTiming(k, "A", "x", 10_000 * k, 10_000 * k + 3_000, 0.8, ()) for k in range(4))
    on_jingle = turns[:2] + (dataclasses.replace(turns[2], start_ms=22_000, end_ms=25_000, confidence=0.7),) + turns[3:]
    frames = 50_000 // HOP_MS
    labels = np.full(frames, SPEECH, np.int8)
    labels[2000:2700] = MUSIC
    amap = AudioMap(50_000, (), (), labels, np.zeros(frames, np.float32), (labels == MUSIC).astype(np.float32))
    onsets = np.array([0, 1000, 2800, 3000])  # talk starts again at 28 s
    config = AlignConfig()
    asked = []

    def settled(confidence):  # turn 2 at the talk after the jingle
        there = dataclasses.replace(turns[2], start_ms=28_000, end_ms=31_000, confidence=confidence)
        return turns[:2] + (there,) + turns[3:]

    def weigh(confidence):
        return lambda extra: asked.append(extra) or settled(confidence)

    moved, pins = _try_past_music(weigh(0.8), on_jingle, blocks, amap, onsets, [], config)
    assert (moved[2].start_ms, pins) == (28_000, [(2, 0, 2800, _HELD_AT_ONSET)])
    assert asked == [[(2, 0, 2800, _HELD_AT_ONSET)]]
    # it stays: matching no better than the margin; its first word held by a timecode; talk
    # resuming further than the reach; the frames up to the onset mostly talk; a turn on
    # talk (not tried: nothing asked)
    assert _try_past_music(weigh(0.71), on_jingle, blocks, amap, onsets, [], config) == (on_jingle, [])
    assert len(asked) == 2
    assert _try_past_music(weigh(0.8), on_jingle, blocks, amap, onsets, [(2, 0, 2200, 50)], config) == (on_jingle, [])
    near = dataclasses.replace(config, past_music_reach_ms=5_000)
    assert _try_past_music(weigh(0.8), on_jingle, blocks, amap, onsets, [], near) == (on_jingle, [])
    # the next onset at 33 s (talk from 27 s on without a pause): 5 s of music of the 11 s
    # up to it
    assert _try_past_music(weigh(0.8), on_jingle, blocks, amap, np.array([0, 1000, 3300]), [], config)[1] == []
    # music from 21.5 to 25.5 s, talk again at 26 s: under 5 s of music up to the onset (a
    # loud bed under a short turn, which the map may label music), not tried
    bed = np.full(frames, SPEECH, np.int8)
    bed[2150:2550] = MUSIC
    under_bed = dataclasses.replace(amap, labels=bed)
    assert _try_past_music(weigh(0.8), on_jingle, blocks, under_bed, np.array([0, 1000, 2600]), [], config)[1] == []
    assert _try_past_music(weigh(0.8), settled(0.8), blocks, amap, onsets, [], config) == (settled(0.8), [])
    assert len(asked) == 2


def test_a_turn_laid_before_the_music_break_the_transcript_puts_before_it_is_held_at_the_talk_after_the_break():
    """Turns 3 s long at their text's pace; the transcript puts a music break before turn 2,
    but the alignment lays turn 2 at 14 s, straight after turn 1, and the map's 8 s of music
    (18 to 26 s) after it, talk resuming at 27 s. The alignment held with turn 2's first word
    at that onset is kept when the turns it moves match better there, and its pin returned.
    Only a turn with under 1 s of music between it and the turn before, and 2 s of music or
    more beginning within the reach after its start (a short jingle: 4 s), is tried; the
    hold is kept unless it matches worse by 0.02 or moves no turn, and passes over a voice
    inside the music. Speech over music between the turns (a voiced jingle) counts as music."""
    from types import SimpleNamespace

    from aligner.align.hypotheses import _HELD_AT_ONSET, _try_after_named_music
    from aligner.align.model import TurnTiming
    from aligner.audiomap import MUSIC, SPEECH, SPEECH_OVER_MUSIC, AudioMap

    blocks = [SimpleNamespace(end_frame=300, turn=SimpleNamespace(line=k + 1, speaker="A")) for k in range(4)]
    turns = tuple(TurnTiming(k, "A", "x", 10_000 * k, 10_000 * k + 3_000, 0.8, ()) for k in range(4))
    early = turns[:2] + (dataclasses.replace(turns[2], start_ms=14_000, end_ms=17_000),) + turns[3:]
    frames = 50_000 // HOP_MS

    def audio_map(*music: tuple[int, int]) -> AudioMap:
        labels = np.full(frames, SPEECH, np.int8)
        for a, b in music:
            labels[a:b] = MUSIC
        return AudioMap(50_000, (), (), labels, np.zeros(frames, np.float32), (labels == MUSIC).astype(np.float32))

    amap = audio_map((1800, 2600))
    onsets = np.array([0, 1000, 1400, 2700, 3000])  # talk starts again at 27 s
    config = AlignConfig()
    asked = []

    def settled(confidence):  # turn 2 at the talk after the break
        return early[:2] + (dataclasses.replace(early[2], start_ms=27_000, end_ms=30_000, confidence=confidence),) + early[3:]

    def weigh(confidence):
        return lambda extra: asked.append(extra) or settled(confidence)

    moved, pins = _try_after_named_music(weigh(0.81), early, blocks, amap, onsets, [], [2], [], config)
    assert (moved[2].start_ms, pins) == (27_000, [(2, 0, 2700, _HELD_AT_ONSET)])
    assert asked == [[(2, 0, 2700, _HELD_AT_ONSET)]]
    # a timecode's wide window that takes the onset does not keep it from being tried
    wide = [(2, 0, 1400, 15_000 // HOP_MS)]
    assert _try_after_named_music(weigh(0.81), early, blocks, amap, onsets, wide, [2], [], config)[0][2].start_ms == 27_000
    assert len(asked) == 2
    # kept matching a little worse there (the alignment in hand contradicts the transcript);
    # it stays matching worse by more than 0.02, or where the hold moves no turn
    assert _try_after_named_music(weigh(0.79), early, blocks, amap, onsets, [], [2], [], config)[0][2].start_ms == 27_000
    assert _try_after_named_music(weigh(0.77), early, blocks, amap, onsets, [], [2], [], config) == (early, [])
    def still(extra):  # the hold lays turn 2 where it was
        asked.append(extra)
        return early

    assert _try_after_named_music(still, early, blocks, amap, onsets, [], [2], [], config) == (early, [])
    assert len(asked) == 5
    # a voice inside the music (27 to 27.5 s heard as speech over music, a jingle's) is
    # passed over: held at the next onset, 30 s
    sung = audio_map((1800, 2600))
    sung.labels[2700:2750] = SPEECH_OVER_MUSIC
    _try_after_named_music(weigh(0.81), early, blocks, sung, onsets, [], [2], [], config)
    assert asked[-1] == [(2, 0, 3000, _HELD_AT_ONSET)] and len(asked) == 6
    # not tried: the transcript names no break before it; a pin holds its first word where it
    # is; the music beginning further than the reach after its start; the music under 2 s; 1 s
    # of music or more between it and the turn before already (the break where it is named)
    assert _try_after_named_music(weigh(0.81), early, blocks, amap, onsets, [], [], [], config) == (early, [])
    held = [(2, 0, 1400, 50)]
    assert _try_after_named_music(weigh(0.81), early, blocks, amap, onsets, held, [2], [], config) == (early, [])
    near = dataclasses.replace(config, named_break_reach_ms=3_000)
    assert _try_after_named_music(weigh(0.81), early, blocks, amap, onsets, [], [2], [], near) == (early, [])
    blip = audio_map((1800, 1950))
    assert _try_after_named_music(weigh(0.81), early, blocks, blip, onsets, [], [2], [], config) == (early, [])
    between = audio_map((1300, 1400), (1800, 2600))
    assert _try_after_named_music(weigh(0.81), early, blocks, between, onsets, [], [2], [], config) == (early, [])
    # ... a voiced jingle between them counts too: 1 s the map hears as speech over music
    voiced = audio_map((1800, 2600))
    voiced.labels[1300:1400] = SPEECH_OVER_MUSIC
    assert _try_after_named_music(weigh(0.81), early, blocks, voiced, onsets, [], [2], [], config) == (early, [])
    assert len(asked) == 6
    unvoiced = dataclasses.replace(config, named_break_voiced=False)
    assert _try_after_named_music(weigh(0.81), early, blocks, voiced, onsets, [], [2], [], unvoiced)[0][2].start_ms \
        == 27_000
    assert len(asked) == 7
    # a 4 s jingle (18 to 22 s), talk again at 27 s: tried
    jingle = audio_map((1800, 2200))
    moved, _ = _try_after_named_music(weigh(0.81), early, blocks, jingle, onsets, [], [2], [], config)
    assert moved[2].start_ms == 27_000 and len(asked) == 8


def test_a_turn_laid_after_the_music_the_transcript_puts_before_it_is_held_at_the_talk_after_that_music():
    """Turns 3 s long at their text's pace, 10 s apart; the transcript puts a jingle before
    turn 2 and nothing before turn 1. The alignment gives turn 1's talk to the gap and lays
    turn 1 on turn 2's (20 s), turn 2 on turn 3's talk, with the map's 6 s of music (13.5
    to 19.5 s) in the gap before turn 1. The alignment held with turn 2's first word at
    the talk after that music (20 s) is kept when the turns it moves match better there."""
    from types import SimpleNamespace

    from aligner.align.hypotheses import _HELD_AT_ONSET, _try_after_named_music
    from aligner.align.model import TurnTiming
    from aligner.audiomap import MUSIC, SPEECH, AudioMap

    blocks = [SimpleNamespace(end_frame=300, turn=SimpleNamespace(line=k + 1, speaker="A")) for k in range(5)]
    turns = tuple(TurnTiming(k, "A", "x", 10_000 * k, 10_000 * k + 3_000, 0.8, ()) for k in range(5))
    shifted = (turns[0], dataclasses.replace(turns[1], start_ms=20_000, end_ms=23_000),
               dataclasses.replace(turns[2], start_ms=30_000, end_ms=33_000),
               dataclasses.replace(turns[3], start_ms=34_000, end_ms=37_000), turns[4])
    frames = 50_000 // HOP_MS
    labels = np.full(frames, SPEECH, np.int8)
    labels[1350:1950] = MUSIC
    amap = AudioMap(50_000, (), (), labels, np.zeros(frames, np.float32), (labels == MUSIC).astype(np.float32))
    onsets = np.array([0, 1000, 2000, 3000, 4000])
    config = AlignConfig()
    asked = []

    def weigh(confidence):
        settled = turns[:2] + (dataclasses.replace(turns[2], confidence=confidence),) + turns[3:]
        return lambda extra: asked.append(extra) or settled

    moved, pins = _try_after_named_music(weigh(0.81), shifted, blocks, amap, onsets, [], [], [2], config)
    assert (moved[1].start_ms, moved[2].start_ms, pins) == (10_000, 20_000, [(2, 0, 2000, _HELD_AT_ONSET)])
    assert asked == [[(2, 0, 2000, _HELD_AT_ONSET)]]
    assert _try_after_named_music(weigh(0.7), shifted, blocks, amap, onsets, [], [], [2], config) == (shifted, [])
    assert len(asked) == 2
    # not tried: the transcript puts music before turn 1 too (the music lies where it is
    # named); the music in no gap before turn 1 (inside turn 0, laid longer)
    assert _try_after_named_music(weigh(0.81), shifted, blocks, amap, onsets, [], [], [1, 2], config) == (shifted, [])
    longer = (dataclasses.replace(turns[0], end_ms=19_800),) + shifted[1:]
    assert _try_after_named_music(weigh(0.81), longer, blocks, amap, onsets, [], [], [2], config) == (longer, [])
    assert len(asked) == 2
    # a turn that the first round held elsewhere (after a break named before it too, music
    # from 40 to 46 s) is not tried again in the second
    labels[4000:4600] = MUSIC
    both = dataclasses.replace(amap, labels=labels)
    later = shifted[:2] + (dataclasses.replace(shifted[2], start_ms=47_000, end_ms=50_000, confidence=0.9),) + shifted[3:]
    held = _try_after_named_music(lambda extra: asked.append(extra) or later, shifted, blocks, both,
                                  np.array([0, 1000, 2000, 3000, 4700]), [], [2], [2], config)
    assert held == (later, [(2, 0, 4700, _HELD_AT_ONSET)]) and asked[2:] == [[(2, 0, 4700, _HELD_AT_ONSET)]]


def test_a_run_of_turns_that_match_poorly_is_searched_for_further_off():
    """Turns whose words match the audio they lie on far worse than the turns' median (a
    text pulled into a replay that the transcript does not name) are searched around, as a
    squeezed turn is."""
    from types import SimpleNamespace

    import numpy as np

    from aligner.align.hypotheses import _search_around_misplaced
    from aligner.align.weigh import _doubtful
    from aligner.align.model import TurnTiming
    from aligner.audiomap import SPEECH, AudioMap

    confidences = [0.9, 0.88, 0.9, 0.6, 0.65, 0.9, 0.89, 0.8]  # median 0.885
    turns = tuple(TurnTiming(k, "A", "x", 10_000 * k, 10_000 * k + 3_000, c, ()) for k, c in enumerate(confidences))
    assert _doubtful(turns, 0.18) == [3, 4]
    assert _doubtful(turns, 0.05) == [3, 4, 7]
    assert _doubtful(turns, 0.3) == [] and _doubtful((), 0.1) == []

    blocks = [SimpleNamespace(end_frame=300)] * len(turns)  # each at its pace: none squeezed
    frames = 90_000 // HOP_MS
    speech = AudioMap(90_000, (), (), np.full(frames, SPEECH, np.int8), np.zeros(frames, np.float32),
                      np.zeros(frames, np.float32))
    config = dataclasses.replace(AlignConfig(), doubtful_turn_drop=0.18)
    asked = []
    better = tuple(dataclasses.replace(t, confidence=0.9) for t in turns)
    assert _search_around_misplaced(lambda widen: asked.append(widen) or better, turns, blocks, speech, config) is better
    assert asked == [((2, 3, 4, 5), config.music_turn_reach_ms // HOP_MS)]
    off = dataclasses.replace(config, doubtful_turn_drop=None)
    assert _search_around_misplaced(lambda widen: asked.append(widen) or better, turns, blocks, speech, off) is turns
    assert len(asked) == 1


@pytest.fixture(scope="module")
def two_anchors(tmp_path_factory):
    """The sample with a second timecode, 0:21 at a turn's first word (the first of them;
    the other, 1:31, titles a section), and a maker of turn timings: that turn where it is
    said, the first after the title at 1:31, the rest every 10 s."""
    from aligner.align.model import TurnTiming, WordTiming

    text = SAMPLE_TEXT.read_text(encoding="utf-8").replace("Après le bip", "[0:21] Après le bip")
    path = tmp_path_factory.mktemp("two") / "two.txt"
    path.write_text(text, encoding="utf-8")
    transcript = read_transcript(path)
    spoken = speak(transcript)
    first, title = transcript.anchors
    k0 = next(k for k, b in enumerate(spoken) if b.item == first.item)
    k1 = next(k for k, b in enumerate(spoken) if b.item > title.item)

    def turns(where_first: int, confidence: float, where_title: int = 91_000,
              title_confidence: float = 0.9) -> tuple[TurnTiming, ...]:
        def turn(k, b):
            start, conf = {k0: (where_first, confidence), k1: (where_title, title_confidence)}.get(k, (k * 10_000, 0.9))
            end = start + b.end_frame * HOP_MS
            return TurnTiming(b.item, b.turn.speaker, "x", start, end, conf, (WordTiming("x", start, end, conf, 10**6),))
        return tuple(turn(k, b) for k, b in enumerate(spoken))

    return transcript, spoken, turns, k0


def test_a_held_alignment_that_moves_a_turn_onto_music_must_match_clearly_better(stages, two_anchors):
    """The map says music where the anchor puts a turn: the anchor or the map is wrong, and
    the held alignment is kept only when it matches clearly better (a loud bed's speech
    called music: +0.13 on the sample; a shifted timecode obeyed onto a music break: +0.02)."""
    from aligner.align.anchors import _retry_anchors
    from aligner.align.weigh import _on_music

    *_, audio_map = stages
    transcript, spoken, turns, k0 = two_anchors
    # (the maker's turn before the one at 0:21 runs past 0:21: no music break between them,
    # which ``anchor_break_music_ms`` would weigh as text moved over music)
    config = AlignConfig(anchor_break_music_ms=None)
    free, held = turns(45_000, 0.88), turns(21_000, 0.92)  # the turn 24 s off its timecode; held there, +0.04
    assert _on_music(free, audio_map, 0.5) == _on_music(held, audio_map, 0.5) and k0 not in _on_music(held, audio_map, 0.5)
    place = lambda tail_gap, pins: held  # noqa: E731
    assert _retry_anchors(place, free, transcript, spoken, audio_map, config)[:2] == (held, {0})
    music = _speech_called_music(audio_map, held[k0].start_ms, held[k0].end_ms)
    assert _retry_anchors(place, free, transcript, spoken, music, config)[:2] == (free, set())
    clearly = dataclasses.replace(config, anchor_retry_music_margin=0.03)
    assert _retry_anchors(place, free, transcript, spoken, music, clearly)[:2] == (held, {0})
    # the turn on music where it was too (a short turn after a long break, laid inside it,
    # that a shifted timecode moves further into it): moved onto music all the same
    both = _speech_called_music(music, free[k0].start_ms, free[k0].end_ms)
    assert k0 in _on_music(free, both, 0.5) and k0 in _on_music(held, both, 0.5)
    assert _retry_anchors(place, free, transcript, spoken, both, config)[:2] == (free, set())


def test_a_held_alignment_that_puts_another_anchor_right_too_is_weighed_as_any_other(stages, two_anchors):
    """Both timecodes off, and the alignment held to one puts the other right too, moving a
    turn onto what the map calls music (a bed's speech): a wrong timecode does not set
    another right, so it is weighed with ``anchor_retry_margin`` (a fresh bed's two right
    timecodes, +0.012 and +0.019, were turned down)."""
    from aligner.align.anchors import _retry_anchors
    from aligner.align.weigh import _on_music

    *_, audio_map = stages
    transcript, spoken, turns, k0 = two_anchors
    config = AlignConfig(anchor_break_music_ms=None)
    free, held = turns(45_000, 0.88, 121_000), turns(21_000, 0.9, 91_000, 0.92)  # 24 and 30 s off; held, +0.02
    music = _speech_called_music(audio_map, held[k0].start_ms, held[k0].end_ms)
    assert k0 in _on_music(held, music, 0.5) and k0 not in _on_music(free, music, 0.5)
    retry = lambda other, cfg=config: _retry_anchors(  # noqa: E731
        lambda tail_gap, pins: other, free, transcript, spoken, music, cfg)[:2]
    assert retry(held) == (held, {0})
    assert retry(held, dataclasses.replace(config, anchor_corroborated=False)) == (free, set())
    # the other anchor left off (the title's turn where it was): onto music, not clearly better
    alone = turns(21_000, 0.9, 121_000, 0.92)
    assert retry(alone) == (free, set())


def test_a_held_alignment_is_weighed_on_the_turns_it_ends_elsewhere_too(stages, two_anchors):
    """A shifted timecode obeyed lays its turn on the end of the turn before, which it cuts
    short: that turn's loss counts too (``anchor_weigh_ends``), not only the gain of the
    turn whose start it moves."""
    from aligner.align.anchors import _retry_anchors
    from aligner.align.weigh import _gain_where_moved, _moved

    *_, audio_map = stages
    transcript, spoken, turns, k0 = two_anchors
    config = AlignConfig(anchor_break_music_ms=None)
    free = turns(45_000, 0.88)
    before = free[k0 - 1]
    # held: the turn at its timecode, 0.04 better there; the one before cut to end there, 0.2 worse
    cut = lambda t: dataclasses.replace(  # noqa: E731
        t, end_ms=21_000, confidence=0.7, words=(dataclasses.replace(t.words[0], end_ms=21_000, confidence=0.7),))
    held = tuple(cut(t) if k == k0 - 1 else t for k, t in enumerate(turns(21_000, 0.92)))
    assert before.start_ms < 21_000 < before.end_ms - 500
    assert _moved(free, held) == [k0] and _moved(free, held, at="end_ms") == [k0 - 1, k0]
    weight = config.retry_duration_weight
    assert _gain_where_moved(free, held, spoken, weight) > config.anchor_retry_margin
    assert _gain_where_moved(free, held, spoken, weight, ends=True) < 0
    retry = lambda cfg: _retry_anchors(lambda tail_gap, pins: held, free, transcript, spoken, audio_map, cfg)[:2]  # noqa: E731
    assert retry(config) == (free, set())
    assert retry(dataclasses.replace(config, anchor_weigh_ends=False)) == (held, {0})


def test_a_held_alignment_that_leaves_a_music_break_without_music_must_match_clearly_better(stages, two_anchors):
    """The text says music comes before the section the timecode opens: a held alignment
    that leaves no music between that turn and the one before, where the other had some,
    moves text over the break (a shifted timecode obeyed, the turn laid after the jingle
    that the text puts after it: +0.018), and is kept only when it matches clearly better,
    as one that moves a turn onto music."""
    from aligner.align.anchors import _retry_anchors, _unheard_breaks
    from aligner.align.directions import _after_directions, _MUSIC
    from aligner.audiomap import SPEECH

    *_, audio_map = stages
    transcript, spoken, turns, _ = two_anchors
    config = AlignConfig()
    k1 = next(k for k, b in enumerate(spoken) if b.item > transcript.anchors[1].item)  # the section's first turn
    free, held = turns(21_000, 0.9, 121_000), turns(21_000, 0.9, 91_000, 0.92)  # 30 s off; held, +0.02
    # no music but 1.5 s just before where the free alignment starts the section
    labels = np.where(audio_map.labels == MUSIC, SPEECH, audio_map.labels)
    labels[119_000 // HOP_MS:120_500 // HOP_MS] = MUSIC
    brief = dataclasses.replace(audio_map, labels=labels)
    after = _after_directions(transcript, spoken, _MUSIC)
    assert _unheard_breaks(held, after, brief, 1000) - _unheard_breaks(free, after, brief, 1000) == {k1}
    retry = lambda other, m=brief, cfg=config: _retry_anchors(  # noqa: E731
        lambda tail_gap, pins: other, free, transcript, spoken, m, cfg)[:2]
    assert retry(held) == (free, set())
    assert retry(turns(21_000, 0.9, 91_000, 0.96)) == (turns(21_000, 0.9, 91_000, 0.96), {1})  # +0.06
    assert retry(held, cfg=dataclasses.replace(config, anchor_break_music_ms=None)) == (held, {1})
    assert retry(held, cfg=dataclasses.replace(config, anchor_break_music_ms=2000)) == (held, {1})  # none had as much
    assert retry(held, audio_map) == (held, {1})  # the sample's break, in the gap of both


def test_a_music_break_is_unheard_with_under_a_second_of_music_between_its_turns(stages, two_anchors):
    from aligner.align.anchors import _unheard_breaks

    *_, audio_map = stages
    _, spoken, turns, k0 = two_anchors
    ending = lambda ms: tuple(  # noqa: E731 - the turn before the one at 0:21 ending at ``ms``
        dataclasses.replace(t, end_ms=ms) if k == k0 - 1 else t for k, t in enumerate(turns(21_000, 0.9)))
    everywhere = dataclasses.replace(audio_map, labels=np.full_like(audio_map.labels, MUSIC))
    assert _unheard_breaks(ending(19_000), [k0], everywhere, 1000) == set()
    assert _unheard_breaks(ending(20_500), [k0], everywhere, 1000) == {k0}  # 0.5 s of music
    assert _unheard_breaks(ending(21_500), [k0], everywhere, 1000) == {k0}
    left_out = tuple(dataclasses.replace(t, placed=False) if k == k0 else t for k, t in enumerate(ending(21_500)))
    assert _unheard_breaks(left_out, [k0], everywhere, 1000) == set()  # a turn not placed has no place to weigh


def test_an_anchor_a_little_too_far_off_is_held_when_the_text_matches_as_well_there(stages, two_anchors):
    """Between the tolerance and 10 s off, the audio cannot overrule the timecode: the
    alignment held to it is kept when it matches about as well, not only better (a loosely
    transcribed turn's words left 6 s adrift, a right timecode reported). From 10 s, it
    is a wrong timecode unless the held alignment matches better."""
    from aligner.align.anchors import _retry_anchors

    *_, audio_map = stages
    transcript, spoken, turns, k0 = two_anchors
    config = AlignConfig()
    near, held = turns(28_000, 0.9), turns(21_000, 0.895)  # 7 s off; held, 0.005 worse
    retry = lambda free, other, cfg=config: _retry_anchors(lambda tail_gap, pins: other, free, transcript, spoken,  # noqa: E731
                                                           audio_map, cfg)[:2]
    assert retry(near, held) == (held, {0})
    assert retry(near, turns(21_000, 0.88)) == (near, set())  # 0.02 worse: the audio says no
    assert retry(near, held, dataclasses.replace(config, anchor_near_retry_ms=None)) == (near, set())
    far = turns(36_000, 0.9)  # 15 s off: held, kept only when it matches better
    assert retry(far, held) == (far, set())
    assert retry(far, turns(21_000, 0.92)) == (turns(21_000, 0.92), {0})
    assert retry(turns(24_000, 0.9), held) == (turns(24_000, 0.9), set())  # within the tolerance: nothing to try
    asked = []  # held closer than the tolerance, with room for the word-edge rules
    _retry_anchors(lambda tail_gap, pins: asked.append(pins) or held, near, transcript, spoken, audio_map, config)
    assert [window * HOP_MS for *_, window in asked[0]] == [config.anchor_hold_ms, config.anchor_window_ms]


def test_an_anchor_after_music_where_the_map_has_talk_begin_is_held_when_the_text_matches_as_well_there(
        stages, two_anchors):
    """A timecode that opens a section the transcript puts after music, where the map has
    talk begin after music within 1.5 s of its time, is borne out by the audio: however far
    off the alignment put it, the alignment held to it is kept unless it matches clearly
    worse, by 0.05 (a right timecode 43 s off, the turn before laid on a voiced jingle
    instead: 0.005 worse, reported; another 98 s off, its loosely transcribed turn laid on a
    song's voice inside the music break: 0.019 worse, reported). Without such talk near it,
    it must match better, as any far timecode."""
    from aligner.align.anchors import _borne_out, _retry_anchors

    *_, audio_map = stages
    transcript, spoken, turns, _ = two_anchors
    config = AlignConfig()
    # the title at 1:31 after the music break, the map's talk back at 1:31.56; 0:21 opens a
    # turn after a musical comma too, but the map has no music end near it
    assert _borne_out(transcript, spoken, audio_map, config) == {1}
    assert _borne_out(transcript, spoken, audio_map, dataclasses.replace(config, anchor_after_music_ms=400)) == set()
    music = min((r for r in audio_map.regions if r.kind == "music"), key=lambda r: abs(r.end_ms - 91_000))
    unheard = dataclasses.replace(audio_map, regions=tuple(
        dataclasses.replace(r, kind="speech") if r is music else r for r in audio_map.regions))
    assert _borne_out(transcript, spoken, unheard, config) == set()

    far = turns(21_000, 0.9, 121_000)  # 30 s off
    retry = lambda other, m=audio_map, cfg=config: _retry_anchors(  # noqa: E731
        lambda tail_gap, pins: other, far, transcript, spoken, m, cfg)[:2]
    held = turns(21_000, 0.9, 91_000, 0.895)  # 0.005 worse
    assert retry(held) == (held, {1})
    assert retry(turns(21_000, 0.9, 91_000, 0.88)) == (turns(21_000, 0.9, 91_000, 0.88), {1})  # 0.02 worse
    assert retry(turns(21_000, 0.9, 91_000, 0.84)) == (far, set())  # 0.06 worse: the audio says no
    assert retry(held, unheard) == (far, set())
    assert retry(held, cfg=dataclasses.replace(config, anchor_after_music_ms=None)) == (far, set())


def test_only_an_anchor_at_the_start_of_a_turn_after_music_is_borne_out(stages, tmp_path):
    from aligner.align.anchors import _borne_out

    *_, audio_map = stages
    text = SAMPLE_TEXT.read_text(encoding="utf-8").replace("Partie 2 [1:31]", "Partie 2")
    found = []
    music = "Pause musicale : Un morceau par Un groupe."
    assert music in text
    for where, before in [("[1:31] La personne au poste", music), ("La personne [1:31] au poste", music),
                          ("[1:31] La personne au poste", "")]:  # the last after no music direction
        path = tmp_path / "moved.txt"
        path.write_text(text.replace("La personne au poste", where).replace(music, before), encoding="utf-8")
        transcript = read_transcript(path)
        found.append(_borne_out(transcript, speak(transcript), audio_map, AlignConfig()))
    assert found == [{0}, set(), set()]


def test_talk_after_music_begins_where_speech_follows_music_after_a_short_silence_at_most(stages):
    from aligner.align.anchors import _talk_after_music
    from aligner.audiomap import Region

    *_, audio_map = stages
    regions = lambda *kinds: dataclasses.replace(audio_map, regions=tuple(  # noqa: E731
        Region(a, b, kind, 1.0) for a, b, kind in kinds))
    assert list(_talk_after_music(regions((0, 5000, "music"), (5000, 6500, "silence"), (6500, 9000, "speech"),
                                          (9000, 12000, "music"), (12000, 13000, "speech_over_music")))) == [6500, 12000]
    assert not len(_talk_after_music(regions((0, 5000, "music"), (5000, 6000, "silence"), (6000, 9000, "music"))))
    assert not len(_talk_after_music(regions((0, 5000, "music"), (5000, 8000, "silence"), (8000, 9000, "speech"))))


def test_an_anchor_10_to_20_s_off_is_sieved_by_one_pass_then_decided_by_a_whole_alignment(stages, two_anchors):
    """One pass held from the first alignment's last one learnt its models on the unheld
    path, and they favour the held one when it moves text far: the sample's 1:31 written
    1:50 matched better by one pass (+0.015), worse by a whole alignment (-0.035). So from
    10 s off, one pass only sieves; a whole alignment decides. Under 10 s, one pass decides.
    Under 20 s, the held alignment moves no turn onto music, however much better it matches
    (a shifted timecode 12 s off, obeyed so at +0.079); further off, it matches clearly better."""
    from aligner.align.anchors import _retry_anchors

    *_, audio_map = stages
    transcript, spoken, turns, k0 = two_anchors
    # (the maker's turn before the one at 0:21 runs past 0:21: no music break between them,
    # which ``anchor_break_music_ms`` would weigh as text moved over music)
    config = AlignConfig(anchor_break_music_ms=None)
    asked = []

    def retry(free, by_one_pass, by_whole, audio_map=audio_map):
        asked.clear()
        return _retry_anchors(lambda tail_gap, pins: asked.append("whole") or by_whole, free, transcript, spoken,
                              audio_map, config,
                              hold_near=lambda current, pins: asked.append("one pass") or by_one_pass)[:2]

    far, better, worse = turns(36_000, 0.9), turns(21_000, 0.92), turns(21_000, 0.85)  # 15 s off; held, +0.02, -0.05
    assert retry(far, worse, better) == (far, set()) and asked == ["one pass"]
    assert retry(far, better, worse) == (far, set()) and asked == ["one pass", "whole"]
    assert retry(far, better, better) == (better, {0}) and asked == ["one pass", "whole"]
    near = turns(28_000, 0.9)  # 7 s off
    assert retry(near, better, worse) == (better, {0}) and asked == ["one pass"]
    assert retry(turns(46_000, 0.9), better, better) == (better, {0}) and asked == ["whole"]  # 25 s off
    music = _speech_called_music(audio_map, 21_000, 21_000 + spoken[k0].end_frame * HOP_MS)
    clearly = turns(21_000, 0.99)  # +0.09, the turn held onto music
    assert retry(far, clearly, clearly, music) == (far, set())
    assert retry(turns(46_000, 0.9), clearly, clearly, music) == (clearly, {0})


def test_a_one_pass_that_crushes_a_turn_it_moves_leaves_the_anchor_to_a_whole_alignment(stages, two_anchors):
    """One pass, weighing the phoneme models learnt along the unheld path, may hold a word
    far from where that path had it only by crushing the turn between: its loss then says
    little of the anchor, and a whole alignment
    decides, 10-20 s off and under 10 s alike (fresh episodes with voiced jingles: a turn
    held at its right timecode in a third of its time, 0.13 worse, and the timecode
    reported; whole, it holds there in its own time). Not when the turn was squeezed
    already, nor when the pass moves it onto music (a shifted timecode obeyed so)."""
    from aligner.align.anchors import _retry_anchors

    *_, audio_map = stages
    transcript, spoken, turns, k0 = two_anchors
    config = AlignConfig()
    asked = []

    def retry(free, by_one_pass, by_whole, config=config, audio_map=audio_map):
        asked.clear()
        return _retry_anchors(lambda tail_gap, pins: asked.append("whole") or by_whole, free, transcript, spoken,
                              audio_map, config,
                              hold_near=lambda current, pins: asked.append("one pass") or by_one_pass)[:2]

    def crushed(timings, share):
        t = timings[k0]
        return timings[:k0] + (dataclasses.replace(t, end_ms=t.start_ms + int(share * (t.end_ms - t.start_ms))),) \
            + timings[k0 + 1:]

    far, near = turns(36_000, 0.9), turns(28_000, 0.9)  # 15 s and 7 s off
    squeezed, better = crushed(turns(21_000, 0.8), 0.3), turns(21_000, 0.92)  # held: in 0.3 of its time; in its own
    assert retry(far, squeezed, better) == (better, {0}) and asked == ["one pass", "whole"]
    assert retry(near, squeezed, better) == (better, {0}) and asked == ["one pass", "whole"]
    assert retry(far, squeezed, turns(21_000, 0.85)) == (far, set()) and asked == ["one pass", "whole"]
    assert retry(far, crushed(turns(21_000, 0.8), 0.6), better) == (far, set()) and asked == ["one pass"]
    never = dataclasses.replace(config, anchor_cramped_share=None)
    assert retry(far, squeezed, better, never) == (far, set()) and asked == ["one pass"]
    assert retry(crushed(far, 0.4), squeezed, better) == (crushed(far, 0.4), set()) and asked == ["one pass"]
    music = _speech_called_music(audio_map, 21_000, 21_000 + spoken[k0].end_frame * HOP_MS)
    assert retry(far, squeezed, better, audio_map=music) == (far, set()) and asked == ["one pass"]


def test_a_timecode_a_little_off_as_the_others_are_is_not_held_for_matching_as_well(stages, two_anchors):
    """Timecodes off alike, written for another cut of the show, and not kept together: one
    a little off the same way is of that cut too, and is not held for matching as well (a
    90-minute episode's timecodes all written 15 s late: one the alignment put 8.8 s off
    was held, and so not flagged). One off the other way is still held."""
    from aligner.align.anchors import _retry_anchors

    *_, audio_map = stages
    transcript, spoken, turns, _ = two_anchors
    config = AlignConfig(offset_min_anchors=1)  # the title's timecode alone makes a group

    def retry(first_at: int):
        free = turns(first_at, 0.9, 107_000, 0.9)  # the title 16 s late
        alignments = {frozenset({1}): turns(first_at, 0.9, 91_000, 0.8),  # held to the title: worse
                      frozenset({0}): turns(21_000, 0.9, 107_000, 0.9)}  # held to the first: as well

        def place(tail_gap, pins):
            return alignments[frozenset(n for n, (*_, w) in enumerate(pins) if w * HOP_MS < config.anchor_window_ms)]
        return free, _retry_anchors(place, free, transcript, spoken, audio_map, config)

    free, (placed, kept, offset_seen, _) = retry(29_000)  # 8 s late, as the title
    assert (placed, kept, offset_seen) == (free, set(), True)
    _, (placed, kept, offset_seen, _) = retry(13_000)  # 8 s early
    assert (placed, kept, offset_seen) == (turns(21_000, 0.9, 107_000, 0.9), {0}, True)


def test_an_anchor_held_for_matching_as_well_is_weighed_as_such_again(stages, two_anchors):
    """A timecode 7 s off, held for matching as well, then one 30 s off, held for matching
    better: weighed again, the first stays held unless the text matches better without it."""
    from aligner.align.anchors import _retry_anchors

    *_, audio_map = stages
    transcript, spoken, turns, _ = two_anchors
    config = AlignConfig()
    alignments = {
        frozenset(): turns(28_000, 0.9, 121_000, 0.9),  # the first 7 s off, the title 30 s off
        frozenset({0}): turns(21_000, 0.895, 121_000, 0.9),  # 0.005 worse: as well
        frozenset({0, 1}): turns(21_000, 0.895, 91_000, 0.95),
        frozenset({1}): turns(28_000, 0.9, 91_000, 0.95),  # without the first: 0.005 better
    }

    windows = []

    def place(tail_gap, pins):
        windows.append([window * HOP_MS for *_, window in pins])
        return alignments[frozenset(n for n, (*_, window) in enumerate(pins) if window * HOP_MS < config.anchor_window_ms)]

    assert _retry_anchors(place, alignments[frozenset()], transcript, spoken, audio_map, config) == (
        alignments[frozenset({0, 1})], {0, 1}, False, {0})
    # the first held closer than the tolerance, then the second at it with the first still held so
    assert windows[:2] == [[config.anchor_hold_ms, config.anchor_window_ms], [config.anchor_hold_ms, config.anchor_tolerance_ms]]


def test_an_anchor_held_early_is_let_go_when_the_alignment_matches_as_well_without_it(two_anchors):
    """Anchors held one by one are weighed again against the final alignment: one held
    against an alignment that a later anchor then set right (a shifted timecode obeyed) is
    let go when the alignment without it puts it off and matches as well; one that holds
    the text better stays held, as does one the audio agrees with."""
    from aligner.align.anchors import _recheck_kept

    transcript, spoken, turns, _ = two_anchors
    config = AlignConfig()
    calls = []

    def place(held_first, free):
        def run(tail_gap, pins):
            held = {n for n, (*_, window) in enumerate(pins) if window * HOP_MS == config.anchor_tolerance_ms}
            calls.append(held)
            return held_first if 0 in held else free
        return run

    obeyed, free = turns(21_000, 0.7), turns(40_000, 0.9)  # the first timecode shifted: obeyed, it matches worse
    assert _recheck_kept(place(obeyed, free), obeyed, {0, 1}, set(), transcript, spoken, config) == (free, {1})
    assert calls == [{1}, set()]
    held, off = turns(21_000, 0.9), turns(40_000, 0.7)  # right: without it, the text matches worse
    assert _recheck_kept(place(held, off), held, {0, 1}, set(), transcript, spoken, config) == (held, {0, 1})
    calls.clear()
    assert _recheck_kept(place(obeyed, free), obeyed, {0}, {1}, transcript, spoken, config) == (obeyed, {0, 1})
    assert not calls  # one held alone: nothing to weigh it against
    # one kept a little beyond the tolerance for matching as well: let go only when the text
    # matches better without it
    close, adrift = turns(21_000, 0.9), turns(28_000, 0.905)
    assert _recheck_kept(place(close, adrift), close, {0, 1}, set(), transcript, spoken, config) == (adrift, {1})
    assert _recheck_kept(place(close, adrift), close, {0, 1}, set(), transcript, spoken, config,
                         near={0}) == (close, {0, 1})
    # ... and one that the audio bears out (``_borne_out``) only when it matches clearly
    # better without it, by 0.05
    assert _recheck_kept(place(close, adrift), close, {0, 1}, set(), transcript, spoken, config,
                         borne_out={0}) == (close, {0, 1})
    clearly = turns(28_000, 0.96)
    assert _recheck_kept(place(close, turns(28_000, 0.94)), close, {0, 1}, set(), transcript, spoken, config,
                         borne_out={0}) == (close, {0, 1})
    assert _recheck_kept(place(close, clearly), close, {0, 1}, set(), transcript, spoken, config,
                         borne_out={0}) == (clearly, {1})


def test_an_alignment_asked_for_again_with_the_same_settings_is_not_computed_again(stages, monkeypatch):
    """Rechecking the anchors held asks again for an alignment that the retries made (held
    to all but the last of them): it is placed once."""
    from aligner.align import engine

    transcript, spoken, cepstra, audio_map = stages
    placed, timings = [], engine._timings
    monkeypatch.setattr(engine, "_timings", lambda *a, **k: placed.append(1) or timings(*a, **k))

    def retry(place, turns, transcript, blocks, audio_map, config, hold_near=None):
        held = engine._pins(transcript, blocks, config, tight={0})
        first = place(config.tail_gap, held)
        assert place(config.tail_gap, held) is first
        assert place(config.tail_gap, list(held)) is first  # the same pins in a new list
        assert place(config.tail_gap, engine._pins(transcript, blocks, config)) is turns  # the first alignment's
        return first, {0}, False, set()

    monkeypatch.setattr(engine, "_retry_anchors", retry)
    config = AlignConfig(late_start_head_gap=None, early_end_tail_gaps=(), music_turn_reach_ms=0)
    align(transcript, spoken, cepstra, audio_map, config=config)
    assert len(placed) == 2


def test_the_gap_before_an_opened_turn_is_priced_as_before_a_named_replay():
    from aligner.align.engine import _opened
    from aligner.align.multilevel import Block

    config = AlignConfig()
    blocks = [Block(np.zeros((3, 2), np.float32), np.array([0]), gap, np.zeros(3, np.int32))
              for gap in [(1.0, 0.5, 1.0), (2.0, 1.0, 2.0), (0.2, 0.5, 0.3)]]
    assert _opened(blocks, (), config) is blocks
    opened = _opened(blocks, (1, 2), config)
    replay = config.replay_gap_on_speech
    assert opened[0] is blocks[0]
    assert opened[1].gap_scale == (replay, 0.5, replay)
    assert opened[2].gap_scale == (0.2, 0.5, 0.3)  # already cheaper: kept


def _stretched_run():
    """Ten turns 10 s apart, each said in 3 s by eSpeak; turns 4 and 5 match poorly and
    last twice their text's time (laid over talk that is not theirs), 3 a little less so."""
    from types import SimpleNamespace

    from aligner.align.model import TurnTiming

    shape = {3: (0.8, 5_000), 4: (0.55, 6_500), 5: (0.6, 6_000)}
    turns = tuple(TurnTiming(k, "A", "x", 10_000 * k, 10_000 * k + shape.get(k, (0.9, 3_000))[1],
                             shape.get(k, (0.9, 3_000))[0], ()) for k in range(10))
    return turns, [SimpleNamespace(end_frame=300, turn=SimpleNamespace(line=2 * k + 1, end_line=2 * k + 1)) for k in range(len(turns))]


def test_untranscribed_talk_is_tried_before_the_run_of_stretched_turns_that_match_worst(caplog):
    from aligner.align.hypotheses import _try_unnamed_replay

    turns, blocks = _stretched_run()
    config = dataclasses.replace(AlignConfig(), unnamed_replay_drop=0.12)
    asked = []
    better = tuple(dataclasses.replace(t, confidence=0.9, end_ms=t.start_ms + 3_000) for t in turns)
    moved = tuple(dataclasses.replace(t, start_ms=t.start_ms + (2_000 if k in (3, 4, 5) else 0))
                  for k, t in enumerate(better))
    with caplog.at_level(logging.INFO, logger="aligner.align"):
        assert _try_unnamed_replay(lambda opened: asked.append(opened) or moved, turns, blocks, config) is moved
    # the worst is 4; 3 before it and 5 after it match poorly too and are stretched: the gaps
    # before 3 and after 5 open
    assert asked == [(3, 6)]
    assert "leaves out near lines 7-11" in caplog.text
    worse = tuple(dataclasses.replace(t, start_ms=t.start_ms + 2_000, confidence=0.5) if k == 4 else t
                  for k, t in enumerate(turns))
    assert _try_unnamed_replay(lambda opened: worse, turns, blocks, config) is turns  # kept only when better
    strict = dataclasses.replace(config, unnamed_replay_drop=0.6)
    assert _try_unnamed_replay(lambda opened: asked.append(opened) or moved, turns, blocks, strict) is turns
    assert len(asked) == 1  # no turn that poor: not tried


def test_untranscribed_talk_is_looked_for_only_where_the_transcript_names_no_replay_and_no_music(stages, monkeypatch,
                                                                                                  tmp_path):
    from aligner.align import engine

    transcript, spoken, cepstra, audio_map = stages
    tried = []
    monkeypatch.setattr(engine, "_try_unnamed_replay", lambda place, turns, *a: tried.append(len(turns)) or turns)
    align(transcript, spoken, cepstra, audio_map)
    assert tried == []  # the sample names its music and its replay
    bare = tmp_path / "bare.txt"
    lines = SAMPLE_TEXT.read_text(encoding="utf-8").splitlines()
    bare.write_text("\n".join(x for x in lines if not x.startswith(("[", "https:", "Pause musicale"))), encoding="utf-8")
    undirected = read_transcript(bare)
    align(undirected, speak(undirected), cepstra, audio_map)
    assert tried == [len(spoken)]
    align(undirected, speak(undirected), cepstra, audio_map, config=AlignConfig(unnamed_replay_drop=None))
    assert len(tried) == 1



def _after_two_replays():
    """Four turns, each said in 3 s by eSpeak: A, a replay, B, a jingle, C, a replay, D. B and D last
    2 s where the path put them (faster than usual); talk begins 3 s before each of them."""
    from types import SimpleNamespace

    from aligner.align.model import TurnTiming
    from aligner.transcript.model import Direction, DirectionKind, Transcript, Turn

    replay = Direction(DirectionKind.REPLAY, "https://example.org/r", 0)
    jingle = Direction(DirectionKind.JINGLE, "[Jingle]", 0)
    items = (Turn("A", "x", 1, 1), replay, Turn("B", "x", 3, 3), jingle, Turn("C", "x", 5, 5), replay,
             Turn("D", "x", 7, 7))
    transcript = Transcript(format="wiki", items=items)
    blocks = [SimpleNamespace(item=i, end_frame=300, turn=items[i]) for i in (0, 2, 4, 6)]
    spans = [(0, 3_000), (50_000, 52_000), (53_000, 56_000), (90_000, 92_000)]
    turns = tuple(TurnTiming(b.item, b.turn.speaker, "x", s, e, 0.7, ()) for b, (s, e) in zip(blocks, spans))
    onsets = np.array([0, 20_000, 47_000, 50_000, 53_000, 87_000, 90_000]) // HOP_MS
    return transcript, blocks, turns, onsets


def test_a_turn_after_a_replay_is_tried_one_stretch_of_talk_earlier_and_held_there_when_it_matches_better(caplog):
    from aligner.align.hypotheses import _try_earlier_after_gap

    transcript, blocks, turns, onsets = _after_two_replays()
    config = AlignConfig()
    pin_b, pin_d = (1, 0, 4_700, 15), (3, 0, 8_700, 15)

    def earlier(extra, gains):  # the turns held as ``extra`` asks start 3 s sooner, their words matching better by ``gains``
        return tuple(dataclasses.replace(t, start_ms=t.start_ms - 3_000, confidence=t.confidence + gains[k])
                     if any(k == pin[0] for pin in extra) else t for k, t in enumerate(turns))

    asked = []
    with caplog.at_level(logging.INFO, logger="aligner.align"):
        held = _try_earlier_after_gap(lambda extra: asked.append(extra) or earlier(extra, {1: 0.1, 3: 0.1}),
                                      turns, transcript, blocks, onsets, [], config)
    # both tried at the last onset before their start, not at the one they start on
    assert asked == [[pin_b, pin_d]]
    assert held == [pin_b, pin_d]
    assert "line 3 (B): starts earlier" in caplog.text and "line 7 (D)" in caplog.text
    # B matches no better there: D alone is held
    held = _try_earlier_after_gap(lambda extra: earlier(extra, {1: 0.0, 3: 0.1}), turns, transcript, blocks,
                                  onsets, [], config)
    assert held == [pin_d]
    # 0.055 better by their words, but 5 s for 3 s of text strays further from the usual
    # pace (the gain reported 0.044): neither is held
    assert _try_earlier_after_gap(lambda extra: earlier(extra, {1: 0.055, 3: 0.055}), turns, transcript, blocks,
                                  onsets, [], config) == []
    # an anchor on D's first word: D is not tried; one further in its text does not stop it
    asked.clear()
    for anchor in [(3, 0, 9_000, 500), (3, 2, 9_100, 500)]:
        _try_earlier_after_gap(lambda extra: asked.append(extra) or turns, turns, transcript, blocks, onsets,
                               [anchor], config)
    assert asked == [[pin_b], [pin_b, pin_d]]


def test_a_turn_after_a_replay_is_tried_further_back_onset_by_onset_and_held_at_the_furthest_that_matches_better():
    """B's talk began at 44 s, 47 s and 49 s (onsets before its start at 50 s; the one at
    41 s lies beyond the reach), D's at 87 s only. A pass for each onset back, three asked
    for: B and D at the nearest, then B alone at each further one. B is held at the
    furthest onset where its words match better by the margin than where it is and than at
    every nearer onset; D where it matches better."""
    from aligner.align.hypotheses import _try_earlier_after_gap

    transcript, blocks, turns, _ = _after_two_replays()
    onsets = np.array([0, 20_000, 41_000, 44_000, 47_000, 49_000, 50_000, 53_000, 87_000, 90_000]) // HOP_MS
    config = AlignConfig(after_replay_onsets=3)
    asked = []

    def weigh(gains):  # the turns held as ``extra`` asks match better by ``gains[frame]``, where they were
        def held(extra):
            asked.append(extra)
            at = {pin[0]: pin[2] for pin in extra}
            return tuple(dataclasses.replace(t, confidence=t.confidence + gains.get(at[k], 0.0)) if k in at else t
                         for k, t in enumerate(turns))
        return held

    def tried(gains, cfg=config):
        return _try_earlier_after_gap(weigh(gains), turns, transcript, blocks, onsets, [], cfg)

    assert tried({4_900: 0.1, 4_700: 0.16, 4_400: 0.01, 8_700: 0.1}) == [(1, 0, 4_700, 15), (3, 0, 8_700, 15)]
    assert asked == [[(1, 0, 4_900, 15), (3, 0, 8_700, 15)], [(1, 0, 4_700, 15)], [(1, 0, 4_400, 15)]]
    # two back better than where it is, but not than one back by the margin: held one back
    assert tried({4_900: 0.1, 4_700: 0.14}) == [(1, 0, 4_900, 15)]
    # no better one back, better three back: held three back
    assert tried({4_900: 0.01, 4_700: 0.01, 4_400: 0.1}) == [(1, 0, 4_400, 15)]
    # 0.04 one back, 0.08 two back: neither clears the margin over the other and where it is
    assert tried({4_900: 0.04, 4_700: 0.08}) == []
    assert tried({}) == []
    # two back at most by default: three back is not tried
    asked.clear()
    assert tried({4_900: 0.01, 4_700: 0.01, 4_400: 0.1}, AlignConfig()) == []
    assert asked == [[(1, 0, 4_900, 15), (3, 0, 8_700, 15)], [(1, 0, 4_700, 15)]]
    # one onset back only, when that is all that is asked
    asked.clear()
    assert tried({4_900: 0.01, 4_700: 0.1, 8_700: 0.1}, dataclasses.replace(config, after_replay_onsets=1)) == [
        (3, 0, 8_700, 15)]
    assert asked == [[(1, 0, 4_900, 15), (3, 0, 8_700, 15)]]


def test_a_turn_after_a_replay_is_tried_earlier_at_any_pace_unless_one_is_asked_but_not_with_no_talk_of_its_own_before_it():
    from aligner.align.hypotheses import _try_earlier_after_gap
    from aligner.transcript.model import Direction, DirectionKind

    transcript, blocks, turns, onsets = _after_two_replays()
    config = AlignConfig()
    asked = []

    def weigh(extra):
        asked.append(extra)
        return turns

    # 3 s for 3 s of text: their usual pace. Tried all the same, at the last onset before each
    usual = tuple(dataclasses.replace(t, start_ms=t.end_ms - 3_000) for t in turns)
    assert _try_earlier_after_gap(weigh, usual, transcript, blocks, onsets, [], config) == []
    assert asked == [[(1, 0, 4_700, 15), (3, 0, 8_700, 15)]]
    # ... unless only the turns faster than usual are asked for
    asked.clear()
    assert _try_earlier_after_gap(weigh, usual, transcript, blocks, onsets, [],
                                  dataclasses.replace(config, after_replay_pace=-0.1)) == []
    assert asked == []
    # the talk before B began 9 s before it: beyond the reach, unless it is wider
    far = np.array([0, 4_100, 5_000, 9_000])
    _try_earlier_after_gap(weigh, turns, transcript, blocks, far, [], config)
    assert asked == []
    _try_earlier_after_gap(weigh, turns, transcript, blocks, far, [],
                           dataclasses.replace(config, after_replay_reach_ms=10_000))
    assert asked == [[(1, 0, 4_100, 15)]]
    # C runs on to 88 s: the talk from 87 s is C's, not D's
    long_c = tuple(dataclasses.replace(t, end_ms=88_000) if k == 2 else t for k, t in enumerate(turns))
    _try_earlier_after_gap(weigh, long_c, transcript, blocks, onsets, [], config)
    assert asked[-1] == [(1, 0, 4_700, 15)]
    # C, after a jingle: tried too once talk begins between B's end and C's start (a short
    # first utterance after the jingle, at 52.5 s); above, the jingle ran on to C's start
    _try_earlier_after_gap(weigh, turns, transcript, blocks, np.array([0, 4_700, 5_000, 5_250, 5_300, 8_700, 9_000]),
                           [], dataclasses.replace(config, after_replay_pace=1.0))
    assert asked[-1] == [(1, 0, 4_700, 15), (2, 0, 5_250, 15), (3, 0, 8_700, 15)]
    # ... but not where the direction between B and C names neither music nor a replay
    applause = Direction(DirectionKind.OTHER, "[Applaudissements]", 0)
    plain = dataclasses.replace(transcript, items=tuple(applause if getattr(i, "kind", None) == DirectionKind.JINGLE
                                                        else i for i in transcript.items))
    _try_earlier_after_gap(weigh, turns, plain, blocks, np.array([0, 4_700, 5_000, 5_250, 5_300, 8_700, 9_000]),
                           [], dataclasses.replace(config, after_replay_pace=1.0))
    assert asked[-1] == [(1, 0, 4_700, 15), (3, 0, 8_700, 15)]


def test_a_turn_after_a_replay_laid_inside_music_is_tried_at_the_talk_before_that_music():
    """D, after a replay, starts at 90 s, inside music from 70 s to 95 s (a music break after
    it, whose last seconds the path laid D's words on, D's own talk given to the replay's
    gap); its talk began at 66 s, 24 s before its start, beyond the reach. With the music
    the reach counts from where the music began: D is tried at 66 s. Without it, or with
    the music ending before D's start, D is not tried."""
    from aligner.align.hypotheses import _try_earlier_after_gap

    transcript, blocks, turns, _ = _after_two_replays()
    onsets = np.array([0, 20_000, 47_000, 50_000, 53_000, 66_000]) // HOP_MS
    music = np.zeros(10_000, bool)
    music[7_000:9_500] = True
    asked = []

    def weigh(extra):
        asked.append(extra)
        return turns

    _try_earlier_after_gap(weigh, turns, transcript, blocks, onsets, [], AlignConfig(), music)
    assert asked == [[(1, 0, 4_700, 15), (3, 0, 6_600, 15)]]
    _try_earlier_after_gap(weigh, turns, transcript, blocks, onsets, [], AlignConfig())
    assert asked[-1] == [(1, 0, 4_700, 15)]
    music[8_900:] = False
    _try_earlier_after_gap(weigh, turns, transcript, blocks, onsets, [], AlignConfig(), music)
    assert asked[-1] == [(1, 0, 4_700, 15)]


def _first_after_the_replay(transcript, spoken) -> int:
    """The first block that the sample's replay (its URL line) comes before."""
    from aligner.align.directions import _after_directions
    from aligner.transcript.model import DirectionKind

    return _after_directions(transcript, list(spoken), {DirectionKind.REPLAY})[0]


def test_turns_after_a_replay_are_weighed_settled_by_one_pass_and_held_from_then_on(stages, monkeypatch):
    from aligner.align import engine, turn_edges

    transcript, spoken, cepstra, audio_map = stages
    seen, weighs, settled, pinned = [], [], [], []
    # the last of the last steps
    monkeypatch.setattr(turn_edges, "before_left_out_talk", lambda turns, *a: settled.append(turns) or turns)
    monkeypatch.setattr(engine, "_try_earlier_after_gap",
                        lambda weigh, turns, *a: seen.append(turns) or weighs.append(weigh) or [])
    align(transcript, spoken, cepstra, audio_map)
    assert len(seen) == 1 and seen[0] is settled[0]  # the turns as the last steps leave them
    weighed = weighs[0]([])  # the hypothesis (held nowhere more here): settled too
    assert weighed is settled[-1]
    # held from then on: every later alignment holds the pin it returns (here the first
    # turn after the sample's replay, at its own start, matching as well)
    k = _first_after_the_replay(transcript, spoken)
    pin = (k, 0, seen[0][k].start_ms // HOP_MS, 15)
    monkeypatch.setattr(engine, "_try_earlier_after_gap", lambda *a: [pin])
    original = engine._search
    monkeypatch.setattr(engine, "_search", lambda *a, pins, **kw: pinned.append(list(pins)) or original(*a, pins=pins, **kw))
    align(transcript, spoken, cepstra, audio_map, config=AlignConfig(late_start_head_gap=None))
    held_from = next(i for i, p in enumerate(pinned) if pin in p)
    assert held_from > 0 and all(pin in p for p in pinned[held_from:])
    seen.clear()
    monkeypatch.setattr(engine, "_try_earlier_after_gap", lambda weigh, turns, *a: seen.append(turns) or [])
    align(transcript, spoken, cepstra, audio_map, config=AlignConfig(after_replay_margin=None))
    assert seen == []  # not tried


def test_a_pass_around_the_last_path_keeps_the_timings_of_the_turns_it_leaves_alike(stages, monkeypatch):
    from aligner.align import engine
    from aligner.align import timings as path_timings

    transcript, spoken, cepstra, audio_map = stages
    k = _first_after_the_replay(transcript, spoken)
    checked, made = [], []
    timings, turn_timing = engine._timings, path_timings._turn_timing
    monkeypatch.setattr(path_timings, "_turn_timing", lambda *a, **kw: made.append(a[0].item) or turn_timing(*a, **kw))

    def both(blocks, rows, pi, pj, real, metric, audio_map, config, memo=None, talk=None):
        had = bool(memo)
        made.clear()
        kept = timings(blocks, rows, pi, pj, real, metric, audio_map, config, memo, talk)
        redone = len(made)
        assert kept == timings(blocks, rows, pi, pj, real, metric, audio_map, config)  # what it computes anew
        checked.append((had, redone, len(blocks)))
        return kept

    monkeypatch.setattr(engine, "_timings", both)
    # the turn after the replay held 2 s later: one pass around the last path moves it
    monkeypatch.setattr(engine, "_try_earlier_after_gap",
                        lambda weigh, turns, *a: weigh([(k, 0, turns[k].start_ms // HOP_MS + 200, 15)]) and [])
    align(transcript, spoken, cepstra, audio_map)
    assert checked[0][0] is False and checked[0][1] == checked[0][2]  # the first alignment: every turn
    # the pass around it: the turns it moved, not the others (a whole alignment, over other
    # log-probabilities, computes every turn)
    assert any(had and 0 < redone < n for had, redone, n in checked[1:])


def test_a_held_pass_is_free_around_its_new_pin_and_local_only_when_it_comes_back_inside():
    from aligner.align.engine import _followed, _rejoined
    from aligner.align.multilevel import Block, build_rows

    rows = build_rows([Block(np.zeros((40, 2), np.float32), np.array([0, 10, 20, 30]))], 1)
    m = len(rows.kinds)
    pi, pj = np.arange(m), 100 + 4 * np.arange(m)  # each row on one column, 4 apart
    around = (rows, pi, pj)
    word = int(rows.word_rows[0][2])
    now = int(pj[word])
    assert _followed(around, set(), 400, 20) is None  # no new pin: nothing to free
    follow = _followed(around, {(0, 2, now + 30, 5)}, 400, 20)  # the word held 30 frames later
    assert np.flatnonzero(~follow).tolist() == list(range(now - 20, now + 30 + 5 + 20))

    def moved(lo: int, hi: int, by: int = 15):
        cols = pj.copy()
        cols[(pj >= lo) & (pj < hi)] += by
        return (rows, pi, np.maximum.accumulate(cols))

    assert _rejoined(around, around, follow, 10)
    assert _rejoined(around, moved(now, now + 10), follow, 10)  # back on the path well inside
    assert not _rejoined(around, moved(now - 20, now), follow, 10)  # moved up to where it follows
    assert _rejoined(around, moved(now, now + 10, by=5), follow, 10)  # 5 frames: not moved


def test_a_kept_path_does_not_keep_its_rows_features_alive():
    """The passes kept for later hypotheses hold their rows without features: those are
    let go (28 MB a phoneme pass at 90 minutes), not kept whole behind an empty slice."""
    import gc
    import weakref

    from aligner.align.engine import _light
    from aligner.align.multilevel import Block, build_rows

    rows = build_rows([Block(np.ones((40, 3), np.float32), np.array([0, 10, 20, 30]))], 1)
    features = weakref.ref(rows.features)
    light = _light(rows)
    assert light.features.shape == (0, 3) and light.features.dtype == np.float32
    assert np.array_equal(light.kinds, rows.kinds) and light.word_rows == rows.word_rows
    del rows
    gc.collect()
    assert features() is None


def test_a_whole_alignment_lets_go_of_the_first_ones_log_probabilities_and_they_are_learnt_again_alike(
        stages, monkeypatch, tmp_path, caplog):
    """A timecode 40 s off is retried by a whole alignment, which learns its own
    log-probabilities while the first alignment's are let go (100 MB an hour at the peak);
    the pass held after a replay then weighs against the first ones learnt again from their
    path: the same numbers. No phoneme pass keeps the features of the rows it looks around
    (28 MB at 90 minutes)."""
    import gc
    import weakref

    from aligner.align import engine

    _, spoken, cepstra, audio_map = stages
    shifted = tmp_path / "shifted.txt"
    shifted.write_text(SAMPLE_TEXT.read_text(encoding="utf-8").replace("[1:31]", "[0:51]"), encoding="utf-8")
    transcript = read_transcript(shifted)
    k = _first_after_the_replay(transcript, spoken)
    made, alive_in_whole = [], []
    heard, search = engine._heard, engine._search

    def heard_spy(*a, **kw):
        out = heard(*a, **kw)
        relearnt = any("learnt again" in r.getMessage() for r in caplog.records)
        made.append((relearnt, weakref.ref(out), out.copy()))
        return out

    def search_spy(*a, **kw):
        if kw.get("around") is not None:  # a phoneme pass looks around a path, not at its rows' features
            assert kw["around"][0].features.size == 0
        if kw.get("around") is not None and len(made) > 2 and not made[-1][0]:  # a later whole alignment's pass
            gc.collect()
            alive_in_whole.append(made[1][1]() is not None)
        return search(*a, **kw)

    monkeypatch.setattr(engine, "_heard", heard_spy)
    monkeypatch.setattr(engine, "_search", search_spy)
    monkeypatch.setattr(engine, "_try_earlier_after_gap",  # the turn after the replay weighed 2 s later
                        lambda weigh, turns, *a: weigh([(k, 0, turns[k].start_ms // HOP_MS + 200, 15)]) and [])
    with caplog.at_level(logging.DEBUG, logger="aligner.align"):
        align(transcript, spoken, cepstra, audio_map)
    assert alive_in_whole and not any(alive_in_whole)  # the first alignment's last ones: let go meanwhile
    assert sum("learnt again" in r.getMessage() for r in caplog.records) == 1
    relearnt = next(copy for again, _, copy in made if again)  # (those after it: later whole alignments')
    assert np.array_equal(relearnt, made[1][2])


def test_the_one_pass_retry_free_only_around_its_anchor_weighs_as_the_pass_free_everywhere(stages, monkeypatch,
                                                                                            tmp_path, caplog):
    from aligner.align import engine

    _, spoken, cepstra, audio_map = stages
    shifted = tmp_path / "shifted.txt"
    shifted.write_text(SAMPLE_TEXT.read_text(encoding="utf-8").replace("[1:31]", "[1:38]"), encoding="utf-8")
    transcript = read_transcript(shifted)  # 7 s late: sieved by one pass
    follows = []
    search = engine._search
    monkeypatch.setattr(engine, "_search", lambda *a, **k: follows.append(k.get("follow")) or search(*a, **k))
    weighed = {}
    for reach in (2.0, None):
        follows.clear(), caplog.clear()
        with caplog.at_level(logging.DEBUG, logger="aligner.align"):
            align(transcript, spoken, cepstra, audio_map,
                  config=AlignConfig(late_start_head_gap=None, early_end_tail_gaps=(), hold_free_reach=reach,
                                     after_replay_margin=None))
        (line,) = [r.getMessage() for r in caplog.records if "held by one pass" in r.getMessage()]
        weighed[reach] = line
        held = [f for f in follows if f is not None]
        assert len(held) == (reach is not None)
        if held:  # free only from a minute before where the path has the word to a minute after the timecode
            free = np.flatnonzero(~held[0]) * HOP_MS
            reach = 2 * AlignConfig().phone_radius_ms[0]
            assert abs(free[0] - (91_560 - reach)) < 1000 and abs(free[-1] - (98_000 + reach)) < 5000
            assert np.all(np.diff(free) == HOP_MS)
    assert weighed[2.0] == weighed[None]


def test_the_search_around_a_misplaced_turn_does_not_make_its_first_pass_again(stages, monkeypatch):
    """The search runs the phoneme passes again from the first pass of the alignment it
    starts from: that pass is kept, not made a second time for the same settings."""
    from aligner.align import engine

    transcript, spoken, cepstra, audio_map = stages
    firsts, widened = [], []
    search = engine._search

    def spy(blocks, cols, quiet, nonspeech, settings, **k):
        if k.get("around") is None:
            firsts.append((settings.tail_gap, tuple(k["pins"]), tuple(tuple(b.gap_scale) for b in blocks)))
        widened.append(k.get("widen"))
        return search(blocks, cols, quiet, nonspeech, settings, **k)

    monkeypatch.setattr(engine, "_search", spy)
    wrong = _speech_called_music(audio_map, 156_600, 160_200)  # as above: the ninth turn's speech called music
    align(transcript, spoken, cepstra, wrong, config=AlignConfig(anchor_retry_margin=None))
    assert any(widened)
    assert len(firsts) == len(set(firsts))


def test_music_laid_in_an_earlier_gap_goes_back_before_the_turn_the_transcript_puts_after_it():
    """Turns 3 s long at their text's pace, 10 s apart; the transcript names a replay before
    turn 1 and music before turn 3, none before turn 2. The first alignment gives the
    replay's gap turn 1's talk and lays turns 1-3 one turn late, the map's 6 s of music
    (23.5 to 29.5 s) in the gap before turn 2 and none before turn 3 (on turn 4's talk).
    The alignment held with turn 3's first word at the talk after that music (30 s) is kept
    when the turns it moves match better there."""
    from types import SimpleNamespace

    from aligner.align.hypotheses import _HELD_AT_ONSET, _try_music_in_earlier_gap
    from aligner.align.model import TurnTiming
    from aligner.audiomap import MUSIC, SPEECH, AudioMap

    blocks = [SimpleNamespace(end_frame=300, turn=SimpleNamespace(line=k + 1, speaker="A")) for k in range(6)]
    turns = tuple(TurnTiming(k, "A", "x", 10_000 * k, 10_000 * k + 3_000, 0.8, ()) for k in range(6))
    late = (turns[0], *(dataclasses.replace(t, start_ms=t.start_ms + 10_000, end_ms=t.end_ms + 10_000)
                        for t in turns[1:4]), dataclasses.replace(turns[4], start_ms=44_000, end_ms=47_000), turns[5])
    frames = 60_000 // HOP_MS
    labels = np.full(frames, SPEECH, np.int8)
    labels[2350:2950] = MUSIC
    amap = AudioMap(60_000, (), (), labels, np.zeros(frames, np.float32), (labels == MUSIC).astype(np.float32))
    onsets = np.array([0, 1000, 2000, 3000, 4000, 5000])
    config = AlignConfig()
    asked = []

    def weigh(confidence):
        settled = turns[:3] + (dataclasses.replace(turns[3], confidence=confidence),) + turns[4:]
        return lambda extra: asked.append(extra) or settled

    moved = _try_music_in_earlier_gap(weigh(0.81), late, blocks, amap, onsets, [], [3], config)
    assert moved[3].start_ms == 30_000 and asked == [[(3, 0, 3000, _HELD_AT_ONSET)]]
    # a timecode's wide window that takes the onset does not keep it from being tried
    assert _try_music_in_earlier_gap(weigh(0.81), late, blocks, amap, onsets, [(3, 0, 4000, 1500)], [3],
                                     config)[3].start_ms == 30_000
    # it stays: matching worse there by more than 0.02
    assert _try_music_in_earlier_gap(weigh(0.7), late, blocks, amap, onsets, [], [3], config) == late
    assert len(asked) == 3
    # not tried: the transcript names music before turn 2 too (it lies where it is named);
    # no turn after it follows music; music lies before turn 3 already; a pin holds turn 3's
    # first word where it is; the music under 2 s
    assert _try_music_in_earlier_gap(weigh(0.81), late, blocks, amap, onsets, [], [2, 3], config) == late
    assert _try_music_in_earlier_gap(weigh(0.81), late, blocks, amap, onsets, [], [], config) == late
    labels2 = labels.copy()
    labels2[3350:3450] = MUSIC
    before = dataclasses.replace(amap, labels=labels2)
    assert _try_music_in_earlier_gap(weigh(0.81), late, blocks, before, onsets, [], [3], config) == late
    assert _try_music_in_earlier_gap(weigh(0.81), late, blocks, amap, onsets, [(3, 0, 4000, 50)], [3], config) == late
    short = labels.copy()
    short[2500:2950] = SPEECH
    assert _try_music_in_earlier_gap(weigh(0.81), late, blocks, dataclasses.replace(amap, labels=short), onsets, [],
                                     [3], config) == late
    assert len(asked) == 3
    # a 3 s jingle (23.5 to 26.5 s): tried
    jingle = labels.copy()
    jingle[2650:2950] = SPEECH
    assert _try_music_in_earlier_gap(weigh(0.81), late, blocks, dataclasses.replace(amap, labels=jingle), onsets, [],
                                     [3], config)[3].start_ms == 30_000
    assert len(asked) == 4


def test_the_turns_after_any_music_the_transcript_names_are_tried_after_the_music_laid_past_their_start(stages,
                                                                                                      monkeypatch):
    """The first round of ``_try_after_named_music`` asks about the turns after a jingle or
    a sting as well as after the music break; with ``named_break_any_music`` off, only after
    the break. (The sample names a jingle before its first turn, then a sting, the break, two
    sound stings and a jingle.)"""
    from aligner.align import engine
    from aligner.transcript.model import Direction, Turn

    transcript, spoken, cepstra, audio_map = stages
    asked = []
    monkeypatch.setattr(engine, "_try_after_named_music",
                        lambda weigh, turns, blocks, amap, onsets, pins, after_breaks, *a: asked.append(after_breaks)
                        or (turns, []))
    align(transcript, spoken, cepstra, audio_map)
    align(transcript, spoken, cepstra, audio_map, config=AlignConfig(named_break_any_music=False))
    items = transcript.items

    def after(k: int) -> list[str]:  # the directions between block k and the one before
        lo = spoken[k - 1].item if k else -1
        return [item.text for item in items[lo + 1:spoken[k].item] if isinstance(item, Direction)]

    assert all(isinstance(items[b.item], Turn) for b in spoken)
    assert [after(k) for k in asked[0]] == [["[Virgule musicale]"], ["Pause musicale : Un morceau par Un groupe."],
                                            ["[Virgule sonore]"], ["[Virgule sonore]"], ["[Jingle]"]]
    assert [after(k) for k in asked[1]] == [["Pause musicale : Un morceau par Un groupe."]]
