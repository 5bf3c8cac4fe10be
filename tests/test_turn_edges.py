"""Word starts that the path leaves in a pause move to where speech resumes."""

from __future__ import annotations

import dataclasses

import numpy as np

from aligner.align.directions import _after_directions, _before_directions, _MUSIC
from aligner.align.timings import _edges, _end_before_music, _out_of_pauses
from aligner.align.turn_edges import (
    after_left_out_talk, after_stretched_words, before_left_out_talk, before_stretched_words, past_music_tails,
    past_stretch_tails, past_talk_before_silence, spurt_onsets, talk_stretches, to_sound_before_crushed_words, to_spurt_onsets,
    to_talk_after_music, to_talk_stops, words_to_sound_ends,
)
from aligner.align.model import TurnTiming, WordTiming
from aligner.features import HOP_MS


def test_a_word_started_in_a_pause_starts_where_speech_resumes():
    quiet = np.array([0, 0, 1, 1, 1, 1, 0, 0, 0, 0], np.float32)  # speech, pause at 2-5, speech
    onsets, _, q, resumes, off, *_ = _edges(quiet, np.zeros(10, bool))
    assert onsets.tolist() == resumes.tolist() == [6]
    assert (q == off).all()
    assert _out_of_pauses([0, 3, 8], 10, onsets, q, 100) == [0, 6, 8]


def test_it_stays_when_speech_resumes_only_after_the_next_word():
    # the word at 2 stays (speech resumes at 8, after the next word at 6, said there)
    quiet = np.array([0, 1, 1, 1, 1, 1, 0, 0, 1, 1, 0, 0], np.float32)
    onsets, _, q, *_ = _edges(quiet, np.zeros(12, bool))
    assert _out_of_pauses([0, 2, 6], 12, onsets, q, 100) == [0, 2, 6]
    # the words at 2 and 5 both in a pause: both start where speech resumes
    quiet[6:8] = 1.0
    onsets, _, q, *_ = _edges(quiet, np.zeros(12, bool))
    assert _out_of_pauses([0, 2, 5], 12, onsets, q, 100) == [0, 10, 10]


def test_a_word_started_in_music_starts_where_talk_resumes():
    # music 0-3, a pause 4-5, speech from 6: a first word the path starts at 1 (in the
    # music's tail) starts at 6; a pause inside the speech is no reason to move past it
    quiet = np.array([0, 0, 0, 0, 1, 1, 0, 0, 0, 0, 1, 1, 0, 0], np.float32)
    music = np.array([1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0], bool)
    onsets, _, _, resumes, off, *_ = _edges(quiet, music)
    assert onsets.tolist() == [6, 12] and resumes.tolist() == [6, 12]
    assert _out_of_pauses([1, 8], 14, resumes, off, 100) == [6, 8]
    # two words in the music and the pause: both start where the talk does
    assert _out_of_pauses([1, 4, 8], 14, resumes, off, 100) == [6, 6, 8]
    # music straight into speech: where the music stops
    quiet[4:6] = 0.0
    _, _, _, resumes, off, *_ = _edges(quiet, music)
    assert resumes.tolist() == [4, 12]
    assert _out_of_pauses([2, 8], 14, resumes, off, 100) == [4, 8]
    # the next word is said where the talk resumes: no room before it, the word stays
    assert _out_of_pauses([2, 4], 14, resumes, off, 100) == [2, 4]


def test_words_far_inside_music_stay_where_the_path_put_them():
    # the map calls 0-29 music (speech over a loud bed, say) and the path puts a whole turn
    # there: moving its words to frame 30 would shrink it to nothing; within reach they move
    quiet = np.zeros(40, np.float32)
    music = np.zeros(40, bool)
    music[:30] = True
    _, _, _, resumes, off, *_ = _edges(quiet, music)
    assert resumes.tolist() == [30]
    assert _out_of_pauses([2, 10, 20, 28], 36, resumes, off, 5) == [2, 10, 20, 30]
    assert _out_of_pauses([2, 10, 20, 28], 36, resumes, off, 100) == [30, 30, 30, 30]
    # unless the music there is sure (a long piece the path strayed into): then they move
    sure = np.concatenate([[0], np.cumsum(music)])
    assert _out_of_pauses([2, 10, 20, 28], 36, resumes, off, 5, sure) == [30, 30, 30, 30]
    # a piece sure only in part is not
    sure = np.concatenate([[0], np.cumsum(music & (np.arange(40) > 15))])
    assert _out_of_pauses([2, 10, 20, 28], 36, resumes, off, 5, sure) == [2, 10, 30, 30]


def _map(quiet, music, labels=None):
    """A map whose labels say music where the soft score does, unless given."""
    from aligner.audiomap import MUSIC, SPEECH, AudioMap

    n = len(quiet)
    if labels is None:
        labels = np.where(np.asarray(music) >= 0.5, MUSIC, SPEECH).astype(np.int8)
    return AudioMap(n * 10, (), (), labels, np.asarray(quiet, np.float32), np.asarray(music, np.float32))


def test_a_steady_first_word_after_a_pause_starts_a_spurt_a_jingle_tail_does_not():
    from aligner.audiomap import MUSIC, SPEECH

    # a pause 0-39, a steady first word 40-69 that scores as music, a 10-frame dip, talk from 80
    quiet = np.zeros(150, np.float32)
    quiet[:40] = quiet[70:80] = 1.0
    music = np.zeros(150, np.float32)
    music[40:70] = 0.9
    speech = np.full(150, SPEECH, np.int8)
    assert spurt_onsets(_map(quiet, music, speech))[0].tolist() == [40]
    # the same sound right after music the map labels: a jingle's tail, not the turn
    quiet[:40] = 0.0
    labels = speech.copy()
    labels[:40] = MUSIC
    music[:40] = 1.0
    assert spurt_onsets(_map(quiet, music, labels))[0].tolist() == [80]


def test_a_voice_after_a_jingle_starts_a_spurt_where_the_maps_regions_start_its_speech():
    from aligner.audiomap import MUSIC, SPEECH, AudioMap, Region

    # a jingle 0-99, a pause 100-139, a voice from 140 whose first half second the labels
    # call music, as a music edge measured over a second may; the regions part them at the pause
    quiet = np.zeros(400, np.float32)
    quiet[100:140] = 1.0
    labels = np.full(400, SPEECH, np.int8)
    labels[:190] = MUSIC
    music = np.where(labels == MUSIC, 0.5, 0.0).astype(np.float32)
    music[:100] = 1.0
    unparted = _map(quiet, music, labels)
    regions = (Region(0, 1000, "music", 1.0), Region(1000, 1400, "silence", 1.0), Region(1400, 4000, "speech", 1.0))
    parted = AudioMap(4000, regions, (), labels, quiet, music)
    assert spurt_onsets(unparted)[0].tolist() == [190]
    assert spurt_onsets(parted)[0].tolist() == [140]
    turn = _turn(1850, 3000)
    assert to_spurt_onsets([turn], spurt_onsets(parted), 150)[0].start_ms == 1400
    assert to_spurt_onsets([turn], spurt_onsets(unparted), 150)[0] == turn


def test_talk_spurts_start_after_a_pause_or_music_not_after_a_short_dip():
    # music 0-19, speech 20-49 with a 5-frame dip at 30, a 40-frame pause, speech from 90
    quiet = np.zeros(120, np.float32)
    music = np.zeros(120, np.float32)
    music[:20] = 1.0
    quiet[30:35] = 1.0
    quiet[50:90] = 1.0
    onsets, stopped, pauses = spurt_onsets(_map(quiet, music), min_silence=15)
    assert onsets.tolist() == [20, 90]
    assert stopped.tolist() == [-1, 50]  # where the talk before each stopped (none before the first)
    assert pauses.tolist() == [50]  # the 5-frame dip is not a long pause
    # a pause of 0.2 s parts the sentences of one stretch: no onset after it
    quiet[50:90] = 0.0
    quiet[50:70] = 1.0
    assert spurt_onsets(_map(quiet, music))[0].tolist() == [20]


