"""A change of speaker moves to the pause where the voices change (align/voices.py), and
the word-time edits it relies on (align/retime.py)."""

from __future__ import annotations

import numpy as np

from aligner.align.model import TurnTiming, WordTiming
from aligner.align.retime import end_before, start_after
from aligner.align.voices import _voice_groups, to_voice_changes, voice_features
from aligner.audiomap import MUSIC, SPEECH, AudioMap

STRETCH, PAUSE = 170, 30  # frames of talk, then of pause, over and over
SETTINGS = dict(window_ms=300, reach_ms=3000, min_pause_ms=150, min_moved_ms=100, margin=3.0)


def _recording(voices: list[int], seed: int = 0) -> tuple[np.ndarray, AudioMap]:
    """Cepstra and a map: one stretch of talk (then a pause) per item of ``voices``, each
    stretch in that voice (a mean of the cepstra), noise on top."""
    rng = np.random.default_rng(seed)
    means = rng.normal(0.0, 1.0, (max(voices) + 1, 13))
    n = len(voices) * (STRETCH + PAUSE)
    cepstra = rng.normal(0.0, 1.0, (n, 13)).astype(np.float32)
    quiet = np.zeros(n, np.float32)
    for k, v in enumerate(voices):
        a = k * (STRETCH + PAUSE)
        cepstra[a:a + STRETCH] += means[v]
        quiet[a + STRETCH:a + STRETCH + PAUSE] = 1.0
        cepstra[a + STRETCH:a + STRETCH + PAUSE, 0] -= 10.0
    labels = np.full(n, SPEECH, np.int8)
    return cepstra, AudioMap(n * 10, (), (), labels, quiet, np.zeros(n, np.float32))


def _turn(item: int, speaker: str, start: int, end: int, words: int = 4) -> TurnTiming:
    """A turn from frame ``start`` to ``end`` whose words split it evenly."""
    bounds = np.linspace(start * 10, end * 10, words + 1).astype(int)
    ws = tuple(WordTiming(f"w{i}", int(a), int(b), 0.9) for i, (a, b) in enumerate(zip(bounds[:-1], bounds[1:])))
    return TurnTiming(item, speaker, "text", int(bounds[0]), int(bounds[-1]), 0.9, ws)


def test_a_turn_start_moves_back_to_the_pause_where_the_voice_changes():
    # voice 0 for 15 stretches, then voice 1: the second turn's first stretch went to the first
    cepstra, audio_map = _recording([0] * 15 + [1] * 15)
    turns = (_turn(0, "A", 0, 16 * 200 - PAUSE), _turn(1, "B", 16 * 200, 30 * 200 - PAUSE))
    moved = to_voice_changes(turns, cepstra, audio_map, **SETTINGS)
    assert moved[1].start_ms == 15 * 200 * 10
    assert moved[1].words[0].start_ms == moved[1].start_ms and moved[1].words[1:] == turns[1].words[1:]
    assert moved[0].end_ms == (15 * 200 - PAUSE) * 10  # where the pause before the change begins
    assert moved[0].words[-1].end_ms == moved[0].end_ms


def test_voice_features_given_ahead_are_the_ones_used():
    """The align stage computes the voice features ahead: given, they replace the step's own,
    which they equal (the same move); features that tell no voice apart move nothing."""
    cepstra, audio_map = _recording([0] * 15 + [1] * 15)
    turns = (_turn(0, "A", 0, 16 * 200 - PAUSE), _turn(1, "B", 16 * 200, 30 * 200 - PAUSE))
    ahead = voice_features(cepstra[:len(audio_map.quiet)], SETTINGS["window_ms"])
    assert to_voice_changes(turns, cepstra, audio_map, **SETTINGS, voice=ahead) == to_voice_changes(
        turns, cepstra, audio_map, **SETTINGS)
    blank = np.zeros_like(ahead)
    assert to_voice_changes(turns, cepstra, audio_map, **SETTINGS, voice=blank) == turns


