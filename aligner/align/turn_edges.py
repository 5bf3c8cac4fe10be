"""Turn edges moved to the map's talk, pauses and music: the steps after the passes
(with ``voices.to_voice_changes``), which put each turn's start and end where the audio
says a turn can change, and the stretches of talk they look at.

The passes place a turn's words where they match the audio best, a second at a time; they
cannot tell the first words of a loosely transcribed turn from the tail of a jingle, of a
replay or of the turn before, nor see that a turn does not start a second into a stretch
of someone's talk. Each step here moves one kind of edge to where talk starts or stops
(the words that fall across the new edge share the time left to them: ``retime``).
"""

from __future__ import annotations

import dataclasses
from typing import NamedTuple

import numpy as np

from aligner.align.model import TurnTiming, WordTiming
from aligner.align.retime import end_before, end_later, move_change, share, start_after, start_earlier
from aligner.align.voices import left_out_before
from aligner.audiomap import KINDS, MUSIC, SILENCE, SPOKEN, AudioMap, runs
from aligner.features import HOP_MS
from aligner.speak import SpokenTurn


def spurt_onsets(audio_map: AudioMap, *, min_break: int = 30, min_silence: int = 50,
                 talk: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Frames where speech resumes after at least ``min_break`` frames of pause or music
    (see ``talk_frames``), the frame where the talk before each of them stopped (-1: none
    did), and frames where a pause of at least ``min_silence`` frames begins.

    A turn start does not move back across such a pause: the soft music score also rises
    on some steady voices, so it may start a stretch but does not end one. ``min_break`` is
    0.3 s because the first words of a loosely transcribed turn are often parted from the
    rest by a shorter pause (0.15 s left 7 of 705 starts off on the bench, 0.25-0.35 s
    leave 5; held-out episodes 14 -> 12 of 234). ``talk``: ``talk_frames(audio_map)``, when
    already at hand."""
    speech = talk_frames(audio_map) if talk is None else talk
    starts = np.flatnonzero(~speech[:-1] & speech[1:]) + 1
    stops = np.flatnonzero(speech[:-1] & ~speech[1:]) + 1  # where each break begins
    k = np.searchsorted(stops, starts) - 1
    before = np.where(k >= 0, stops[np.maximum(k, 0)], -1) if len(stops) else np.full(len(starts), -1, np.int64)
    long_break = (k < 0) | (starts - before >= min_break)
    pauses = [a for a, _ in runs(audio_map.quiet >= 0.5, min_silence)]
    return starts[long_break], before[long_break], np.array(pauses, np.int64)


def talk_frames(audio_map: AudioMap) -> np.ndarray:
    """Frames with sound that is not music. The soft music score also rises on steady
    voices (a first word after a long pause, alone in its second of sound: a 3-hour bench
    episode had four turns start 0.6 s late, their first word taken for music), so sound
    that scores as music only counts as music where it joins frames the map labels music
    (a jingle's tail, which the labels may call speech)."""
    hard = audio_map.labels == MUSIC
    sound = audio_map.quiet < 0.5
    talk = sound & (audio_map.music < 0.5)
    for a, b in runs(hard | (sound & (audio_map.music >= 0.5))):
        if not hard[a:b].any():
            talk[a:b] = True
    # where music and speech meet across a pause, the map's regions put the change in the
    # pause, the labels where a second's measures do, up to a second off it: the first words
    # after a jingle, which the labels may give to it, are talk where the regions call them
    # speech
    for r in audio_map.regions:
        if r.kind in SPOKEN:
            a, b = r.start_ms // HOP_MS, r.end_ms // HOP_MS
            talk[a:b] |= sound[a:b]
    return talk


def to_spurt_onsets(turns: list[TurnTiming], spurts: tuple[np.ndarray, np.ndarray, np.ndarray],
                    back: int, *, held: float | None = None,
                    orphans: tuple[np.ndarray, np.ndarray, int] | None = None) -> list[TurnTiming]:
    """A turn whose start falls inside a stretch of speech starts where that stretch does,
    up to ``back`` frames earlier: the path may give the first words of a loosely
    transcribed turn to the untranscribed audio before it, or to the end of the turn
    before, whose words there then go back before the pause that opens the stretch (a
    turn changes at a pause, not a second into a stretch of talk). ``spurts`` are the
    onsets of stretches, where the talk before each stopped, and where long pauses begin:
    a stretch ends at a long pause, so a start after one (a blip of the previous turn's
    end, then a second of silence, then the turn) does not move back to the blip.

    Two speakers need no pause between them: one may come in while the other is still
    talking. A change of speaker stays where the path put it when the last speaker's words
    fill ``held`` or more of the stretch before it (None: it moves all the same).

    With ``orphans`` (the frames of talk, those labelled music, and a least number of
    frames), a turn that starts at (or moves to) a stretch's onset after a short break
    (shorter than a long pause) starts instead where the talk after the last turn resumed, up
    to ``back`` frames earlier, when no words lie on that talk, it holds that many frames of
    talk at least (not a click), no music lies between the last turn and this one, and the
    break before that talk is the longer one: a soft first word (a quiet voice's onset scores
    quiet between its sounds) or words the text leaves out, closer to the turn than to the
    one before it. After music, that talk is as likely the music's tail (a jingle's last
    notes)."""
    onsets, stopped, breaks = spurts
    out: list[TurnTiming] = []
    earlier = 0  # the latest end of the turns before the last one out
    for t in turns:
        start = t.start_ms // HOP_MS
        k = int(np.searchsorted(onsets, start, side="right")) - 1
        j = int(np.searchsorted(breaks, start, side="right")) - 1
        if orphans is not None and t.words and k > 0 and onsets[k] > start - back:
            k = _after_orphan_talk(onsets, stopped, k, max(earlier, out[-1].end_ms if out else 0) // HOP_MS,
                                   start - back, *orphans)
        inside = k >= 0 and (j < 0 or breaks[j] <= onsets[k])
        if inside and start - back <= onsets[k] < start and t.words \
                and not _talked_over(out[-1] if out else None, t, int(onsets[k]) * HOP_MS, held):
            onset, stop = int(onsets[k]) * HOP_MS, int(stopped[k]) * HOP_MS
            if out and out[-1].end_ms > onset and 0 <= stop and earlier <= stop:
                out[-1] = end_before(out[-1], stop) or out[-1]
            if max(earlier, out[-1].end_ms if out else 0) <= onset:
                t = start_earlier(t, onset)
        if out:
            earlier = max(earlier, out[-1].end_ms)
        out.append(t)
    return out


def _after_orphan_talk(onsets: np.ndarray, stopped: np.ndarray, k: int, last_end: int, lowest: int,
                       talk: np.ndarray, music: np.ndarray, least: int) -> int:
    """The first stretch of the talk between ``last_end`` (where the turns before stop)
    and stretch ``k``, when that talk starts no lower than ``lowest`` and holds ``least``
    frames of ``talk`` or more, no ``music`` frame lies between ``last_end`` and ``k``, and
    the break before that talk is longer than the one before ``k`` (see
    ``to_spurt_onsets``); else ``k``."""
    first = int(np.searchsorted(onsets, last_end, side="left"))
    if first >= k or onsets[first] < lowest or music[last_end:onsets[k]].any() \
            or np.count_nonzero(talk[onsets[first]:stopped[k]]) < least:
        return k
    before = onsets[first] - stopped[first] if stopped[first] >= 0 else np.iinfo(np.int64).max
    return first if before > onsets[k] - stopped[k] else k


def _talked_over(last: TurnTiming | None, turn: TurnTiming, onset_ms: int, held: float | None) -> bool:
    """Whether ``turn`` starts while the speaker of ``last`` (the turn before) was still
    talking: a change of speaker where the path gives ``last``'s words ``held`` or more of
    the stretch from ``onset_ms`` to ``turn``'s start."""
    if held is None or last is None or last.speaker == turn.speaker:
        return False
    said = sum(max(0, min(w.end_ms, turn.start_ms) - max(w.start_ms, onset_ms)) for w in last.words)
    return said >= held * max(1, turn.start_ms - onset_ms)


class Stretches(NamedTuple):
    """The map's talk (``talk_frames``), and its stretches as ``spurt_onsets`` parts them:
    where each starts, and where the talk before it stopped."""

    talk: np.ndarray
    onsets: np.ndarray
    stopped: np.ndarray


def talk_stretches(audio_map: AudioMap) -> Stretches:
    onsets, stopped, _ = spurt_onsets(audio_map)
    return Stretches(talk_frames(audio_map), onsets, stopped)


def after_left_out_talk(turns: tuple[TurnTiming, ...], stretches: Stretches, reach: int, *,
                        at_onset: int = 10) -> tuple[TurnTiming, ...]:
    """A turn after talk the text leaves out (``left_out_before``, with this module's
    ``talk_frames``: a replayed segment, an ad) that starts inside a stretch of talk (more
    than ``at_onset`` frames after its onset) starts where the stretch's next break ends,
    when that break begins within ``reach`` frames. The passes may lay a turn's first words
    on the last words of a replay in the show's own voices, which match them no worse than
    the replay's gap costs; but a turn changes at a break in the talk, and the head of this
    stretch is no turn's. The breaks are ``spurt_onsets``': 0.3 s or more without talk."""
    talk, onsets, stopped = stretches
    out = list(turns)
    for k in range(1, len(out)):
        turn, start = out[k], out[k].start_ms // HOP_MS
        if not left_out_before(talk, out[k - 1], turn):
            continue
        nxt = int(np.searchsorted(onsets, start, side="right"))  # the stretch after the one ``start`` is in
        onset = int(onsets[nxt - 1]) if nxt else 0
        if nxt == len(onsets) or start - onset <= at_onset or not start < stopped[nxt] <= start + reach:
            continue  # at the stretch's onset, in a break, or the break too far
        moved = start_after(turn, int(onsets[nxt]) * HOP_MS)
        if moved is not None:
            out[k] = moved
    return tuple(out)


def before_left_out_talk(turns: tuple[TurnTiming, ...], stretches: Stretches, reach: int,
                         run_on: int) -> tuple[TurnTiming, ...]:
    """A turn before talk the text leaves out (``left_out_before``: a replayed segment, an
    ad) that ends inside a stretch of talk, within ``reach`` frames of the stretch's onset,
    ends at the break before that stretch, when one of its words runs across the break and
    the stretch goes on for ``run_on`` frames or more after the turn's end. The passes may
    lay a turn's last words, said or not, over the first words of a replay in the show's
    own voices, the word before them stretched over the pause; but the talk that runs on
    past the turn is the replay's, and so is the head of its stretch. The mirror of
    ``after_left_out_talk``; the breaks are ``spurt_onsets``'."""
    talk, onsets, stopped = stretches
    out = list(turns)
    for k in range(len(out) - 1):
        turn, end = out[k], out[k].end_ms // HOP_MS
        if not turn.placed or not left_out_before(talk, turn, out[k + 1]):
            continue
        i = int(np.searchsorted(onsets, end, side="right")) - 1  # the stretch ``end`` is in
        if i < 0 or stopped[i] * HOP_MS <= turn.start_ms or end - onsets[i] > reach:
            continue  # the break before it lies before the turn's start, or it began too long before the end
        goes_on_to = int(stopped[i + 1]) if i + 1 < len(stopped) else len(talk)
        if goes_on_to - end < run_on:
            continue
        if not any(w.start_ms < stopped[i] * HOP_MS and w.end_ms > onsets[i] * HOP_MS for w in turn.words):
            continue  # no word of the turn runs across the break
        shorter = end_before(turn, int(stopped[i]) * HOP_MS)
        if shorter is not None:
            out[k] = shorter
    return tuple(out)


def to_sound_before_crushed_words(turns: tuple[TurnTiming, ...], blocks: list[SpokenTurn], quiet: np.ndarray,
                                  reach: int, least: int, given: float = 0.0, *, at_onset: int = 10,
                                  min_break: int = 30, talk: np.ndarray | None = None) -> tuple[TurnTiming, ...]:
    """A turn whose first ``least`` words or more the path gave no time (a frame each at
    most, or less than ``given`` of what eSpeak takes for the word), and which starts
    where sound resumes after a pause, starts where the sound before that pause began, when
    that sound lies after the end of the turn before, began within ``reach`` frames of the
    turn's start, and lasts 0.5 to 4 times what eSpeak takes for those words; they share
    it, each in proportion to eSpeak's length. The map may call a short first utterance
    after a jingle part of the jingle (music), or the path leave it to the gap before the
    turn, and lay its words on the turn's next utterance, where they get none of the time.
    The pauses are ``min_break`` frames (0.3 s) of quiet or more.

    With ``talk`` (``talk_frames``), a turn that starts where talk resumes after sound
    that is not talk (the map's music: a bed under the first utterance and the pause after
    it, a jingle's tail) counts that sound, back to the pause before it, as the sound before
    the turn: the map may call the first utterance after a jingle music up to the next one."""
    pauses = runs(quiet >= 0.5, min_break)
    resumes = np.array([b for _, b in pauses], np.int64)  # where sound resumes after each pause
    out = list(turns)
    for k in range(1, len(out)):
        turn, before = out[k], out[k - 1]
        frames = [*blocks[k].word_frames, blocks[k].end_frame]
        n = 0  # the words given no time, from the first on (the last word is never counted)
        while n < len(turn.words) - 1 and (
                (length := turn.words[n].end_ms - turn.words[n].start_ms) <= HOP_MS
                or length < given * (frames[n + 1] - frames[n]) * HOP_MS):
            n += 1
        if not turn.placed or n < least:
            continue
        start = turn.start_ms // HOP_MS
        i = int(np.searchsorted(resumes, start + at_onset, side="right")) - 1  # the pause the turn starts after
        if i < 0:
            continue
        if start - resumes[i] <= at_onset and i >= 1:
            onset, stop = int(resumes[i - 1]), pauses[i][0]  # the sound before that pause
        elif talk is not None and (begun := _talk_onset_after_sound(talk, int(resumes[i]), start, at_onset)):
            onset, stop = int(resumes[i]), begun  # the sound before the talk, since the pause
        else:
            continue  # no pause before it, or the turn starts inside its sound
        said = frames[n] - frames[0]
        if onset * HOP_MS < before.end_ms or start - onset > reach or not 0.5 * said <= stop - onset <= 4 * said:
            continue
        head = tuple(dataclasses.replace(w, start_ms=0, end_ms=int(frames[j + 1] - frames[j]))  # eSpeak's lengths
                     for j, w in enumerate(turn.words[:n]))
        words = share(head, onset * HOP_MS, turn.words[n].start_ms) + turn.words[n:]
        out[k] = dataclasses.replace(turn, start_ms=onset * HOP_MS, words=words)
    return tuple(out)


def _talk_onset_after_sound(talk: np.ndarray, since: int, start: int, at_onset: int) -> int | None:
    """The frame where talk begins within ``at_onset`` frames of ``start``, when the frames
    from ``since`` up to it hold none (sound that is not talk: the caller's pause ends at
    ``since``); else None."""
    near = np.flatnonzero(talk[max(since, start - at_onset):start + at_onset + 1])
    if not len(near):
        return None
    begun = max(since, start - at_onset) + int(near[0])
    return begun if begun > since and not talk[since:begun].any() else None


def _stretched(turn: TurnTiming, block: SpokenTurn, among: range, ratio: float, excess: int
               ) -> tuple[np.ndarray, np.ndarray, list[int]]:
    """eSpeak's length of each of ``turn``'s words and the path's (frames), and those of its
    words ``among`` these indices that the path gave ``ratio`` times eSpeak's length or more,
    and ``excess`` frames more."""
    espeak = _espeak_lengths(block)
    given = np.array([(w.end_ms - w.start_ms) / HOP_MS for w in turn.words])
    return espeak, given, [j for j in among if given[j] >= ratio * espeak[j] and given[j] - espeak[j] >= excess]


def _espeak_lengths(block: SpokenTurn) -> np.ndarray:
    """eSpeak's length of each of ``block``'s words (frames)."""
    return np.diff([*block.word_frames, block.end_frame]).astype(np.float64)


def _at_espeak_lengths(words: tuple[WordTiming, ...], espeak: np.ndarray) -> tuple[WordTiming, ...]:
    """``words`` given eSpeak's lengths (``espeak``, frames, from the first of them on), for
    ``retime.share`` to spread them in proportion to those."""
    return tuple(dataclasses.replace(w, start_ms=0, end_ms=int(e)) for w, e in zip(words, espeak))


def before_stretched_words(turns: tuple[TurnTiming, ...], blocks: list[SpokenTurn], audio_map: AudioMap,
                           before_music: list[int], *, words: int, ratio: float, excess: int, snap: int,
                           min_pause: int, near_ms: int = 500, pace: tuple[float, float] = (0.7, 1.5),
                           across_ms: int = 3000) -> tuple[TurnTiming, ...]:
    """A turn of ``before_music`` (those that the transcript puts before music, the last
    one too when music is named after it) one of whose last ``words`` words the path gave
    ``ratio`` times eSpeak's length for it or more, and ``excess`` frames more, and that
    ends where the map's music begins (from a second before its end to ``near_ms`` after,
    talk and no silence before the music), or with music of ``across_ms`` or more
    beginning inside the first such word, ends where its words from that word on are said:
    from that word's start, eSpeak's length for them at the turn's own pace (its other
    words' time over eSpeak's, within ``pace``), moved to the nearest start of a pause of
    ``min_pause`` frames or more within ``snap`` frames of that; those words share the
    time, each in proportion to eSpeak's length.
    The map may hear the first seconds of a piece as speech (its intro under a broadcast
    compressor, a voice in it): the path then lays the turn's last words across them, one
    of them stretched over seconds of music, and the caption runs on into the piece. Or it
    hears the intro as music and the song's voice after it as speech: the path lays the
    last word on that voice, the word before it stretched over the intro."""
    regions = audio_map.regions
    music = [i for i, r in enumerate(regions) if r.kind == KINDS[MUSIC] and i and regions[i - 1].kind in SPOKEN]
    starts = np.array([regions[i].start_ms for i in music], np.int64)
    # music that lasts ``across_ms`` or more, wherever it begins (in time order)
    every = np.array([r.start_ms for r in regions if r.kind == KINDS[MUSIC] and r.end_ms - r.start_ms >= across_ms],
                     np.int64)
    if not len(starts) and not len(every):
        return turns
    pause_starts = None  # found for the first turn that needs them
    out = list(turns)
    for k in before_music:
        turn = out[k]
        if not turn.placed or not turn.words:
            continue
        n = len(turn.words)
        espeak, given, stretched = _stretched(turn, blocks[k], range(max(0, n - words), n), ratio, excess)
        if not stretched:
            continue
        first = stretched[0]
        i = int(np.searchsorted(starts, turn.end_ms - 1000))
        j = int(np.searchsorted(every, turn.words[first].start_ms, side="right"))
        if (i == len(starts) or starts[i] >= turn.end_ms + near_ms) and (
                j == len(every) or every[j] >= turn.words[first].end_ms):
            continue  # no music straight after its talk, nor inside the stretched word
        own = float(np.clip(given[:first].sum() / espeak[:first].sum(), *pace)) if espeak[:first].sum() else 1.0
        onset = turn.words[first].start_ms // HOP_MS
        stop = onset + round(own * espeak[first:].sum())
        if pause_starts is None:
            pause_starts = np.array([a for a, _ in runs(audio_map.quiet >= 0.5, min_pause)], np.int64)
        near = pause_starts[(pause_starts > onset) & (np.abs(pause_starts - stop) <= snap)]
        if len(near):
            stop = int(near[np.argmin(np.abs(near - stop))])
        if stop * HOP_MS >= turn.end_ms:
            continue
        tail = _at_espeak_lengths(turn.words[first:], espeak[first:])
        out[k] = dataclasses.replace(turn, end_ms=stop * HOP_MS,
                                     words=turn.words[:first] + share(tail, onset * HOP_MS, stop * HOP_MS))
    return tuple(out)


def after_stretched_words(turns: tuple[TurnTiming, ...], blocks: list[SpokenTurn], audio_map: AudioMap,
                          after_music: list[int], *, words: int, ratio: float, excess: int, near: int,
                          min_pause: int, least_pace: float = 0.7, inside: int | None = None) -> tuple[TurnTiming, ...]:
    """A turn of ``after_music`` (those that the transcript puts after music) that starts
    within ``near`` frames of where one of the map's music regions ends straight into talk
    (no silence between), or, with ``inside``, in which such a region ends before the end
    of the last word below and no music ends in the ``inside`` frames before it, and one
    of whose first ``words`` words the path gave ``ratio`` times eSpeak's length for it or
    more, and ``excess`` frames more, starts where sound resumes after the last pause of
    ``min_pause`` frames or more inside the last such word. Its words from the first up to
    the first word that then leaves them ``least_pace`` of eSpeak's length or more share
    that time, each in proportion to eSpeak's length.
    A jingle's voice (sung, or spoken over its notes) is talk to the map: the music region
    ends where the voice comes in, the path lays the turn's first words over that voice and
    stretches one of them across the pause to where the speaker begins. The pause does not
    score as music, so ``past_music_tails`` passes it by. A jingle whose voice comes in
    over its first notes, and goes on after them, has its music region inside the turn's
    first words (``inside``). A turn that starts just after music ended is talk over a bed
    after a jingle, whose music the map may break into short regions: it stays."""
    regions = audio_map.regions
    ends = np.array([r.end_ms // HOP_MS for i, r in enumerate(regions[:-1])
                     if r.kind == KINDS[MUSIC] and regions[i + 1].kind in SPOKEN], np.int64)
    if not len(ends):
        return turns
    music_ends = np.array([r.end_ms // HOP_MS for r in regions if r.kind == KINDS[MUSIC]], np.int64)
    out = list(turns)
    for k in after_music:
        turn = out[k]
        if not turn.placed or not turn.words:
            continue
        start = turn.start_ms // HOP_MS
        if np.abs(ends - start).min() > near:
            if inside is None or np.any((music_ends < start) & (music_ends >= start - inside)):
                continue
        espeak, _, stretched = _stretched(turn, blocks[k], range(min(words, len(turn.words))), ratio, excess)
        if not stretched:
            continue
        last = turn.words[stretched[-1]]
        a, b = last.start_ms // HOP_MS, last.end_ms // HOP_MS
        if not np.any((ends >= start - near) & (ends <= b)):
            continue  # no music ends near its start, nor inside its words up to the stretched one
        pauses = [e for s, e in runs(audio_map.quiet[a:b] >= 0.5, min_pause) if e < b - a]
        if not pauses:
            continue
        resume = (a + pauses[-1]) * HOP_MS
        need = least_pace * np.cumsum(espeak) * HOP_MS
        head = next((j for j in range(stretched[-1], len(turn.words)) if turn.words[j].end_ms - resume >= need[j]),
                    len(turn.words) - 1)
        stop = turn.words[head].end_ms
        if resume >= stop:
            continue
        spoken = _at_espeak_lengths(turn.words[:head + 1], espeak)
        out[k] = dataclasses.replace(turn, start_ms=resume, words=share(spoken, resume, stop) + turn.words[head + 1:])
    return tuple(out)


def past_talk_before_silence(turns: tuple[TurnTiming, ...], blocks: list[SpokenTurn], audio_map: AudioMap, *,
                             words: int, ratio: float, excess: int, joined: int) -> tuple[TurnTiming, ...]:
    """A turn whose first ``words`` words hold a silence of the map inside one of them,
    where the talk from the turn's start to that silence lasts ``ratio`` times what eSpeak
    takes for the words up to that one and ``excess`` frames more, starts where the
    silence ends, and the turn before runs to where it begins: that talk is the last words
    of the turn before (the path laid this turn's first word over them, stretched across the
    silence); this turn's own words, said before the silence, would take about their time."""
    silent = audio_map.labels == SILENCE
    out = list(turns)
    for k in range(1, len(out)):
        before, turn = out[k - 1], out[k]
        if not (turn.placed and before.placed and turn.words) or turn.start_ms - before.end_ms > joined * HOP_MS:
            continue
        spans = [(w.start_ms // HOP_MS, w.end_ms // HOP_MS) for w in turn.words[:words]]
        j = next((j for j, (a, b) in enumerate(spans) if silent[a:b].any()), None)  # the first word holding one
        if j is None:
            continue
        a, b = spans[j]
        (stop, resume), *_ = [(a + s, a + e) for s, e in runs(silent[a:b])]
        talk, said = stop - turn.start_ms // HOP_MS, int(_espeak_lengths(blocks[k])[:j + 1].sum())
        if talk >= ratio * said and talk - said >= excess and resume < b:
            moved = move_change(before, turn, stop * HOP_MS, resume * HOP_MS)
            if moved is not None:
                out[k - 1], out[k] = moved
    return tuple(out)


def past_music_tails(turns: tuple[TurnTiming, ...], audio_map: AudioMap, near: int,
                     min_pause: int, words: int = 1) -> tuple[TurnTiming, ...]:
    """A turn that starts within ``near`` frames of where one of the map's music regions
    ends, and one of whose first ``words`` words runs across a pause of ``min_pause``
    frames or more with sound before it that mostly scores as music, starts where sound
    resumes after that pause (and after the next ones inside those words, while the sound
    before each scores as music). The map may end a jingle a few tenths of a second before
    its last notes do, or call its voice speech; the path then lays the turn's first word
    over them, and that word or the next stretched across the pause to where the speaker
    begins. A word is not parted by such a pause: what sounds before it is the music's
    tail. A pause between two words, where the path parted them, is passed over."""
    ends = np.array([r.end_ms // HOP_MS for r in audio_map.regions if r.kind == KINDS[MUSIC]], np.int64)
    if not len(ends):
        return turns
    quiet, music = audio_map.quiet >= 0.5, audio_map.music >= 0.5
    out = list(turns)
    for k, turn in enumerate(out):
        if not turn.placed or not turn.words:
            continue
        start = turn.start_ms // HOP_MS
        if np.abs(ends - start).min() > near:
            continue
        span = [(w.start_ms // HOP_MS, w.end_ms // HOP_MS) for w in turn.words[:words]]
        first, stop = span[0][0], span[-1][1]
        resume = start
        for a, b in runs(quiet[first:stop], min_pause):
            a, b = a + first, b + first
            if b < stop and not any(s <= a and b < e for s, e in span):
                continue  # between two words: the path parted them there
            sound = ~quiet[resume:a]
            if b >= stop or not sound.any() or 2 * (music[resume:a] & sound).sum() < sound.sum():
                break
            resume = b
        if resume > start:
            out[k] = start_after(turn, resume * HOP_MS) or turn
    return tuple(out)


def to_talk_after_music(turns: tuple[TurnTiming, ...], audio_map: AudioMap, after_music: list[int],
                        reach_ms: int, silence_ms: int, least_ms: int) -> tuple[TurnTiming, ...]:
    """A turn of ``after_music`` (those that the transcript puts after music), where the
    map has that music end within ``reach_ms`` before the turn's start, then a silence of
    ``silence_ms`` or more, then talk that begins ``least_ms`` or more before the turn
    does, starts where that talk begins, when the turn before ended before the music."""
    regions = audio_map.regions
    music = [j for j, r in enumerate(regions) if r.kind == KINDS[MUSIC]]  # in time order
    music_ends = np.array([regions[j].end_ms for j in music], np.int64)
    out = list(turns)
    for k in after_music:
        turn = out[k]
        if not turn.placed or not turn.words:
            continue
        n = int(np.searchsorted(music_ends, turn.start_ms + HOP_MS, side="right"))  # the music ended by then
        if not n:
            continue
        i = music[n - 1]
        if i + 2 >= len(regions) or turn.start_ms - regions[i].end_ms > reach_ms:
            continue
        if k and out[k - 1].end_ms > regions[i].start_ms:
            continue
        gap, then = regions[i + 1], regions[i + 2]
        if gap.kind != KINDS[SILENCE] or gap.end_ms - gap.start_ms < silence_ms or then.kind not in SPOKEN:
            continue
        if turn.start_ms - then.start_ms >= least_ms:
            out[k] = start_earlier(turn, then.start_ms)
    return tuple(out)


def past_stretch_tails(turns: tuple[TurnTiming, ...], stretches: Stretches, tail: int,
                       reach: int) -> tuple[TurnTiming, ...]:
    """A turn that starts in the last ``tail`` frames of a stretch of talk, whose head (a
    longer part) the turn before holds, starts where talk resumes after the stretch's
    break, when that is within ``reach`` frames; the turn before then runs to the break.
    The passes may lay a turn's first word over the last syllable of the turn before,
    which matches it no worse, and leave the pause after to that word; but a turn does not
    start in the last fraction of a second of someone's stretch of talk. The breaks are
    ``spurt_onsets``': 0.3 s or more without talk (``talk_frames``). Turns after talk the
    text leaves out are ``after_left_out_talk``'s."""
    talk, onsets, stopped = stretches
    out = list(turns)
    for k in range(1, len(out)):
        before, turn, start = out[k - 1], out[k], out[k].start_ms // HOP_MS
        if not turn.placed or not before.placed or left_out_before(talk, before, turn):
            continue
        nxt = int(np.searchsorted(onsets, start, side="right"))  # the stretch after the one ``start`` is in
        if nxt == 0 or nxt == len(onsets):
            continue
        onset, stop, resume = int(onsets[nxt - 1]), int(stopped[nxt]), int(onsets[nxt])
        if not (start < stop and stop - start <= tail and start - onset > stop - start
                and before.end_ms > onset * HOP_MS and resume - start <= reach):
            continue  # in a break, not in the stretch's tail, its head not the turn before's, or too far
        moved = move_change(before, turn, stop * HOP_MS, resume * HOP_MS)
        if moved is not None:
            out[k - 1], out[k] = moved
    return tuple(out)


def to_talk_stops(turns: tuple[TurnTiming, ...], stretches: Stretches, quiet: np.ndarray,
                  reach: int) -> tuple[TurnTiming, ...]:
    """A turn ends where its talk stops, within ``reach`` frames: one that ends inside a
    stretch of talk ends where that stretch stops (its last word with it), when no later
    turn starts before; one that ends in a pause (``quiet`` frames, mostly) after its talk
    ends where the talk stopped (its last words sharing the time left to them).
    The path ends a turn where its last word's sounds match best, often before the speaker
    stops (the word's fading end, a last word said slower than eSpeak says it, a few words
    that the edited text leaves out), or with the pause after it; a caption stays up until
    the talk stops, and no longer. The last turn does not run on: what follows the text's
    end is not known to be its talk. The stretches are ``spurt_onsets``': talk
    (``talk_frames``) without a break of 0.3 s or more."""
    talk, onsets, stopped = stretches
    if not len(onsets):
        return turns
    # where each stretch stops: where the talk before the next onset stopped; the last one,
    # at its last frame of talk
    stops = np.append(stopped[1:], np.flatnonzero(talk)[-1] + 1)
    later = np.minimum.accumulate([t.start_ms for t in turns][::-1])[::-1]  # the soonest start from each turn on
    out = list(turns)
    for k, turn in enumerate(out):
        if not turn.placed or not turn.words:
            continue
        end = turn.end_ms // HOP_MS
        i = int(np.searchsorted(onsets, end, side="right")) - 1  # the last stretch that began by ``end``
        if i < 0 or end == onsets[i]:
            continue
        stop = int(stops[i])
        if end < stop <= end + reach and k + 1 < len(out) and stop * HOP_MS <= later[k + 1]:
            out[k] = end_later(turn, stop * HOP_MS)
        elif stop < end <= stop + reach and stop * HOP_MS > turn.start_ms and quiet[stop:end].mean() >= 0.5:
            out[k] = end_before(turn, stop * HOP_MS) or turn
    return tuple(out)


def words_to_sound_ends(turns: tuple[TurnTiming, ...], quiet: np.ndarray, least: int, tail: int,
                        near: int) -> tuple[TurnTiming, ...]:
    """Each word but its turn's last ends where its sound stops: ``tail`` frames into the
    last pause of ``least`` frames or more (``quiet`` frames) inside it, when one begins
    after its first frame and ends within ``near`` frames of its end (the next word's start,
    which the path may put a little into its sound). The path gives a word every frame up
    to the next word's first, the pause after it included: a sentence's last word "lasted"
    until the next sentence began. The ``tail``: a word's fading end (a final fricative, a
    nasal) often scores quiet. A word with no such pause keeps its frames: none heard there
    (a bed, noise, words run together), or sound after it, which is likelier the word
    itself, started early by the path before the pause, than a sound of no word. The
    turn's end is ``to_talk_stops``'s, its last word's."""
    q = quiet >= 0.5
    n = len(q)
    out = list(turns)
    for k, turn in enumerate(out):
        if not turn.placed or len(turn.words) < 2:
            continue
        words = list(turn.words)
        for i, w in enumerate(words[:-1]):
            a, b = w.start_ms // HOP_MS, min(w.end_ms // HOP_MS, n)
            pauses = runs(q[a:b], least)
            if pauses and pauses[-1][0] > 0 and pauses[-1][1] >= b - a - near:
                words[i] = dataclasses.replace(w, end_ms=min(a + pauses[-1][0] + tail, b) * HOP_MS)
        if words != list(turn.words):
            out[k] = dataclasses.replace(turn, words=tuple(words))
    return tuple(out)