def _turn(start, end, middle=None):
    from aligner.align.model import TurnTiming, WordTiming

    middle = start + 100 if middle is None else middle
    return TurnTiming(0, "A", "x y", start, end, 1.0, (WordTiming("x", start, middle, 1.0, 0, 1),
                                                      WordTiming("y", middle, end, 1.0, 2, 3)))


def test_a_turn_started_inside_speech_moves_back_to_where_it_began():
    onsets = np.array([20, 70, 260])
    none = np.full(3, -1)
    # 300 ms into a spurt: back to its onset; 500 ms in (more than 400 ms back): stays; a
    # spurt that began before the previous turn ended, with no talk stopping before it: stays
    moved = to_spurt_onsets([_turn(500, 600), _turn(1200, 2650), _turn(2700, 3000)], (onsets, none, np.array([], np.int64)), 40)
    assert [t.start_ms for t in moved] == [200, 1200, 2700]
    assert [w.start_ms for w in moved[0].words] == [200, 600]


def test_a_turn_change_inside_a_stretch_of_talk_moves_to_the_pause_before_it():
    """The path ends a turn 1 s into the stretch of talk that opens the next turn (its last
    words said over the next turn's first): the turn ends where the talk stopped before
    that stretch, its words there squeezed with the one before, and the next turn starts
    with the stretch."""
    from aligner.align.model import WordTiming

    spurts = (np.array([260]), np.array([240]), np.array([], np.int64))
    # x 1200-1300, y 1300-2200, z 2600-2650 (in the next turn's stretch): y and z share 1300-2400, 18 to 1
    before = _turn(1200, 2650, 1300)
    before = dataclasses.replace(before, words=before.words[:1] + (WordTiming("y", 1300, 2200, 1.0, 2, 3),
                                                                   WordTiming("z", 2600, 2650, 1.0, 4, 5)))
    moved = to_spurt_onsets([before, _turn(2700, 3000)], spurts, 40)
    assert moved[0].end_ms == 2400 and moved[1].start_ms == 2600
    assert [(w.start_ms, w.end_ms) for w in moved[0].words] == [(1200, 1300), (1300, 2342), (2342, 2400)]
    # a turn with no word before the pause keeps its place, and so does the next one
    moved = to_spurt_onsets([_turn(2450, 2650), _turn(2700, 3000)], spurts, 40)
    assert [(t.start_ms, t.end_ms) for t in moved] == [(2450, 2650), (2700, 3000)]


def test_a_change_of_speaker_into_the_last_speakers_words_stays():
    """The next voice comes in while the last one is still talking: the stretch of talk
    began 1 s before the path's start with the last speaker's last phrase, and the path
    gives that phrase (y, 1700-2690) most of the stretch. The start stays; with the same
    speaker, or when the last words fill less of it, it moves back to the stretch's onset."""
    spurts = (np.array([170]), np.array([140]), np.array([], np.int64))
    before = _turn(500, 2690, 1400)
    before = dataclasses.replace(before, words=(before.words[0], dataclasses.replace(before.words[1], start_ms=1700)))
    after = dataclasses.replace(_turn(2700, 4000), speaker="B")
    kept = to_spurt_onsets([before, after], spurts, 150, held=0.9)
    assert [(t.start_ms, t.end_ms) for t in kept] == [(500, 2690), (2700, 4000)]
    # the same speaker (one turn split in two by the text): a turn changes at a pause
    same = to_spurt_onsets([before, dataclasses.replace(after, speaker="A")], spurts, 150, held=0.9)
    assert [(t.start_ms, t.end_ms) for t in same] == [(500, 1400), (1700, 4000)]
    # without the rule, or with the last words in under 0.9 of the stretch (y ends at 2500)
    assert to_spurt_onsets([before, after], spurts, 150)[1].start_ms == 1700
    short = dataclasses.replace(before, end_ms=2500, words=(before.words[0], dataclasses.replace(before.words[1], end_ms=2500)))
    assert to_spurt_onsets([short, after], spurts, 150, held=0.9)[1].start_ms == 1700


def test_a_turn_starts_with_the_talk_before_it_that_no_words_lie_on_when_its_break_is_the_longer():
    """The last turn ends at 1 s; talk resumes at 1.8 s, stops at 1.85 s (a soft first word, or
    words the text leaves out: 50 ms of talk), and resumes at 2.2 s, where the path starts
    the next turn. The talk at 1.8 s lies closer to that turn than to the one before: the
    turn starts there. It stays when the break before that talk is the shorter, when the
    last turn's words lie on it, when it lies further back than the reach, when it is less
    talk than asked (a click), when music lies between the turns (the talk may be its tail),
    or without the rule."""
    onsets, stopped, pauses = np.array([0, 180, 220]), np.array([-1, 100, 185]), np.array([], np.int64)
    last, turn = _turn(0, 1000), dataclasses.replace(_turn(2200, 3000), speaker="B")
    music, talk = np.zeros(300, bool), np.zeros(300, bool)
    talk[180:185] = talk[220:300] = True
    moved = to_spurt_onsets([last, turn], (onsets, stopped, pauses), 150, held=0.9, orphans=(talk, music, 5))
    assert [(t.start_ms, t.end_ms) for t in moved] == [(0, 1000), (1800, 3000)]
    assert moved[1].words[0].start_ms == 1800
    assert to_spurt_onsets([last, turn], (onsets, stopped, pauses), 150, held=0.9)[1].start_ms == 2200
    assert to_spurt_onsets([last, turn], (onsets, stopped, pauses), 30, orphans=(talk, music, 5))[1].start_ms == 2200
    shorter = (np.array([0, 130, 220]), np.array([-1, 100, 165]), pauses)  # breaks of 0.3 s, then 0.55 s
    assert to_spurt_onsets([last, turn], shorter, 150, orphans=(talk, music, 5))[1].start_ms == 2200
    on_it = _turn(0, 1840, 1000)  # its last word on the talk at 1.8 s
    assert to_spurt_onsets([on_it, turn], (onsets, stopped, pauses), 150, orphans=(talk, music, 5))[1].start_ms == 2200
    assert to_spurt_onsets([last, turn], (onsets, stopped, pauses), 150, orphans=(talk, music, 6))[1].start_ms == 2200
    music[120:170] = True  # a jingle between the turns
    assert to_spurt_onsets([last, turn], (onsets, stopped, pauses), 150, orphans=(talk, music, 5))[1].start_ms == 2200


def test_a_turn_start_does_not_move_back_across_a_long_pause():
    """A 50 ms blip (the end of the previous turn), 1.3 s of silence, then the turn: the
    path started it right after the silence, where the music score was still high for a few
    frames (so the stretch's onset is 5 frames later); it must stay, not go back 1.4 s."""
    from aligner.align.model import TurnTiming, WordTiming

    quiet = np.zeros(400, np.float32)
    music = np.zeros(400, np.float32)
    quiet[:100] = 1.0
    quiet[105:238] = 1.0  # a blip at 100-104, then the silence
    music[238:243] = 0.7
    spurts = spurt_onsets(_map(quiet, music))
    assert spurts[0].tolist() == [100, 243]
    turn = TurnTiming(0, "A", "x", 2380, 4000, 1.0, (WordTiming("x", 2380, 4000, 1.0, 0, 1),))
    assert to_spurt_onsets([turn], spurts, 150)[0].start_ms == 2380
    # a short pause inside a stretch (between sentences of one turn, the voice after it
    # sounding steady enough to raise the music score) does not stop it: back to its onset
    quiet[105:238] = 0.0
    quiet[150:170] = 1.0
    music[170:245] = 0.7
    assert to_spurt_onsets([turn], spurt_onsets(_map(quiet, music)), 150)[0].start_ms == 1000