def test_a_turn_start_moves_on_past_the_other_voice():
    # the reverse: the second turn took the first one's last stretch
    cepstra, audio_map = _recording([0] * 15 + [1] * 15)
    turns = (_turn(0, "A", 0, 14 * 200 - PAUSE), _turn(1, "B", 14 * 200, 30 * 200 - PAUSE))
    moved = to_voice_changes(turns, cepstra, audio_map, **SETTINGS)
    assert moved[1].start_ms == 15 * 200 * 10 and moved[1].words[0].start_ms == moved[1].start_ms
    assert moved[0].end_ms == (15 * 200 - PAUSE) * 10
    assert [w.start_ms for w in moved[1].words] == sorted(w.start_ms for w in moved[1].words)


def test_two_names_for_one_voice_leave_the_change_where_it_is():
    cepstra, audio_map = _recording([0] * 30)
    turns = (_turn(0, "A", 0, 16 * 200 - PAUSE), _turn(1, "B", 16 * 200, 30 * 200 - PAUSE))
    assert to_voice_changes(turns, cepstra, audio_map, **SETTINGS) == turns


def test_no_change_across_talk_that_the_text_left_out():
    # a replayed segment (voice 1, not in the text) between two turns, the second in voice 1
    cepstra, audio_map = _recording([0] * 10 + [1] * 10 + [1] * 10)
    turns = (_turn(0, "A", 0, 10 * 200 - PAUSE), _turn(1, "B", 21 * 200, 30 * 200 - PAUSE))
    assert to_voice_changes(turns, cepstra, audio_map, **SETTINGS) == turns


LEFT_OUT = dict(SETTINGS, left_out_reach_ms=10_000, left_out_voices=2)
# turn A (voice 0), a replayed segment the text leaves out (voices 2 and 3), turn B (voice 1)
REPLAY = [0] * 8 + [2, 3] * 3 + [1] * 10


def test_a_turn_after_left_out_talk_starts_where_its_voice_does():
    # B's first two stretches were left to the replay (its first words loosely transcribed)
    cepstra, audio_map = _recording(REPLAY)
    turns = (_turn(0, "A", 0, 8 * 200 - PAUSE), _turn(1, "B", 16 * 200, 24 * 200 - PAUSE))
    moved = to_voice_changes(turns, cepstra, audio_map, **LEFT_OUT)
    assert moved[0] == turns[0]  # the turn before keeps its end: the replay lies between
    assert moved[1].start_ms == 14 * 200 * 10 and moved[1].words[0].start_ms == moved[1].start_ms
    assert to_voice_changes(turns, cepstra, audio_map, **SETTINGS) == turns  # off by default


def test_a_turn_started_inside_left_out_talk_starts_after_it():
    cepstra, audio_map = _recording(REPLAY)
    turns = (_turn(0, "A", 0, 8 * 200 - PAUSE), _turn(1, "B", 12 * 200, 24 * 200 - PAUSE))
    moved = to_voice_changes(turns, cepstra, audio_map, **LEFT_OUT)
    assert moved[0] == turns[0]
    assert moved[1].start_ms == 14 * 200 * 10
    assert [w.start_ms for w in moved[1].words] == sorted(w.start_ms for w in moved[1].words)


def test_a_speaker_with_too_little_talk_to_learn_leaves_the_other_changes_to_move():
    # as the first test, and a third speaker C with one short line (0.8 s) at the end: C's
    # voice is not learnt, A's and B's are, and the change between them moves as before
    voices = [0] * 15 + [1] * 15 + [2]
    cepstra, audio_map = _recording(voices)
    turns = (_turn(0, "A", 0, 16 * 200 - PAUSE), _turn(1, "B", 16 * 200, 30 * 200 - PAUSE),
             _turn(2, "C", 30 * 200, 30 * 200 + 80))
    moved = to_voice_changes(turns, cepstra, audio_map, **SETTINGS)
    assert moved[1].start_ms == 15 * 200 * 10 and moved[0].end_ms == (15 * 200 - PAUSE) * 10
    assert moved[2] == turns[2]  # C's turn: no voice to weigh it by
    # C's line long enough to learn (1.7 s): C is weighed too, and the change still moves
    longer = (*turns[:2], _turn(2, "C", 30 * 200, 30 * 200 + STRETCH))
    assert to_voice_changes(longer, cepstra, audio_map, **SETTINGS)[1].start_ms == 15 * 200 * 10


def test_left_out_talk_in_the_turns_voice_leaves_its_start_alone():
    # a replay of B itself: nothing tells where the replay stops and the turn starts
    cepstra, audio_map = _recording([0] * 8 + [1] * 6 + [1] * 10)
    turns = (_turn(0, "A", 0, 8 * 200 - PAUSE), _turn(1, "B", 16 * 200, 24 * 200 - PAUSE))
    assert to_voice_changes(turns, cepstra, audio_map, **LEFT_OUT) == turns


def test_a_turn_whose_first_stretches_went_to_a_long_replay_starts_where_its_voice_does():
    """A (voice 0), a replay of 16 stretches (voices 2 and 3), then B (voice 1), whose
    first four stretches the path left to the replay: learnt with them, the left-out talk's
    voices hold B's, and nothing tells B's start. Learnt again without the talk weighed
    before B (the 10 s reach: B's four stretches and the replay's last), from the replay's
    other fifteen, B starts where its voice does. A replay of six stretches leaves five,
    under twice the five weighed: B stays. Four stretches of a voice heard nowhere else (4)
    before B, likelier B's than the replay's once learnt without them, yet far from B's
    own talk: B stays. Without ``relearn``, B stays in all three."""
    for replay, tail, moved_to in ((8, 1, 24), (3, 1, None), (8, 4, None)):
        voices = [0] * 8 + [2, 3] * replay + [tail] * 4 + [1] * 14
        cepstra, audio_map = _recording(voices)
        start = (8 + 2 * replay + 4) * 200
        turns = (_turn(0, "A", 0, 8 * 200 - PAUSE), _turn(1, "B", start, len(voices) * 200 - PAUSE))
        moved = to_voice_changes(turns, cepstra, audio_map, **LEFT_OUT, relearn=True)
        assert moved[1].start_ms == (start if moved_to is None else moved_to * 200) * 10
        assert moved[0] == turns[0]
        assert to_voice_changes(turns, cepstra, audio_map, **LEFT_OUT) == turns  # off unless asked for


def test_a_turn_laid_over_a_replays_last_voice_starts_where_its_voice_does_learnt_without_it():
    """A replay whose last four stretches, in its voice 2, the path laid under B's first
    words (B: voice 1, with an earlier turn). Learnt with them as B's voice, the replay's
    voice 2 is a third of B's: nothing tells where B starts. Learnt again without B's talk
    within the 10 s reach, B starts where its voice does. B's first stretches in its own
    voice: it keeps its start. Without B's earlier turn, under twice as much of its talk
    lies outside the reach: it stays. Without ``relearn_later``, B stays in all."""
    spans = (("A", 0, 6), ("B", 6, 12), ("A", 12, 16), ("B", 24, 36))
    turns = tuple(_turn(k, s, a * 200, b * 200 - PAUSE) for k, (s, a, b) in enumerate(spans))
    for head, starts_at in (([2] * 4, 28), ([1] * 4, None)):
        cepstra, audio_map = _recording([0] * 6 + [1] * 6 + [0] * 4 + [2, 3] * 4 + head + [1] * 8)
        moved = to_voice_changes(turns, cepstra, audio_map, **LEFT_OUT, relearn_later=True)
        assert moved[:3] == turns[:3]
        assert moved[3].start_ms == (turns[3].start_ms if starts_at is None else starts_at * 200 * 10)
        assert moved[3].words[0].start_ms == moved[3].start_ms and moved[3].end_ms == turns[3].end_ms
        assert to_voice_changes(turns, cepstra, audio_map, **LEFT_OUT) == turns  # off unless asked for
    alone, alone_map = _recording([0] * 6 + [2, 3] * 4 + [2] * 4 + [1] * 8)
    lone = (_turn(0, "A", 0, 6 * 200 - PAUSE), _turn(1, "B", 14 * 200, 22 * 200 - PAUSE))
    assert to_voice_changes(lone, alone, alone_map, **LEFT_OUT, relearn_later=True) == lone