def test_a_turn_after_left_out_talk_starts_after_the_break_not_on_its_last_words():
    """A turn 0-1 s, a replay's talk 1.4-5.2 s (a 0.1-s dip in it), a 1-s break, the next
    turn from 6.2 s. The path laid that turn's first words on the replay's last 0.7 s: it
    starts after the break, its words before it sharing the time up to the first word that
    ends after it; the turn before keeps its end."""
    from aligner.align.model import TurnTiming, WordTiming

    quiet = np.zeros(1000, np.float32)
    quiet[100:140] = quiet[300:310] = quiet[520:620] = 1.0
    amap = _map(quiet, np.zeros(1000, np.float32))
    words = (WordTiming("x", 4500, 4800, 1.0, 0, 1), WordTiming("y", 4800, 6500, 1.0, 2, 3),
             WordTiming("z", 6500, 9000, 1.0, 4, 5))
    before = _turn(0, 1000, 500)
    turn = TurnTiming(1, "B", "x y z", 4500, 9000, 1.0, words)
    moved = after_left_out_talk((before, turn), talk_stretches(amap), 150)
    assert moved[0] == before
    assert moved[1].start_ms == 6200
    assert [(w.start_ms, w.end_ms) for w in moved[1].words] == [(6200, 6245), (6245, 6500), (6500, 9000)]
    # the break too far (more than 0.5 s after the start): stays
    assert after_left_out_talk((before, turn), talk_stretches(amap), 50)[1] == turn
    # little talk between the two turns (the turn before ends at 4 s): a turn change inside
    # the talk is the passes' call, not a replay's end
    assert after_left_out_talk((_turn(0, 4000, 500), turn), talk_stretches(amap), 150)[1] == turn
    # a start in the break stays; so does one at the onset of a stretch (a 0.4-s break at 4-4.4 s)
    quiet[400:440] = 1.0
    for start, audio_map in ((5500, amap), (4400, _map(quiet, np.zeros(1000, np.float32)))):
        at = dataclasses.replace(turn, start_ms=start, words=(dataclasses.replace(words[0], start_ms=start),) + words[1:])
        assert after_left_out_talk((before, at), talk_stretches(audio_map), 450)[1] == at


def test_a_turn_started_in_the_tail_of_the_stretch_before_starts_after_its_break():
    """Talk 0.5-3.2 s, a 1-s break, talk from 4.2 s. Turn A holds 0.5-2.9 s; the path laid
    turn B's first word over A's last 0.3 s and the break: B starts where talk resumes,
    and A runs to the break."""
    quiet = np.zeros(800, np.float32)
    quiet[:50] = quiet[320:420] = 1.0
    amap = _map(quiet, np.zeros(800, np.float32))
    before = dataclasses.replace(_turn(500, 2900, 1500), speaker="A")
    words = (WordTiming("x", 2900, 4200, 1.0, 0, 1), WordTiming("y", 4200, 7000, 1.0, 2, 3))
    turn = TurnTiming(1, "B", "x y", 2900, 7000, 1.0, words)
    a, b = past_stretch_tails((before, turn), talk_stretches(amap), 60, 300)
    assert (a.start_ms, a.end_ms, a.words[-1].end_ms) == (500, 3200, 3200)
    assert (b.start_ms, b.words[0].start_ms, b.end_ms) == (4200, 4200, 7000)
    # more of the stretch left than the tail (0.3 s of it against 0.2), or the next talk
    # further than the reach (1.3 s against 1 s): B stays
    assert past_stretch_tails((before, turn), talk_stretches(amap), 20, 300)[1] == turn
    assert past_stretch_tails((before, turn), talk_stretches(amap), 60, 100)[1] == turn
    # the stretch's head is no turn's (A ends before it begins): B stays
    quiet[:50] = 0.0
    quiet[100:150] = 1.0  # A's talk 0-1 s, a break, the stretch from 1.5 s
    early = dataclasses.replace(_turn(0, 1000, 500), speaker="A")
    assert past_stretch_tails((early, turn), talk_stretches(_map(quiet, np.zeros(800, np.float32))), 60, 300)[1] == turn
    # A running into the stretch, B starting as far into it as there is left of it: the
    # head is no longer than the tail, B stays
    half = dataclasses.replace(turn, start_ms=2350, words=(dataclasses.replace(words[0], start_ms=2350), words[1]))
    into = dataclasses.replace(_turn(0, 2350, 500), speaker="A")
    assert past_stretch_tails((into, half), talk_stretches(_map(quiet, np.zeros(800, np.float32))), 100, 300)[1] == half


def test_a_turn_run_into_the_talk_left_out_after_it_ends_at_the_break_before_that_talk():
    """Talk 0.5-4 s, a 0.6-s break, talk 4.6-9 s (a replay's), quiet to 12 s, where turn B
    starts. The path ran turn A on to 6 s, its word "y" across the break: A ends at 4 s, its
    last words sharing the time left to them."""
    quiet = np.zeros(1400, np.float32)
    quiet[:50] = quiet[400:460] = quiet[900:1200] = 1.0
    stretches = talk_stretches(_map(quiet, np.zeros(1400, np.float32)))
    words = (WordTiming("x", 500, 3800, 1.0, 0, 1), WordTiming("y", 3800, 5000, 1.0, 2, 3),
             WordTiming("z", 5000, 6000, 1.0, 4, 5))
    a = TurnTiming(0, "A", "x y z", 500, 6000, 1.0, words)
    b = TurnTiming(1, "B", "w", 12000, 13000, 1.0, (WordTiming("w", 12000, 13000, 1.0, 0, 1),))
    ended, same = before_left_out_talk((a, b), stretches, 300, 150)
    assert (ended.end_ms, [w.end_ms for w in ended.words]) == (4000, [3800, 3909, 4000]) and same == b
    # the talk going on for less than the run-on after A's end (3 s), the end further into
    # the stretch than the reach (1.4 s), no word across the break, or B starting at 6.5 s
    # (no talk left out between them): A stays
    across = (words[0], dataclasses.replace(words[1], end_ms=4000), dataclasses.replace(words[2], start_ms=4600))
    for turns, reach, run_on in [((a, b), 300, 350), ((a, b), 100, 150),
                                 ((dataclasses.replace(a, words=across), b), 300, 150),
                                 ((a, dataclasses.replace(b, start_ms=6500)), 300, 150)]:
        assert before_left_out_talk(turns, stretches, reach, run_on)[0] == turns[0]


def test_a_turn_that_ends_before_its_talk_stops_ends_where_it_stops():
    """Talk 0.5-4 s (with a 0.2-s dip at 2 s, not a break), quiet to 5 s, talk 5-9 s. The
    path ended turn A at 1.8 s and B at 7 s, C starting at 9.5 s: A ends at 4 s, across the
    dip, its last word with it; B at 9 s; C, the last turn, stays where it is."""
    quiet = np.zeros(1000, np.float32)
    quiet[:50] = quiet[200:220] = quiet[400:500] = quiet[900:] = 1.0
    stretches = talk_stretches(_map(quiet, np.zeros(1000, np.float32)))
    a = TurnTiming(0, "A", "x y", 500, 1800, 0.9, (WordTiming("x", 500, 1200, 0.9, 0, 1),
                                                   WordTiming("y", 1200, 1800, 0.9, 2, 3)))
    b = TurnTiming(1, "B", "z", 5000, 7000, 0.8, (WordTiming("z", 5000, 7000, 0.8, 0, 1),))
    c = TurnTiming(2, "C", "w", 9500, 9600, 0.7, (WordTiming("w", 9500, 9600, 0.7, 0, 1),))
    ended = to_talk_stops((a, b, c), stretches, quiet, 300)
    assert [(t.end_ms, t.words[-1].end_ms) for t in ended] == [(4000, 4000), (9000, 9000), (9600, 9600)]
    assert ended[0].words[0] == a.words[0] and ended[0].confidence == a.confidence
    # the talk stopping further after the end than the reach (A: 2.2 s, B: 2 s), or the
    # next turn starting before the talk stops (B at 3.5 s): it stays
    assert to_talk_stops((a, b, c), stretches, quiet, 150)[:2] == (a, b)
    early_b = dataclasses.replace(b, start_ms=3500)
    assert to_talk_stops((a, early_b, c), stretches, quiet, 300)[0] == a


def test_a_turn_that_ends_in_the_pause_after_its_talk_ends_where_the_talk_stopped():
    """Talk 0.5-4 s, quiet to 4.4 s, then music to 6 s, talk 6-9 s. Turn A, its word "y"
    run into the pause to 4.3 s, ends at 4 s, its words from the last one that starts before
    sharing the time; so does the last turn C, run to 9.8 s."""
    quiet = np.zeros(1000, np.float32)
    quiet[:50] = quiet[400:440] = quiet[900:] = 1.0
    music = np.zeros(1000, np.float32)
    music[440:600] = 1.0
    stretches = talk_stretches(_map(quiet, music))
    a = TurnTiming(0, "A", "x y", 500, 4300, 0.9, (WordTiming("x", 500, 3000, 0.9, 0, 1),
                                                   WordTiming("y", 3000, 4300, 0.9, 2, 3)))
    c = TurnTiming(1, "C", "w", 6000, 9800, 0.7, (WordTiming("w", 6000, 9800, 0.7, 0, 1),))
    ended = to_talk_stops((a, c), stretches, quiet, 300)
    assert [(t.end_ms, [w.end_ms for w in t.words]) for t in ended] == [(4000, [3000, 4000]), (9000, [9000])]
    # further after the talk than the reach, or run on into music rather than a pause: it stays
    assert to_talk_stops((a, c), stretches, quiet, 20)[0] == a
    into_music = dataclasses.replace(a, end_ms=5500, words=(a.words[0], dataclasses.replace(a.words[1], end_ms=5500)))
    assert to_talk_stops((into_music, c), stretches, quiet, 300)[0] == into_music


def test_a_turn_whose_first_words_got_no_time_starts_at_the_sound_before_its_pause():
    """Turn A talks to 3 s; quiet to 5 s; 0.6 s of sound (a first utterance the map gave to
    a jingle); 0.4 s of quiet; turn B's talk from 6 s. The path started B at 6 s, its first
    three words given no time: B starts at 5 s, and they share 5-6 s in proportion to
    eSpeak's lengths (10, 10 and 15 frames)."""
    from types import SimpleNamespace

    quiet = np.zeros(1000, np.float32)
    quiet[300:500] = quiet[560:600] = 1.0
    before = dataclasses.replace(_turn(0, 3000, 1500), speaker="A")
    words = tuple(WordTiming(w, 6000, 6000, 0.8, 0, 1) for w in "IAX") + (
        WordTiming("cet", 6000, 7000, 0.9, 2, 3), WordTiming("agent", 7000, 9000, 0.9, 4, 5))
    turn = TurnTiming(1, "B", "I A X cet agent", 6000, 9000, 0.9, words)
    said = SimpleNamespace(word_frames=np.array([0, 10, 20, 35, 50]), end_frame=80)
    blocks = [None, said]
    a, b = to_sound_before_crushed_words((before, turn), blocks, quiet, 300, 2)
    assert a == before
    assert (b.start_ms, b.end_ms) == (5000, 9000)
    assert [(w.start_ms, w.end_ms) for w in b.words] == [(5000, 5286), (5286, 5571), (5571, 6000), (6000, 7000),
                                                         (7000, 9000)]
    assert [w.text for w in b.words] == [w.text for w in words] and b.words[3:] == words[3:]
    # one word given no time (of two needed); the turn before running into that sound; the
    # sound beginning further back than the reach (1 s against 0.8 s); the sound longer than
    # 4 times or shorter than half what eSpeak takes for the words (60 frames against 12 and
    # 200); B starting inside its sound, or not placed: B stays
    one = (words[0], dataclasses.replace(words[1], end_ms=6200)) + tuple(
        dataclasses.replace(w, start_ms=max(w.start_ms, 6200), end_ms=max(w.end_ms, 6200)) for w in words[2:])
    cases = [((before, dataclasses.replace(turn, words=one)), blocks, 300),
             ((dataclasses.replace(before, end_ms=5300), turn), blocks, 300),
             ((before, turn), blocks, 80),
             ((before, turn), [None, SimpleNamespace(word_frames=np.array([0, 4, 8, 12, 50]), end_frame=80)], 300),
             ((before, turn), [None, SimpleNamespace(word_frames=np.array([0, 60, 120, 200, 250]), end_frame=300)], 300),
             ((before, dataclasses.replace(turn, start_ms=6200,
                                           words=tuple(dataclasses.replace(w, start_ms=max(w.start_ms, 6200),
                                                                           end_ms=max(w.end_ms, 6200)) for w in words))),
              blocks, 300),
             ((before, dataclasses.replace(turn, placed=False)), blocks, 300)]
    for turns, spoken, reach in cases:
        assert to_sound_before_crushed_words(turns, spoken, quiet, reach, 2) == turns
    # one word given no time is enough with ``least`` 1: it takes the sound alone
    moved = to_sound_before_crushed_words((before, dataclasses.replace(turn, words=one)),
                                           [None, SimpleNamespace(word_frames=np.array([0, 40, 50, 65, 80]),
                                                                  end_frame=100)], quiet, 300, 1)[1]
    assert (moved.start_ms, moved.words[0].start_ms, moved.words[0].end_ms) == (5000, 5000, 6000)
    # a word given 40 ms of eSpeak's 150 counts as given no time under a share of 0.3, not
    # under 0.25: with "X" so, B moves only then
    shorter = words[:2] + (dataclasses.replace(words[2], end_ms=6040),) + tuple(
        dataclasses.replace(w, start_ms=max(w.start_ms, 6040)) for w in words[3:])
    turns = (before, dataclasses.replace(turn, words=shorter))
    assert to_sound_before_crushed_words(turns, blocks, quiet, 300, 3, 0.25) == turns
    assert to_sound_before_crushed_words(turns, blocks, quiet, 300, 3, 0.3)[1].start_ms == 5000