def test_a_turn_after_a_named_jingle_starts_past_a_voice_that_the_left_out_talk_holds():
    # A (voice 0), a replay (voices 2 and 3), B (voice 1); then a jingle whose voice is the
    # replay's voice 2, and B again, laid from the jingle's voice on (its own from stretch 28)
    voices = [0] * 8 + [2, 3] * 3 + [1] * 12 + [2] * 2 + [1] * 6
    cepstra, audio_map = _recording(voices)
    turns = (_turn(0, "A", 0, 8 * 200 - PAUSE), _turn(1, "B", 14 * 200, 26 * 200 - PAUSE),
             _turn(3, "B", 26 * 200, 34 * 200 - PAUSE))
    moved = to_voice_changes(turns, cepstra, audio_map, **LEFT_OUT, after_named=frozenset({2}))
    assert moved[:2] == turns[:2]
    assert moved[2].start_ms == 28 * 200 * 10 and moved[2].words[0].start_ms == moved[2].start_ms
    # not named after a jingle: the same speaker's turns, no change of voice to weigh
    assert to_voice_changes(turns, cepstra, audio_map, **LEFT_OUT) == turns
    # the jingle's voice the turn's own (a host reading the station's name): it stays
    own, _ = _recording(voices[:26] + [1] * 2 + voices[28:])
    assert to_voice_changes(turns, own, audio_map, **LEFT_OUT, after_named=frozenset({2})) == turns
    # and with the left-out talk's voices not asked for, nothing is weighed after it either
    assert to_voice_changes(turns, cepstra, audio_map, **SETTINGS, after_named=frozenset({2})) == turns


def test_left_out_talk_is_learnt_as_several_voices():
    rng = np.random.default_rng(1)
    x = np.concatenate([rng.normal(0.0, 1.0, (300, 4)), rng.normal(5.0, 1.0, (200, 4))]).astype(np.float32)
    groups = _voice_groups(x, 2, least=100)
    assert len(set(groups[:300])) == 1 and len(set(groups[300:])) == 1 and groups[0] != groups[-1]
    assert (_voice_groups(x, 2, least=100) == groups).all()  # the same on every run
    assert set(_voice_groups(x[:150], 2, least=100)) == {0}  # too few frames for two
    few = np.concatenate([x[:300], rng.normal(8.0, 1.0, (20, 4)).astype(np.float32)])
    assert set(_voice_groups(few, 2, least=100)) == {0}  # 20 odd frames are no voice of their own


def test_no_turn_runs_across_a_jingle_to_the_next_ones_first_words():
    # A (voice 0), a jingle of 1.2 s, then B, whose first stretch sounds like A: moved,
    # A's end would run over the jingle. The same 1.2 s as talk: the change moves
    cepstra, audio_map = _recording([0] * 16 + [1] * 14)
    jingle = slice(14 * 200, 14 * 200 + 120)
    labels, quiet, music = audio_map.labels.copy(), audio_map.quiet.copy(), audio_map.music.copy()
    labels[jingle], music[jingle] = MUSIC, 1.0
    quiet[14 * 200 + 120:15 * 200] = 1.0
    jingled = AudioMap(audio_map.duration_ms, (), (), labels, quiet, music)
    talked = AudioMap(audio_map.duration_ms, (), (), audio_map.labels, quiet, audio_map.music)
    turns = (_turn(0, "A", 0, 14 * 200 - PAUSE), _turn(1, "B", 15 * 200, 30 * 200 - PAUSE))
    assert to_voice_changes(turns, cepstra, jingled, **SETTINGS) == turns
    moved = to_voice_changes(turns, cepstra, talked, **SETTINGS)
    assert moved[1].start_ms == 16 * 200 * 10 and moved[0].end_ms == (16 * 200 - PAUSE) * 10
    shorter, less = labels.copy(), music.copy()
    bed = slice(14 * 200 + 90, 14 * 200 + 120)  # 0.9 s of music left: a blip in talk over a bed
    shorter[bed], less[bed] = SPEECH, 0.0
    blip = AudioMap(audio_map.duration_ms, (), (), shorter, quiet, less)
    assert to_voice_changes(turns, cepstra, blip, **SETTINGS)[1].start_ms == 16 * 200 * 10


def test_a_right_change_stays():
    cepstra, audio_map = _recording([0] * 15 + [1] * 15)
    turns = (_turn(0, "A", 0, 15 * 200 - PAUSE), _turn(1, "B", 15 * 200, 30 * 200 - PAUSE))
    assert to_voice_changes(turns, cepstra, audio_map, **SETTINGS) == turns