def test_a_turn_whose_word_the_path_stretched_into_music_ends_where_its_words_are_said():
    """The map calls 0-15 s speech and music from there (a piece's intro heard as speech up
    to 15 s), or music from inside a stretched word; a pause at 6.1-7 s. The path gave the
    turn's third word 9 s, eSpeak 0.2 s, and laid its last two words on the music's first
    notes: the turn ends where its words from the third on take their eSpeak length at the
    turn's pace (1.0: its first two words as long as eSpeak's), 6.0 s, moved to the start of
    the pause at 6.1 s; those three words share 5.4-6.1 s in proportion to eSpeak's lengths."""
    from types import SimpleNamespace

    from aligner.audiomap import Region

    quiet = np.zeros(3000, np.float32)
    quiet[610:700] = 1.0
    speech, music = Region(0, 15000, "speech", 1.0), Region(15000, 30000, "music", 1.0)
    spans = [(5000, 5200), (5200, 5400), (5400, 14400), (14400, 14600), (14600, 15000)]
    words = tuple(WordTiming(w, a, b, 0.9, 2 * j, 2 * j + 1) for j, (w, (a, b)) in enumerate(zip("vwxyz", spans)))
    turn = TurnTiming(0, "A", "v w x y z", 5000, 15000, 0.9, words)
    blocks = [SimpleNamespace(word_frames=np.array([0, 20, 40, 60, 80]), end_frame=100)]
    audio_map = dataclasses.replace(_map(quiet, np.zeros(3000)), regions=(speech, music))

    def ended(turn=turn, audio_map=audio_map, before_music=(0,), words=6, ratio=3.0, excess=150) -> TurnTiming:
        return before_stretched_words((turn,), blocks, audio_map, list(before_music), words=words, ratio=ratio,
                                      excess=excess, snap=60, min_pause=15)[0]

    moved = ended()
    assert (moved.start_ms, moved.end_ms) == (5000, 6100)
    assert [(w.start_ms, w.end_ms) for w in moved.words] == [(5000, 5200), (5200, 5400), (5400, 5633), (5633, 5867),
                                                             (5867, 6100)]
    assert [w.text for w in moved.words] == list("vwxyz") and moved.words[:2] == words[:2]
    # no pause within 0.6 s of 6.0 s: the end is there
    far = quiet.copy()
    far[610:700], far[800:900] = 0.0, 1.0
    assert ended(audio_map=dataclasses.replace(audio_map, quiet=far)).end_ms == 6000
    # a silence (however short) between the talk and the music; the music starting 0.6 s
    # after the end; not before music; the stretch under the ratio or the excess; the
    # stretched word not among the last two: the turn stays
    parted = (Region(0, 15000, "speech", 1.0), Region(15000, 15200, "silence", 1.0), Region(15200, 30000, "music", 1.0))
    later = (Region(0, 15600, "speech", 1.0), Region(15600, 30000, "music", 1.0))
    for stays in [ended(audio_map=dataclasses.replace(audio_map, regions=parted)),
                  ended(audio_map=dataclasses.replace(audio_map, regions=later)),
                  ended(before_music=()), ended(ratio=50.0), ended(excess=900), ended(words=2)]:
        assert stays == turn
    # the intro heard as music from 9.5 s, after a pause, and the song's voice as speech
    # from 13 s: 3.5 s of music begins inside the stretched word, and the turn ends as above;
    # 1.5 s of it (a bed's swell under the turn's own talk) does not
    intro = (Region(0, 9000, "speech", 1.0), Region(9000, 9500, "silence", 1.0), Region(9500, 13000, "music", 1.0),
             Region(13000, 30000, "speech", 1.0))
    assert ended(audio_map=dataclasses.replace(audio_map, regions=intro)).end_ms == 6100
    swell = intro[:2] + (Region(9500, 11000, "music", 1.0), Region(11000, 30000, "speech", 1.0))
    assert ended(audio_map=dataclasses.replace(audio_map, regions=swell)) == turn


def test_a_turn_whose_first_words_the_path_stretched_over_a_jingles_voice_starts_after_its_pause():
    """The map calls 0-5 s music and speech from there (a jingle's voice heard as talk up
    to 7 s); a pause at 7-7.5 s, then the speaker. The path started the turn where the music
    ends and gave its second word 2.4 s, eSpeak 0.2 s: the turn starts after the pause, at
    7.5 s; its first two words share 7.5-7.8 s (0.3 s: 0.7 of eSpeak's 0.4 s or more) in
    proportion to eSpeak's lengths; its end and its other words stay."""
    from types import SimpleNamespace

    from aligner.audiomap import Region

    quiet = np.zeros(3000, np.float32)
    quiet[700:750] = 1.0
    music, speech = Region(0, 5000, "music", 1.0), Region(5000, 20000, "speech", 1.0)
    blocks = [SimpleNamespace(word_frames=np.array([0, 20, 40, 60]), end_frame=80)]
    audio_map = dataclasses.replace(_map(quiet, np.zeros(3000)), regions=(music, speech))

    def turn_of(spans) -> TurnTiming:
        words = tuple(WordTiming(w, a, b, 0.9, 2 * j, 2 * j + 1) for j, (w, (a, b)) in enumerate(zip("wxyz", spans)))
        return TurnTiming(0, "A", "w x y z", spans[0][0], spans[-1][1], 0.9, words)

    turn = turn_of([(5000, 5200), (5200, 7800), (7800, 8000), (8000, 8400)])

    def started(turn=turn, audio_map=audio_map, after_music=(0,), words=6, ratio=3.0, excess=150, near=10):
        return after_stretched_words((turn,), blocks, audio_map, list(after_music), words=words, ratio=ratio,
                                     excess=excess, near=near, min_pause=15)[0]

    moved = started()
    assert (moved.start_ms, moved.end_ms) == (7500, 8400)
    assert [(w.start_ms, w.end_ms) for w in moved.words] == [(7500, 7650), (7650, 7800), (7800, 8000), (8000, 8400)]
    assert [w.text for w in moved.words] == list("wxyz") and moved.words[2:] == turn.words[2:]
    # the second word ending 0.1 s after the pause: the words up to the fourth (0.9 s, 0.7 of
    # eSpeak's 0.8 s or more) share 7.5-8.4 s
    short = turn_of([(5000, 5200), (5200, 7600), (7600, 7800), (7800, 8400)])
    assert [(w.start_ms, w.end_ms) for w in started(turn=short).words] == [(7500, 7725), (7725, 7950), (7950, 8175),
                                                                            (8175, 8400)]
    # a silence (however short) between the music and the talk; the turn starting 0.2 s
    # after the music; not after music; the stretch under the ratio or the excess; the
    # stretched word not among the first; no pause inside it: the turn stays
    parted = (music, Region(5000, 5100, "silence", 1.0), Region(5100, 20000, "speech", 1.0))
    late = turn_of([(5200, 5400), (5400, 7800), (7800, 8000), (8000, 8400)])
    no_pause = quiet.copy()
    no_pause[700:750], no_pause[780:830] = 0.0, 1.0
    for stays, given in [(started(audio_map=dataclasses.replace(audio_map, regions=parted)), turn),
                         (started(turn=late), late), (started(after_music=()), turn), (started(ratio=20.0), turn),
                         (started(excess=250), turn), (started(words=1), turn),
                         (started(audio_map=dataclasses.replace(audio_map, quiet=no_pause)), turn)]:
        assert stays == given


def test_a_turn_whose_first_words_the_path_laid_across_a_jingles_music_starts_after_the_pause_in_the_stretched_one():
    """A jingle whose voice comes in over its first notes: the map calls 0-3 s speech, 3-5 s
    music, speech from there (the voice goes on to 7 s); a pause at 7-7.5 s, then the
    speaker. The path started the turn at 1 s, on the voice, and gave its second word
    6.6 s, across the music and the pause: the music ends inside the turn's first words, 4 s
    after its start, and the turn starts after the pause, at 7.5 s, its first two words
    sharing 7.5-7.8 s; without ``inside``, it stays (the music ends 4 s from its start).
    Music that ends after the stretched word, or 0.5 s before the turn starts, or the same
    map with music ending 0.8 s before the turn starts, into a silence (talk over a bed
    after a jingle): it stays."""
    from types import SimpleNamespace

    from aligner.audiomap import Region

    quiet = np.zeros(3000, np.float32)
    quiet[700:750] = 1.0
    regions = (Region(0, 3000, "speech", 1.0), Region(3000, 5000, "music", 1.0), Region(5000, 30000, "speech", 1.0))
    audio_map = dataclasses.replace(_map(quiet, np.zeros(3000)), regions=regions)
    blocks = [SimpleNamespace(word_frames=np.array([0, 20, 40, 60]), end_frame=80)]
    words = tuple(WordTiming(w, a, b, 0.9, 2 * j, 2 * j + 1)
                  for j, (w, (a, b)) in enumerate(zip("wxyz", [(1000, 1200), (1200, 7800), (7800, 8000), (8000, 8400)])))
    turn = TurnTiming(0, "A", "w x y z", 1000, 8400, 0.9, words)

    def started(inside=200, audio_map=audio_map):
        return after_stretched_words((turn,), blocks, audio_map, [0], words=6, ratio=3.0, excess=150, near=10,
                                     min_pause=15, inside=inside)[0]

    moved = started()
    assert (moved.start_ms, moved.end_ms) == (7500, 8400)
    assert [(w.start_ms, w.end_ms) for w in moved.words] == [(7500, 7650), (7650, 7800), (7800, 8000), (8000, 8400)]
    assert started(inside=None) == turn
    longer = (regions[0], Region(3000, 9000, "music", 1.0), Region(9000, 30000, "speech", 1.0))
    before = (Region(0, 500, "music", 1.0), Region(500, 30000, "speech", 1.0))
    bed = (Region(0, 200, "music", 1.0), Region(200, 600, "silence", 1.0), Region(600, 3000, "speech", 1.0),
           *regions[1:])
    for other in (longer, before, bed):
        assert started(audio_map=dataclasses.replace(audio_map, regions=other)) == turn