def test_a_change_inside_a_stretch_of_talk_stays_where_the_voice_changes():
    # the voice changes 85 frames into a stretch, where the second turn starts: either pause
    # around would give one speaker's words to the other
    cepstra, audio_map = _recording([0] * 30)
    other, _ = _recording([1] * 30)
    cepstra[15 * 200 + 85:] = other[15 * 200 + 85:]
    turns = (_turn(0, "A", 0, 15 * 200 + 85), _turn(1, "B", 15 * 200 + 85, 30 * 200 - PAUSE))
    assert to_voice_changes(turns, cepstra, audio_map, **SETTINGS) == turns


def test_words_across_a_new_edge_share_the_time_left():
    turn = TurnTiming(0, "A", "a b c", 1000, 4000, 0.9,
                      (WordTiming("a", 1000, 2000, 0.9), WordTiming("b", 2000, 3000, 0.9), WordTiming("c", 3000, 4000, 0.9)))
    later = start_after(turn, 2500)
    assert later.start_ms == 2500 and [(w.start_ms, w.end_ms) for w in later.words] == [(2500, 2750), (2750, 3000), (3000, 4000)]
    earlier = end_before(turn, 2500)
    assert earlier.end_ms == 2500
    assert [(w.start_ms, w.end_ms) for w in earlier.words] == [(1000, 2000), (2000, 2250), (2250, 2500)]
    assert start_after(turn, 4000) is None and end_before(turn, 1000) is None


def test_a_turn_laid_over_left_out_talk_ends_where_its_voice_does():
    # A (voice 0), a replay (voices 2 and 3) that A's last words were laid over for six
    # stretches (12 s), more than the reach: A ends stretch by stretch back to its voice's end
    voices = [0] * 8 + [2, 3] * 10 + [1] * 10
    cepstra, audio_map = _recording(voices)
    turns = (_turn(0, "A", 0, 14 * 200 - PAUSE), _turn(1, "B", 28 * 200, 38 * 200 - PAUSE))
    moved = to_voice_changes(turns, cepstra, audio_map, **LEFT_OUT, ends_before_left_out=True)
    assert moved[1] == turns[1]
    assert moved[0].end_ms == (8 * 200 - PAUSE) * 10 and moved[0].words[-1].end_ms == moved[0].end_ms
    assert moved[0].start_ms == turns[0].start_ms and len(moved[0].words) == len(turns[0].words)
    # off unless asked for, and without the left-out talk's voices
    assert to_voice_changes(turns, cepstra, audio_map, **LEFT_OUT) == turns
    assert to_voice_changes(turns, cepstra, audio_map, **SETTINGS, ends_before_left_out=True) == turns
    # a replay in A's own voice: nothing tells where A stops, its end stays
    own, _ = _recording([0] * 28 + [1] * 10)
    assert to_voice_changes(turns, own, audio_map, **LEFT_OUT, ends_before_left_out=True) == turns


def test_a_turn_laid_over_a_replays_first_voice_ends_where_its_voice_does_learnt_without_it():
    """A (voice 0, with an earlier turn), then a replay whose first four stretches, in its
    voice 2, the path laid under A's last words; B (voice 1) after it. Learnt with them as
    A's voice, the replay's voice 2 is half A's: nothing tells where A stops. Learnt again
    without A's talk within the 10 s reach, A ends where its voice does. A's last stretches
    in its own voice: it keeps its end. Without A's earlier turn, under twice as much of
    its talk lies outside the reach: it stays. Without ``relearn_end``, A stays in all."""
    spans = (("A", 0, 6), ("B", 6, 10), ("A", 10, 22), ("B", 30, 36))
    turns = tuple(_turn(k, s, a * 200, b * 200 - PAUSE) for k, (s, a, b) in enumerate(spans))
    on = dict(LEFT_OUT, ends_before_left_out=True)
    for tail, ends_at in (([2] * 4, 18), ([0] * 4, None)):
        cepstra, audio_map = _recording([0] * 6 + [1] * 4 + [0] * 8 + tail + [2, 3] * 4 + [1] * 6)
        moved = to_voice_changes(turns, cepstra, audio_map, **on, relearn_end=True)
        assert moved[:2] == turns[:2] and moved[3] == turns[3]
        assert moved[2].end_ms == (turns[2].end_ms if ends_at is None else (ends_at * 200 - PAUSE) * 10)
        assert moved[2].words[-1].end_ms == moved[2].end_ms and moved[2].start_ms == turns[2].start_ms
        assert to_voice_changes(turns, cepstra, audio_map, **on) == turns  # off unless asked for
    alone, alone_map = _recording([1] * 4 + [0] * 8 + [2] * 4 + [2, 3] * 4 + [1] * 6)
    lone = tuple(_turn(k, s, a * 200, b * 200 - PAUSE) for k, (s, a, b) in enumerate(
        (("B", 0, 4), ("A", 4, 16), ("B", 24, 30))))
    assert to_voice_changes(lone, alone, alone_map, **on, relearn_end=True) == lone