def test_a_turn_whose_first_word_the_path_stretched_over_talk_and_a_silence_starts_after_the_silence():
    """The map has a silence at 10-11.4 s inside one stretch of speech. The path ended the
    turn before at 8.7 s and laid this turn's first word (eSpeak 0.15 s) over 9-11.6 s: the
    second of talk before the silence is the turn before's last words. This turn starts at
    11.4 s, the one before ends at 10 s. Its talk before the silence within three times
    eSpeak's length, or 0.5 s more at most; a gap of more than 0.5 s after the turn before
    (a replay's); the silence past its first three words, or after words that take about
    the time of the talk before it: both stay."""
    from types import SimpleNamespace

    from aligner.audiomap import SILENCE, SPEECH

    labels = np.full(3000, SPEECH, np.int8)
    labels[1000:1140] = SILENCE
    audio_map = _map(np.asarray(labels == SILENCE, np.float32), np.zeros(3000), labels)
    blocks = [SimpleNamespace(word_frames=np.array([0, 100]), end_frame=200),
              SimpleNamespace(word_frames=np.array([0, 15, 40, 60]), end_frame=80)]

    def turn_of(k, spans) -> TurnTiming:
        words = tuple(WordTiming(w, a, b, 0.9, 2 * j, 2 * j + 1) for j, (w, (a, b)) in enumerate(zip("wxyz", spans)))
        return TurnTiming(k, "A", " ".join("wxyz"[:len(spans)]), spans[0][0], spans[-1][1], 0.9, words)

    before = turn_of(0, [(2000, 5000), (5000, 8700)])

    def moved(turn, before=before, words=3):
        return past_talk_before_silence((before, turn), blocks, audio_map, words=words, ratio=3.0, excess=50,
                                        joined=50)

    turn = turn_of(1, [(9000, 11600), (11600, 12000), (12000, 12400), (12400, 13000)])
    first, second = moved(turn)
    assert (first.start_ms, first.end_ms, first.words[-1].end_ms) == (2000, 10000, 10000)
    assert (second.start_ms, second.words[0].start_ms, second.words[0].end_ms) == (11400, 11400, 11600)
    assert second.words[1:] == turn.words[1:] and second.end_ms == turn.end_ms
    assert moved(turn_of(1, [(9600, 11600), (11600, 12000), (12000, 12400), (12400, 13000)])) == (
        before, turn_of(1, [(9600, 11600), (11600, 12000), (12000, 12400), (12400, 13000)]))  # 0.4 s of talk
    far = turn_of(0, [(2000, 5000), (5000, 8400)])
    assert moved(turn, before=far) == (far, turn)
    late = turn_of(1, [(9000, 9400), (9400, 9700), (9700, 9900), (9900, 11600)])
    assert moved(late) == (before, late)
    assert moved(late, words=4) == (before, late)  # (the four words take 0.8 s: said before the silence)


def test_the_turns_before_music_include_the_last_when_the_transcript_names_music_after_it():
    """A jingle between the first two turns, a section title and a replay between the
    next two, a closing theme after the last: the first and the last turn come before
    music; the turn before the replay does not."""
    from types import SimpleNamespace

    from aligner.transcript.model import Direction, DirectionKind, Section, Transcript, Turn

    items = (Turn("A", "un", 1, 1), Direction(DirectionKind.JINGLE, "[Jingle]", 2), Turn("B", "deux", 3, 3),
             Section("Partie 2", 4), Direction(DirectionKind.REPLAY, "https://example.org/r", 5),
             Turn("A", "trois", 6, 6), Direction(DirectionKind.JINGLE, "[Générique de fin d’émission]", 7))
    transcript = Transcript("wiki", items=items)
    blocks = [SimpleNamespace(item=0), SimpleNamespace(item=2), SimpleNamespace(item=5)]
    assert _before_directions(transcript, blocks, _MUSIC) == [0, 2]
    # the same as the turns after music, one back, but for the last turn
    assert [k - 1 for k in _after_directions(transcript, blocks, _MUSIC, first=True) if k] == [0]
    assert _before_directions(Transcript("wiki", items=items[:-1]), blocks, _MUSIC) == [0]
    assert _before_directions(transcript, blocks, {DirectionKind.REPLAY}) == [1]


def test_a_first_word_laid_across_a_pause_after_the_maps_music_starts_after_the_pause():
    """The map's music ends at 5 s; 0.3 s of sound that scores as music (the jingle's last
    notes); 0.2 s of quiet; 0.2 s more of it; 0.3 s of quiet; talk from 6 s. The path
    started the turn at 5 s, its first word stretched to 6.5 s: it starts at 6 s, where
    its first word does too, and keeps its end."""
    from aligner.audiomap import Region

    quiet = np.zeros(1000, np.float32)
    quiet[530:550] = quiet[570:600] = 1.0
    music = np.zeros(1000, np.float32)
    music[:530] = music[550:570] = 0.9
    regions = (Region(0, 5000, "music", 1.0), Region(5000, 10000, "speech", 1.0))
    amap = dataclasses.replace(_map(quiet, music), regions=regions)
    words = (WordTiming("Veuillez", 5000, 6500, 0.8, 0, 8), WordTiming("patienter", 6500, 7200, 0.9, 9, 18))
    turn = TurnTiming(1, "B", "Veuillez patienter", 5000, 7200, 0.9, words)
    (moved,) = past_music_tails((turn,), amap, 5, 15)
    assert (moved.start_ms, moved.end_ms) == (6000, 7200)
    assert [(w.start_ms, w.end_ms) for w in moved.words] == [(6000, 6500), (6500, 7200)]
    # the sound between the two pauses scoring as speech: the turn starts after the first
    spoken = music.copy()
    spoken[550:570] = 0.0
    assert past_music_tails((turn,), dataclasses.replace(amap, music=spoken), 5, 15)[0].start_ms == 5500
    # the sound before the first pause scoring as speech (a first word the map gave to the
    # music: the turn's own); the turn starting 0.2 s after the music's end; the pauses
    # shorter than asked; the first word ending in the pause; the turn not placed: it stays
    talk = music.copy()
    talk[500:530] = 0.0
    cases = [(turn, dataclasses.replace(amap, music=talk), 15),
             (dataclasses.replace(turn, start_ms=5200, words=(dataclasses.replace(words[0], start_ms=5200),
                                                               words[1])), amap, 15),
             (turn, amap, 35),
             (dataclasses.replace(turn, words=(dataclasses.replace(words[0], end_ms=5400),
                                               dataclasses.replace(words[1], start_ms=5400))), amap, 15),
             (dataclasses.replace(turn, placed=False), amap, 15)]
    for t, m, least in cases:
        assert past_music_tails((t,), m, 5, least) == (t,)


def test_a_second_word_laid_across_a_pause_after_the_maps_music_moves_the_start_past_it_when_asked():
    """A jingle's voice (the map's music ends at 5 s, the next 0.7 s still scores as music):
    the path lays the turn's first word on it, and its second across the pause that
    follows, to where the speaker begins at 6 s. Looking at the first two words, the turn
    starts at 6 s; at the first alone, it stays. A pause between two words, which the path
    parted there, is not one to move past."""
    from aligner.audiomap import Region

    quiet = np.zeros(1000, np.float32)
    quiet[570:600] = 1.0
    music = np.zeros(1000, np.float32)
    music[:570] = 0.9
    regions = (Region(0, 5000, "music", 1.0), Region(5000, 10000, "speech", 1.0))
    amap = dataclasses.replace(_map(quiet, music), regions=regions)
    words = (WordTiming("Pour", 5000, 5400, 0.8, 0, 4), WordTiming("l'aide", 5400, 6500, 0.8, 5, 11),
             WordTiming("appuyez", 6500, 7200, 0.9, 12, 19))
    turn = TurnTiming(1, "B", "Pour l'aide appuyez", 5000, 7200, 0.9, words)
    assert past_music_tails((turn,), amap, 5, 15) == (turn,)
    assert past_music_tails((turn,), amap, 5, 15, 2)[0].start_ms == 6000
    parted = dataclasses.replace(turn, words=(dataclasses.replace(words[0], end_ms=5700),
                                              dataclasses.replace(words[1], start_ms=6000), words[2]))
    assert past_music_tails((parted,), amap, 5, 15, 2) == (parted,)
    # the second word laid from where the pause begins, across it: it runs across it all the same
    from_pause = dataclasses.replace(turn, words=(dataclasses.replace(words[0], end_ms=5700),
                                                  dataclasses.replace(words[1], start_ms=5700), words[2]))
    assert past_music_tails((from_pause,), amap, 5, 15, 2)[0].start_ms == 6000
    spoken = music.copy()
    spoken[500:570] = 0.0  # the voice scoring as speech: the turn's own first word
    assert past_music_tails((turn,), dataclasses.replace(amap, music=spoken), 5, 15, 2) == (turn,)


def _after_music(transcript, blocks) -> list[int]:
    """The turns that the transcript puts after music, as the engine gives them to the step."""
    return _after_directions(transcript, blocks, _MUSIC, first=True)


def test_a_turn_after_music_starts_at_the_talk_that_follows_the_musics_silence():
    """The transcript has a jingle, then the turn. The map: music to 5 s, 0.6 s of silence,
    talk from 5.6 s; the path left the talk's first 1.4 s to the gap and started the turn
    at 7 s (a first utterance said in the speaker's own words): it starts at 5.6 s, where
    its first word does too, and keeps its end."""
    from types import SimpleNamespace

    from aligner.audiomap import Region
    from aligner.transcript.model import Direction, DirectionKind, Section, Transcript, Turn

    amap = dataclasses.replace(_map(np.zeros(1000, np.float32), np.zeros(1000, np.float32)), regions=(
        Region(0, 5000, "music", 1.0), Region(5000, 5600, "silence", 1.0), Region(5600, 10000, "speech", 1.0)))
    said = Turn("B", "Bonjour à tous", 3, 3)
    jingle = Transcript("wiki", items=(Direction(DirectionKind.JINGLE, "[Jingle]", 1), said))
    words = (WordTiming("Bonjour", 7000, 7400, 0.8, 0, 7), WordTiming("à", 7400, 7500, 0.9, 8, 9),
             WordTiming("tous", 7500, 8000, 0.9, 10, 14))
    turn = TurnTiming(1, "B", "Bonjour à tous", 7000, 8000, 0.9, words)
    blocks = [SimpleNamespace(item=1)]

    def moved(turn=turn, amap=amap, transcript=jingle, reach=8000):
        return to_talk_after_music((turn,), amap, _after_music(transcript, blocks), reach, 500, 500)[0]

    assert (moved().start_ms, moved().end_ms) == (5600, 8000)
    assert [(w.start_ms, w.end_ms) for w in moved().words] == [(5600, 7400), (7400, 7500), (7500, 8000)]
    # it stays: no music named before it (a section title; a replay, whose talk that is);
    # a silence under 0.5 s (a pause between a jingle's notes); the talk starting less than
    # 0.5 s before the turn; the music ending further before it than the reach; the turn
    # not placed
    titled = Transcript("wiki", items=(Section("Partie 1", 1), said))
    replayed = Transcript("wiki", items=(Direction(DirectionKind.REPLAY, "https://example.org/r", 1), said))
    short = dataclasses.replace(amap, regions=(
        Region(0, 5000, "music", 1.0), Region(5000, 5400, "silence", 1.0), Region(5400, 10000, "speech", 1.0)))
    near = dataclasses.replace(turn, start_ms=6000, words=(dataclasses.replace(words[0], start_ms=6000),) + words[1:])
    for case in (moved(transcript=titled), moved(transcript=replayed), moved(amap=short), moved(reach=1500),
                 moved(turn=dataclasses.replace(turn, placed=False))):
        assert case.start_ms == 7000
    assert moved(turn=near) == near
    # a turn before it that runs into the music: the music is not between them, it stays
    before = TurnTiming(0, "A", "Au revoir", 500, 2000, 0.9, (WordTiming("Au revoir", 500, 2000, 0.9, 0, 9),))
    two = Transcript("wiki", items=(Turn("A", "Au revoir", 1, 1), Direction(DirectionKind.JINGLE, "[Jingle]", 2), said))
    both = [SimpleNamespace(item=0), SimpleNamespace(item=2)]
    assert to_talk_after_music((before, turn), amap, _after_music(two, both), 8000, 500, 500)[1] == turn
    at_start = dataclasses.replace(before, start_ms=0, end_ms=0,
                                   words=(dataclasses.replace(before.words[0], start_ms=0, end_ms=0),))
    assert to_talk_after_music((at_start, turn), amap, _after_music(two, both), 8000, 500, 500)[1].start_ms == 5600


def test_word_confidences_match_a_plain_mean_per_word():
    from aligner.align.timings import _word_confidences

    rng = np.random.default_rng(1)
    for _ in range(500):
        n = int(rng.integers(1, 30))
        conf = rng.random(n + 10)
        conf[rng.random(n + 10) < 0.3] = np.nan
        first = np.sort(rng.integers(2, 2 + n, int(rng.integers(1, 6))))
        stop = int(rng.integers(first[-1], 3 + n))
        bounds = list(first) + [stop]
        plain = [float(np.nanmean(conf[a:b])) if np.any(~np.isnan(conf[a:b])) else 0.0
                 for a, b in zip(bounds[:-1], bounds[1:])]
        assert np.allclose(_word_confidences(conf, first, stop), plain)


def _spoken(start: int, ends: list[int]) -> TurnTiming:
    """A turn of words starting at ``start`` and each ending at the next of ``ends`` (frames)."""
    bounds = [start] + ends
    words = tuple(WordTiming(f"w{i}", a * HOP_MS, b * HOP_MS, 0.9) for i, (a, b) in enumerate(zip(bounds, bounds[1:])))
    return TurnTiming(0, "A", "", start * HOP_MS, ends[-1] * HOP_MS, 0.9, words)