def test_the_margin_after_left_out_talk_is_its_own():
    # B's first two stretches left to the replay: moved when the margin there allows it,
    # whatever the margin between two speakers; a turn after named music alone keeps that
    cepstra, audio_map = _recording(REPLAY)
    turns = (_turn(0, "A", 0, 8 * 200 - PAUSE), _turn(1, "B", 16 * 200, 24 * 200 - PAUSE))
    strict = dict(LEFT_OUT, margin=1000.0)
    assert to_voice_changes(turns, cepstra, audio_map, **strict) == turns
    moved = to_voice_changes(turns, cepstra, audio_map, **strict, left_out_margin=3.0)
    assert moved[1].start_ms == 14 * 200 * 10
    assert to_voice_changes(turns, cepstra, audio_map, **dict(LEFT_OUT, left_out_margin=1000.0)) == turns
    voices = [0] * 8 + [2, 3] * 3 + [1] * 12 + [2] * 2 + [1] * 6
    jingled, jingle_map = _recording(voices)
    after_jingle = (_turn(0, "A", 0, 8 * 200 - PAUSE), _turn(1, "B", 14 * 200, 26 * 200 - PAUSE),
                    _turn(3, "B", 26 * 200, 34 * 200 - PAUSE))
    assert to_voice_changes(after_jingle, jingled, jingle_map, **strict, left_out_margin=3.0,
                            after_named=frozenset({2})) == after_jingle


def test_a_turn_whose_last_words_went_to_left_out_talk_runs_on_to_where_its_voice_stops():
    # A (voice 0): its last two stretches, in its speaker's own words, were left to the
    # replay after it (voices 2 and 3); A runs on over them, to the pause before the replay
    voices = [0] * 10 + [2, 3] * 3 + [1] * 10
    cepstra, audio_map = _recording(voices)
    turns = (_turn(0, "A", 0, 8 * 200 - PAUSE), _turn(1, "B", 16 * 200, 26 * 200 - PAUSE))
    on = dict(LEFT_OUT, ends_before_left_out=True)
    moved = to_voice_changes(turns, cepstra, audio_map, **on, run_on_margin=1.0)
    assert moved[1] == turns[1]
    assert moved[0].end_ms == (10 * 200 - PAUSE) * 10 and moved[0].words[-1].end_ms == moved[0].end_ms
    assert moved[0].words[:-1] == turns[0].words[:-1]
    assert to_voice_changes(turns, cepstra, audio_map, **on) == turns  # off unless asked for
    # a margin the voices do not reach: it stays
    assert to_voice_changes(turns, cepstra, audio_map, **on, run_on_margin=1000.0) == turns


def test_a_turn_does_not_run_on_across_a_pause_longer_than_the_one_it_would_end_at():
    # the same, but a longer pause (0.9 s) after A's end, then talk in A's voice: the replay
    # opens in the show's voice (a trailer), and the turn keeps its end
    voices = [0] * 10 + [2, 3] * 3 + [1] * 10
    cepstra, audio_map = _recording(voices)
    a = 8 * 200 - PAUSE - 60  # A's talk stops 0.6 s sooner: a pause of 0.9 s
    audio_map.quiet[a:8 * 200 - PAUSE] = 1.0
    cepstra[a:8 * 200 - PAUSE, 0] -= 10.0
    turns = (_turn(0, "A", 0, a), _turn(1, "B", 16 * 200, 26 * 200 - PAUSE))
    on = dict(LEFT_OUT, ends_before_left_out=True, run_on_margin=1.0)
    assert to_voice_changes(turns, cepstra, audio_map, **on) == turns
    # with the pause as short as the others, it runs on
    short, short_map = _recording(voices)
    ran_on = to_voice_changes((_turn(0, "A", 0, 8 * 200 - PAUSE), turns[1]), short, short_map, **on)
    assert ran_on[0].end_ms == (10 * 200 - PAUSE) * 10