def test_a_turn_stretched_over_a_pause_into_music_ends_where_its_talk_stopped():
    # talk 0-19, a pause 20-24, a jingle 25-39: a last word the path runs on to 32 ends at 20
    quiet = np.zeros(40, np.float32)
    quiet[20:25] = 1.0
    music = np.zeros(40, bool)
    music[25:] = True
    edges = _edges(quiet, music)
    sure = np.concatenate([[0], np.cumsum(edges.off)])
    turn = _end_before_music(_spoken(2, [10, 16, 32]), edges, sure, 100)
    assert turn.end_ms == 20 * HOP_MS and turn.words[-1].end_ms == 20 * HOP_MS
    assert [w.start_ms // HOP_MS for w in turn.words] == [2, 10, 16]
    # two last words in the pause and the music: they share what is left before the pause
    turn = _end_before_music(_spoken(2, [10, 16, 22, 32]), edges, sure, 100)
    assert turn.end_ms == 20 * HOP_MS and len(turn.words) == 4
    assert all(w.end_ms <= 20 * HOP_MS for w in turn.words)


def test_music_straight_after_talk_or_an_end_in_talk_keeps_the_end():
    quiet = np.zeros(40, np.float32)
    music = np.zeros(40, bool)
    music[25:] = True  # no pause before the music: the map's music may be speech over a bed
    edges = _edges(quiet, music)
    sure = np.concatenate([[0], np.cumsum(edges.off)])
    turn = _spoken(2, [10, 16, 32])
    assert _end_before_music(turn, edges, sure, 100) == turn
    quiet[20:25] = 1.0
    edges = _edges(quiet, music)
    assert _end_before_music(_spoken(2, [10, 19]), edges, sure, 100) == _spoken(2, [10, 19])


def test_a_turn_given_almost_none_of_the_time_its_text_takes_is_not_placed():
    from types import SimpleNamespace

    from aligner.align.weigh import _mark_unplaced

    # five turns said in about the time their text takes (2 to 4 s), the fourth given 50 ms of its 3 s
    said_ms = [2000, 4000, 3000, 3000, 2500]
    given_ms = [2100, 3900, 3100, 50, 2400]
    blocks = [SimpleNamespace(end_frame=ms // HOP_MS) for ms in said_ms]
    starts = np.cumsum([0] + given_ms[:-1]).tolist()
    turns = tuple(TurnTiming(k, "A", "x", s, s + g, 0.8, ()) for k, (s, g) in enumerate(zip(starts, given_ms)))
    transcript = SimpleNamespace(items=[SimpleNamespace(line=3 + 2 * k) for k in range(5)])
    marked = _mark_unplaced(turns, blocks, transcript, 0.1)
    assert [t.placed for t in marked] == [True, True, True, False, True]
    assert [dataclasses.replace(t, placed=True) for t in marked] == list(turns)  # nothing else changes
    assert _mark_unplaced(turns, blocks, transcript, None) == turns
    # a tenth of its time is not yet nowhere: 400 ms of 3 s stays placed
    roomier = turns[:3] + (dataclasses.replace(turns[3], end_ms=turns[3].start_ms + 400),) + turns[4:]
    assert all(t.placed for t in _mark_unplaced(roomier, blocks, transcript, 0.1))


def test_a_turn_whose_first_words_got_no_time_after_sound_called_music_starts_at_that_sound():
    """As above, but no quiet between the first utterance and B's talk: a bed under both,
    the map's music from 5 s to 6 s (the utterance and its pause), talk from 6 s. Given the
    talk frames, B starts where the sound after the quiet began, at 5 s; without them, or
    with talk inside that sound (B starting inside its talk), it stays."""
    from types import SimpleNamespace

    quiet = np.zeros(1000, np.float32)
    quiet[300:500] = 1.0
    talk = np.zeros(1000, bool)
    talk[:300] = talk[600:] = True
    before = dataclasses.replace(_turn(0, 3000, 1500), speaker="A")
    words = tuple(WordTiming(w, 6000, 6000, 0.8, 0, 1) for w in "IAX") + (
        WordTiming("cet", 6000, 7000, 0.9, 2, 3), WordTiming("agent", 7000, 9000, 0.9, 4, 5))
    turn = TurnTiming(1, "B", "I A X cet agent", 6000, 9000, 0.9, words)
    blocks = [None, SimpleNamespace(word_frames=np.array([0, 10, 20, 35, 50]), end_frame=80)]
    a, b = to_sound_before_crushed_words((before, turn), blocks, quiet, 300, 2, talk=talk)
    assert a == before and (b.start_ms, b.end_ms) == (5000, 9000)
    assert [(w.start_ms, w.end_ms) for w in b.words][:3] == [(5000, 5286), (5286, 5571), (5571, 6000)]
    assert b.words[3:] == words[3:]
    assert to_sound_before_crushed_words((before, turn), blocks, quiet, 300, 2) == (before, turn)
    talked = talk.copy()
    talked[540:560] = True
    assert to_sound_before_crushed_words((before, turn), blocks, quiet, 300, 2, talk=talked) == (before, turn)


def test_a_word_before_a_pause_ends_where_its_sound_stops():
    """Sound 1-2.2 s, a pause to 2.8 s, sound 2.8-4.5 s, a 0.1-s dip, sound to 6 s.
    The path gave "x" 1-2.8 s (its sound and the pause after it), "y" 2.8-4.6 s (the dip
    inside it), "z" the rest: "x" ends 30 ms into the pause, at 2.23 s; "y", whose only
    quiet is shorter than a pause, and "z", the turn's last word, keep their ends; the
    turn's start and end, the words' starts and confidences stay."""
    quiet = np.ones(800, np.float32)
    quiet[100:220] = quiet[280:450] = quiet[460:600] = 0.0
    words = (WordTiming("x", 1000, 2800, 0.9, 0, 1), WordTiming("y", 2800, 4600, 0.8, 2, 3),
             WordTiming("z", 4600, 6000, 0.7, 4, 5))
    turn = TurnTiming(0, "A", "x y z", 1000, 6000, 0.8, words)
    (ended,) = words_to_sound_ends((turn,), quiet, 20, 3, 20)
    assert [(w.start_ms, w.end_ms) for w in ended.words] == [(1000, 2230), (2800, 4600), (4600, 6000)]
    assert (ended.start_ms, ended.end_ms, ended.confidence) == (1000, 6000, 0.8)
    assert [w.confidence for w in ended.words] == [0.9, 0.8, 0.7]
    # a pause shorter than asked for (0.6 s): "x" keeps its end too
    assert words_to_sound_ends((turn,), quiet, 61, 3, 20)[0].words == words
    # a word that starts in the pause (the path's start, left there) is not cut to nothing
    late = dataclasses.replace(turn, words=(dataclasses.replace(words[0], start_ms=2300),) + words[1:])
    assert words_to_sound_ends((late,), quiet, 20, 3, 20)[0].words[0].end_ms == 2800
    # sound after the pause, 0.4 s of it inside "x" (the next word's start put later): the
    # path started "x" early, before the pause; its frames hold its sound, and it keeps them
    over = (dataclasses.replace(words[0], end_ms=3200), dataclasses.replace(words[1], start_ms=3200)) + words[2:]
    assert words_to_sound_ends((dataclasses.replace(turn, words=over),), quiet, 20, 3, 20)[0].words == over
    assert words_to_sound_ends((dataclasses.replace(turn, words=over),), quiet, 20, 3, 40)[0].words[0].end_ms == 2230
    # a turn not placed is left as it is
    assert words_to_sound_ends((dataclasses.replace(turn, placed=False),), quiet, 20, 3, 20)[0].words == words


def test_a_word_given_no_time_of_its_own_is_marked_not_placed():
    """The path squeezed "y" to nothing between "x" and "z": it is not placed, its
    confidence 0, its time where its neighbours meet; the others, and the words of a turn
    not placed, stay as they are."""
    from aligner.align.weigh import _mark_unplaced_words

    words = (WordTiming("x", 1000, 1500, 0.9, 0, 1), WordTiming("y", 1500, 1500, 0.95, 2, 3),
             WordTiming("z", 1500, 2000, 0.7, 4, 5))
    turn = TurnTiming(0, "A", "x y z", 1000, 2000, 0.85, words)
    (marked,) = _mark_unplaced_words((turn,))
    assert [(w.placed, w.confidence) for w in marked.words] == [(True, 0.9), (False, 0.0), (True, 0.7)]
    assert (marked.words[1].start_ms, marked.words[1].end_ms) == (1500, 1500)
    assert (marked.start_ms, marked.end_ms, marked.confidence) == (1000, 2000, 0.85)
    left_out = dataclasses.replace(turn, placed=False)
    assert _mark_unplaced_words((left_out,)) == (left_out,)
