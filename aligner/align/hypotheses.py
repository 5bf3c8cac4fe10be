"""Other places tried for turns the passes may have misplaced (the transcript starting late or
stopping early, a turn left on music, a turn after a replay started late, a replay the
transcript does not name, music laid in the gap of a direction that names none), each kept
when the turns it moves match better there.
"""

from __future__ import annotations

import logging

import numpy as np

from aligner.align.anchors import _first_words_held, _pins, _timecodes_off
from aligner.align.config import AlignConfig
from aligner.align.directions import _NAMED_GAPS, _after_directions
from aligner.align.model import TurnTiming
from aligner.align.timings import _path_starts
from aligner.align.weigh import (
    _doubtful, _gain_where_moved, _mean_confidence, _moved, _music_sums, _on_music, _paces, _squeeze_aware,
    _squeezed,
)
from aligner.audiomap import MUSIC, SPEECH_OVER_MUSIC, AudioMap, runs
from aligner.features import HOP_MS
from aligner.speak import SpokenTurn
from aligner.transcript.model import Transcript

log = logging.getLogger(__name__)


def _try_late_start(first_pass, place, first_starts: dict, turns: tuple[TurnTiming, ...], transcript: Transcript,
                    blocks: list[SpokenTurn], pins, config: AlignConfig) -> tuple[tuple[TurnTiming, ...], float | None]:
    """The hypothesis that the transcript starts after the recording does, when no anchor
    holds its first turns: the first pass again with the speech before the first turn at
    ``late_start_head_gap``; when it starts the first turn ``late_start_moved_ms`` or more
    later than the first pass of ``turns`` did (in ``first_starts``, by the same ``pins``), the
    phoneme passes follow (``place``), and that alignment is kept when it matches clearly
    better. Returns the turns and the head gap they were placed with (None: the usual)."""
    # a timecode that the alignment contradicts does not hold the start either (a late
    # transcript's right first timecode grouped with a shifted one as a common offset)
    off = _timecodes_off(transcript, turns, config)
    head_gap = config.late_start_head_gap
    if head_gap is None or not _start_unanchored(blocks, _pins(transcript, blocks, config, skip=off), config):
        return turns, None
    path = first_pass(config.tail_gap, pins, head_gap)
    # against a first pass, not the result: the phoneme passes move turns by more on their own
    before = first_starts.get((config.tail_gap, tuple(pins), None), [t.start_ms for t in turns])
    if _path_starts(*path)[0] - before[0] < config.late_start_moved_ms:
        return turns, None
    other = place(config.tail_gap, pins, head_gap, path)
    if not _late_start_better(turns, other, blocks, config):
        return turns, None
    log.info("the transcript seems to start after the recording does; its start was placed accordingly")
    return other, head_gap


def _search_around_misplaced(place, turns: tuple[TurnTiming, ...], blocks: list[SpokenTurn], audio_map: AudioMap,
                             config: AlignConfig) -> tuple[TurnTiming, ...]:
    """The turns left mostly on music (``_on_music``), squeezed (``_squeezed``) or
    matching poorly (``_doubtful``) are misplaced: ``place(widen)`` runs the phoneme
    passes again, their first level looking ``music_turn_reach_ms`` further around those
    turns and one on either side (the gaps around them), kept when it matches better: when
    the turns' mean confidence, each less how far its length strays from its text's, is
    higher (a squeezed turn's words match the sliver they are laid on well all the same)."""
    reported = _squeeze_aware(turns, blocks, config.confidence_duration_weight)
    misplaced = set(_on_music(turns, audio_map, config.music_turn_share))
    if config.squeezed_turn_share is not None:
        misplaced |= set(_squeezed(turns, blocks, config.squeezed_turn_share))
    if config.doubtful_turn_drop is not None:
        misplaced |= set(_doubtful(reported, config.doubtful_turn_drop))
    misplaced = {k for k in misplaced if turns[k].placed}  # not those left out
    if not config.music_turn_reach_ms or not misplaced:
        return turns
    near = sorted({j for k in misplaced for j in (k - 1, k, k + 1) if 0 <= j < len(turns)})
    other = place((tuple(near), config.music_turn_reach_ms // HOP_MS))
    here = _mean_confidence(reported, other)
    there = _mean_confidence(_squeeze_aware(other, blocks, config.confidence_duration_weight), turns)
    log.debug("turns %s misplaced: searched again %d s around them, %+.3f", sorted(misplaced),
              config.music_turn_reach_ms // 1000, there - here)
    return other if there > here else turns


def _with_after_replays(widen, after_replays: list[int], n_blocks: int, config: AlignConfig):
    """``widen`` (blocks, frames) with more blocks: for each block that follows a replay
    (``after_replays``), it and the next ones, ``replay_widen_turns`` in all (those the
    transcript has), looking ``replay_widen_ms`` further, or as far as ``widen`` looks when
    that is further."""
    if not config.replay_widen_ms or not after_replays:
        return widen
    wide = {k + j for k in after_replays for j in range(config.replay_widen_turns) if k + j < n_blocks}
    frames = config.replay_widen_ms // HOP_MS
    if widen is not None:
        wide |= set(widen[0])
        frames = max(frames, widen[1])
    return tuple(sorted(wide)), frames


def _try_past_music(weigh, turns: tuple[TurnTiming, ...], blocks: list[SpokenTurn], audio_map: AudioMap,
                    onsets: np.ndarray, pins, config: AlignConfig) -> tuple[tuple[TurnTiming, ...], list]:
    """The hypothesis that each turn left on music (``_on_music``) starts at the first onset
    of talk after its start (``onsets``), within ``past_music_reach_ms``, where the frames
    up to it hold ``past_music_least_ms`` or more of music and are mostly music (a loud bed
    under a short turn, which the map may label music, is not tried): the path laid the
    turn's words on a jingle and gave its talk to a gap (a replay's after it, the
    untranscribed rest). Not tried for a turn whose first word a pin holds. ``weigh(extra)``
    aligns again with those first words held there (``extra``, pins); kept when the turns
    it moves match better by more than ``past_music_margin`` (``_gain_where_moved``).
    Returns the turns and the pins kept."""
    held = _first_words_held(pins)
    music = audio_map.labels == MUSIC
    reach, least = config.past_music_reach_ms // HOP_MS, config.past_music_least_ms // HOP_MS
    extra = []
    for k in _on_music(turns, audio_map, config.music_turn_share):
        if k in held or not turns[k].placed:
            continue
        start = turns[k].start_ms // HOP_MS
        i = int(np.searchsorted(onsets, start + _AT_ONSET))  # the first onset clearly after the start
        if i == len(onsets) or onsets[i] - start > reach:
            continue
        heard = int(music[start:onsets[i]].sum())  # frames of music up to it
        if heard >= least and 2 * heard >= onsets[i] - start:
            extra.append((k, 0, int(onsets[i]), _HELD_AT_ONSET))
    if not extra:
        return turns, []
    other = weigh(extra)
    if not _moved_better(turns, other, extra, blocks, config, config.past_music_margin,
                         "held at the talk after the music they lay on",
                         "starts where talk follows the music it was laid on"):
        return turns, []
    return other, extra


def _try_after_named_music(weigh, turns: tuple[TurnTiming, ...], blocks: list[SpokenTurn], audio_map: AudioMap,
                           onsets: np.ndarray, pins, after_breaks: list[int], after_music: list[int],
                           config: AlignConfig) -> tuple[tuple[TurnTiming, ...], list]:
    """The hypothesis that a turn that the transcript puts after music, where the path laid
    that music elsewhere, starts at the first onset of talk after it (``onsets``): the path
    gave the music to the gap of a cheaper direction (a replay's, where music costs what it
    costs in a break) and the turns around it shifted by one. Tried in two rounds, each on
    what the one before kept: the turns laid before the music break named before them
    (``_breaks_laid_after``; ``after_breaks``, which may be the turns after any music), then
    those laid after the music named before them (``_music_laid_before``). The music is a
    run of ``named_music_least_ms`` or more of what the map labels music. Not tried for a
    turn whose first word a pin holds elsewhere (a timecode's wide window, which holds the
    turn near a time but not at one, may take it).
    ``weigh(extra)`` aligns again with those first words held there (``extra``, pins); a
    round is kept when the turns it moves match better by more than
    ``named_break_margin`` (``_gain_where_moved``): less than a turn left on music needs, as
    the alignment in hand contradicts the transcript. Returns the turns and the pins kept."""
    pieces = runs(audio_map.labels == MUSIC, config.named_music_least_ms // HOP_MS)
    kept: list = []
    for laid in (lambda turns: _breaks_laid_after(turns, after_breaks, audio_map, pieces, config),
                 lambda turns: _music_laid_before(turns, after_music, pieces)):
        # (nor where the round before holds it)
        extra = _held_at_talk_after(laid(turns), onsets, [*pins, *kept], audio_map.labels,
                                    config.named_onset_clear_ms // HOP_MS)
        if not extra:
            continue
        other = weigh(kept + extra)
        if _moved_better(turns, other, extra, blocks, config, config.named_break_margin,
                         "held at the talk after the music laid elsewhere", _AFTER_NAMED_MUSIC):
            turns, kept = other, kept + extra
    return turns, kept


def _try_music_in_earlier_gap(weigh, turns: tuple[TurnTiming, ...], blocks: list[SpokenTurn],
                               audio_map: AudioMap, onsets: np.ndarray, pins, after_music: list[int],
                               config: AlignConfig) -> tuple[TurnTiming, ...]:
    """The hypothesis that music the path laid in the gap before a turn that the transcript
    puts after no music (a replay's gap, as cheap on music as on talk) is the music named
    before a later turn, laid with none before it (``_music_laid_in_earlier_gaps``; a run
    of ``named_music_least_ms`` or more of what the map labels music): that
    turn starts at the first onset of talk after it. ``weigh(extra)`` aligns again with its
    first word held there (``_held_at_talk_after``); kept when the turns it moves match
    better by more than ``named_break_margin``."""
    pieces = runs(audio_map.labels == MUSIC, config.named_music_least_ms // HOP_MS)
    extra = _held_at_talk_after(_music_laid_in_earlier_gaps(turns, after_music, audio_map, pieces, config), onsets,
                                pins, audio_map.labels, config.named_onset_clear_ms // HOP_MS)
    if not extra:
        return turns
    other = weigh(extra)
    if not _moved_better(turns, other, extra, blocks, config, config.named_break_margin,
                         "held after the music laid in an earlier gap", _AFTER_NAMED_MUSIC):
        return turns
    return other


_AFTER_NAMED_MUSIC = "starts after the music the transcript puts before it"


def _moved_better(turns: tuple[TurnTiming, ...], other: tuple[TurnTiming, ...], extra: list,
                  blocks: list[SpokenTurn], config: AlignConfig, margin: float, tried: str, kept: str) -> bool:
    """Whether ``other``, aligned with the first words of ``extra``'s turns held, moves a
    turn and matches better than ``turns`` where the turns moved, by more than ``margin``
    (``_gain_where_moved``; a margin below 0 keeps a hold matching a little worse); the
    gain logged as what was ``tried``, each turn held as ``kept`` when it is."""
    gain = _gain_where_moved(turns, other, blocks, config.retry_duration_weight)
    log.debug("turns %s %s: %+.3f", [k for k, *_ in extra], tried, gain)
    if gain <= margin or not _moved(turns, other):
        return False
    for k, *_ in extra:
        log.info("line %d (%s): %s", blocks[k].turn.line, blocks[k].turn.speaker, kept)
    return True


def _held_at_talk_after(laid: list[tuple[int, tuple[int, int]]], onsets: np.ndarray, pins,
                        labels: np.ndarray | None = None, clear: int = 0) -> list:
    """The pins that hold the first word of each turn of ``laid`` ((turn, music) pairs) at
    the first onset of talk after its music: not where one of ``pins`` holds that word
    elsewhere (a timecode's wide window that takes the onset does not), nor a turn twice.
    With the map's ``labels`` and ``clear`` frames (``named_onset_clear_ms``), past the
    onsets whose first ``clear`` frames are mostly speech over music: a voice inside the
    music (a song's, a jingle's) is not the turn's talk."""
    extra: list = []
    for k, (_, end) in laid:
        j = int(np.searchsorted(onsets, end))  # the first onset of talk after the music
        while clear and j < len(onsets) and 2 * np.count_nonzero(
                labels[onsets[j]:onsets[j] + clear] == SPEECH_OVER_MUSIC) > clear:
            j += 1
        if j < len(onsets) and all(k != e[0] for e in extra) and all(
                abs(int(onsets[j]) - frame) <= window for block, word, frame, window in pins
                if block == k and word == 0):
            extra.append((k, 0, int(onsets[j]), _HELD_AT_ONSET))
    return extra


def _music_between(music: np.ndarray, before: TurnTiming, turn: TurnTiming) -> int:
    """Frames of music (``music``: ``_music_sums``) between the end of ``before`` and the
    start of ``turn`` (0 where ``turn`` starts first)."""
    n = len(music) - 1
    a, b = min(n, before.end_ms // HOP_MS), min(n, turn.start_ms // HOP_MS)
    return int(music[b] - music[a]) if b > a else 0


def _music_laid_in_earlier_gaps(turns: tuple[TurnTiming, ...], after_music: list[int], audio_map: AudioMap,
                                pieces: list[tuple[int, int]],
                                config: AlignConfig) -> list[tuple[int, tuple[int, int]]]:
    """(turn, music) for each gap before a turn that the transcript puts after no music
    (``after_music``) where the path laid music of ``pieces``: the first such music, and the
    first turn after the gap that the transcript puts after music, when the path laid under
    ``named_break_least_ms`` of music before that turn."""
    music, named, order = _music_sums(audio_map), set(after_music), sorted(after_music)
    out = []
    for j in range(1, len(turns)):
        if j in named or not turns[j - 1].placed or not turns[j].placed:
            continue
        a, b = turns[j - 1].end_ms // HOP_MS, turns[j].start_ms // HOP_MS
        inside = [piece for piece in pieces if piece[0] >= a and piece[1] <= b]
        k = next((k for k in order if k > j), None)
        if not inside or k is None or not turns[k].placed or not turns[k - 1].placed:
            continue
        if _music_between(music, turns[k - 1], turns[k]) < config.named_break_least_ms // HOP_MS:
            out.append((k, inside[0]))
    return out


def _breaks_laid_after(turns: tuple[TurnTiming, ...], after_breaks: list[int], audio_map: AudioMap,
                       pieces: list[tuple[int, int]], config: AlignConfig) -> list[tuple[int, tuple[int, int]]]:
    """(turn, music) for each turn that the transcript puts after a music break but which
    the path laid with under ``named_break_least_ms`` of music between it and the turn
    before (speech over music counted as music, a voiced jingle's, with
    ``named_break_voiced``): the first music of ``pieces`` that begins within
    ``named_break_reach_ms`` after its start (the path laid it on the talk before the
    break, a loosely transcribed speaker's, squeezed)."""
    music, n = _music_sums(audio_map, voiced=config.named_break_voiced), len(audio_map.labels)
    starts = np.array([a for a, _ in pieces], np.int64)
    out = []
    for k in after_breaks:
        before, turn = turns[k - 1], turns[k]
        if not turn.placed or not before.placed:
            continue
        if _music_between(music, before, turn) >= config.named_break_least_ms // HOP_MS:
            continue  # the break lies between them
        b = min(n, turn.start_ms // HOP_MS)
        i = int(np.searchsorted(starts, b))  # the first music that begins after the turn's start
        if i < len(pieces) and pieces[i][0] - b <= config.named_break_reach_ms // HOP_MS:
            out.append((k, pieces[i]))
    return out


def _music_laid_before(turns: tuple[TurnTiming, ...], after_music: list[int],
                       pieces: list[tuple[int, int]]) -> list[tuple[int, tuple[int, int]]]:
    """(turn, music) for each turn that the transcript puts after music (``after_music``: a
    jingle, a break) when the turn before it follows no music there, but the path laid
    music of ``pieces`` in the gap before that turn: the last such music (the path gave the
    turn before's talk to the gap before it and laid that turn on this one's)."""
    named = set(after_music)
    out = []
    for k in after_music:
        if k < 2 or k - 1 in named:
            continue
        earlier, before, turn = turns[k - 2], turns[k - 1], turns[k]
        if not (turn.placed and before.placed and earlier.placed):
            continue
        a, b = earlier.end_ms // HOP_MS, before.start_ms // HOP_MS
        inside = [piece for piece in pieces if piece[0] >= a and piece[1] <= b]
        if inside:
            out.append((k, inside[-1]))
    return out


def _end_unanchored(blocks: list[SpokenTurn], pins, config: AlignConfig) -> bool:
    """No timecode anchor within the last ``early_end_anchor_share`` of the text (by
    synthetic frames): nothing says where the transcript ends."""
    sizes = np.cumsum([len(b.features) for b in blocks])
    last = max((block for block, *_ in pins), default=-1)
    return last < 0 or sizes[last] < (1.0 - config.early_end_anchor_share) * sizes[-1]


def _start_unanchored(blocks: list[SpokenTurn], pins, config: AlignConfig) -> bool:
    """No timecode anchor within the first ``early_end_anchor_share`` of the text (by
    synthetic frames): nothing says where the transcript starts."""
    sizes = np.cumsum([0] + [len(b.features) for b in blocks])
    first = min((block for block, *_ in pins), default=len(blocks))
    return sizes[first] > config.early_end_anchor_share * sizes[-1]


def _late_start_better(turns: tuple[TurnTiming, ...], other: tuple[TurnTiming, ...], blocks: list[SpokenTurn],
                       config: AlignConfig) -> bool:
    """Whether the late-start alignment ``other`` matches clearly better than ``turns``: by
    ``late_start_margin`` of mean confidence, or at all and by ``late_start_moved_gain``
    on the turns it moves (see ``_gain_where_moved``)."""
    overall = _mean_confidence(other, turns) - _mean_confidence(turns, other)
    where_moved = _gain_where_moved(turns, other, blocks, config.retry_duration_weight)
    log.debug("late start: mean confidence %+.3f, %+.3f where moved", overall, where_moved)
    return overall > config.late_start_margin or (overall > 0 and where_moved > config.late_start_moved_gain)


def _early_end_better(turns: tuple[TurnTiming, ...], other: tuple[TurnTiming, ...], config: AlignConfig) -> bool:
    """Whether the early-end hypothesis ``other`` matches better than ``turns`` by more than
    ``early_end_margin`` of mean confidence."""
    gain = _mean_confidence(other, turns) - _mean_confidence(turns, other)
    log.debug("early end: mean confidence %+.4f", gain)
    return gain > config.early_end_margin


def _try_unnamed_replay(place, turns: tuple[TurnTiming, ...], blocks: list[SpokenTurn],
                        config: AlignConfig) -> tuple[TurnTiming, ...]:
    """The hypothesis, for a transcript that names no replay and no music, that untranscribed
    talk lies next to the run of turns matching worst: the worst of those
    ``unnamed_replay_drop`` or more under the turns' median confidence and slower than their
    text takes (stretched over talk that is not theirs), with its neighbours half as poor and
    slow too. ``place(opened)`` aligns again with the gaps before and after the run priced as
    around a named replay; kept when it matches better (``_gain_where_moved``)."""
    if sum(t.placed for t in turns) < 3:
        return turns
    reported = _squeeze_aware(turns, blocks, config.confidence_duration_weight)
    paces = _paces(turns, blocks)
    poor = [k for k in _doubtful(reported, config.unnamed_replay_drop)
            if k > 0 and paces[k] > config.unnamed_replay_pace]
    if not poor:
        return turns
    worst = min(poor, key=lambda j: reported[j].confidence)
    half = set(_doubtful(reported, config.unnamed_replay_drop / 2))

    def also_poor(j: int) -> bool:  # matches poorly too and runs slow: of the same run
        return j > 0 and j in half and paces[j] > 0

    first = last = worst
    while also_poor(first - 1):
        first -= 1
    while also_poor(last + 1):
        last += 1
    # the talk may lie before the run or after it (the text pulled back into it): both
    # gaps open, the alignment chooses
    opened = (first, last + 1) if last + 1 < len(turns) else (first,)
    other = place(opened)
    gain = _gain_where_moved(turns, other, blocks, config.retry_duration_weight)
    log.debug("untranscribed talk around turns %d-%d: %+.3f", first, last, gain)
    if gain <= config.unnamed_replay_margin:
        return turns
    log.info("the recording seems to hold talk that the transcript leaves out near lines %d-%d; "
             "its turns were placed accordingly", blocks[first].turn.line, blocks[last].turn.end_line)
    return other


def _try_earlier_after_gap(weigh, turns: tuple[TurnTiming, ...], transcript: Transcript,
                           blocks: list[SpokenTurn], onsets: np.ndarray, pins,
                           config: AlignConfig, music: np.ndarray | None = None) -> list[tuple[int, int, int, int]]:
    """The hypothesis that a turn after a named replay or music (``_NAMED_GAPS``)
    starts one, two or more stretches of talk earlier than the path has it. A replay's gap
    is cheap on speech, and a turn's text takes less time in eSpeak's voice than in the
    recording: the path may leave the turn's first utterances to the replay and lay all its
    words over the rest (a replay in the show's own voices, its last words alike the turn's
    first ones); a short first utterance right after a jingle goes to the jingle's gap the
    same way. Only talk counts (``turn_edges.talk_frames``): where the music goes on to the
    turn, no stretch of it lies before the turn, and the turn is not tried. Tried for such
    turns (that run faster than usual, ``_paces`` under ``after_replay_pace``, when that is
    given) whose first word no anchor holds: ``weigh(extra)`` aligns again with each one's
    first word held (``extra``, pins) to the last of the talk ``onsets`` before its start,
    within ``after_replay_reach_ms`` and after the turn before it ends; then, once more for
    each, to the onset before that one, within the same reach, up to
    ``after_replay_onsets`` onsets back. Returns the pins of those whose words match better
    at one of them by ``after_replay_margin`` of reported confidence (less how far its
    length strays: ``_squeeze_aware``), each at the furthest onset that matches better by
    that margin than the turn where it is and than every nearer onset: the caller holds
    them there. (Two onsets back may match better than one, where the first utterance
    went to the replay and the second was squeezed; and one back may match nearly as well
    as two, where two is the replay's last clip.)

    With ``music`` (frames the map labels music), a turn that starts inside music is tried
    at the last onsets before that music, within the reach of the music's start: the path
    may give a short turn between a replay and a music break to the replay's gap, and lay
    its words on the break's last seconds."""
    pace = config.after_replay_pace
    paces = _paces(turns, blocks) if pace is not None else None
    held = _first_words_held(pins)
    music_starts = np.array([a for a, _ in runs(music)], np.int64) if music is not None else None
    tried: dict[int, list[int]] = {}  # each turn tried: the onsets, from the nearest back
    for k in _after_directions(transcript, blocks, _NAMED_GAPS):
        turn, start = turns[k], turns[k].start_ms // HOP_MS
        if k in held or not turn.placed or (pace is not None and paces[k] >= pace):
            continue
        if music_starts is not None and start < len(music) and music[start]:
            start = int(music_starts[np.searchsorted(music_starts, start, side="right") - 1])  # where that music began
        i = int(np.searchsorted(onsets, start - _AT_ONSET)) - 1  # the last onset clearly before the start
        back = []
        while i >= 0 and len(back) < config.after_replay_onsets \
                and start - onsets[i] <= config.after_replay_reach_ms // HOP_MS \
                and onsets[i] * HOP_MS >= turns[k - 1].end_ms:
            back.append(int(onsets[i]))
            i -= 1
        if back:
            tried[k] = back
    if not tried:
        return []
    weight = config.confidence_duration_weight
    here = _squeeze_aware(turns, blocks, weight)
    gains: dict[int, list[float]] = {k: [] for k in tried}
    for n in range(max(map(len, tried.values()))):  # one pass for each onset further back
        extra = [(k, 0, back[n], _HELD_AT_ONSET) for k, back in tried.items() if len(back) > n]
        there = _squeeze_aware(weigh(extra), blocks, weight)
        for k, *_ in extra:
            gains[k].append(there[k].confidence - here[k].confidence)
    log.debug("turns after a replay or music held one stretch earlier or more: %s",
              ", ".join(f"{k} " + " ".join(f"{g:+.3f}" for g in gains[k]) for k in sorted(gains)))
    better = []
    for k, back in tried.items():
        at, best = None, 0.0  # (the turn where it is: no gain)
        for n, gain in enumerate(gains[k]):  # from the nearest onset back
            if gain >= best + config.after_replay_margin:
                at = n
            best = max(best, gain)
        if at is not None:
            better.append((k, 0, back[at], _HELD_AT_ONSET))
            log.info("line %d (%s): starts earlier, where the replay or music before it ends",
                     blocks[k].turn.line, blocks[k].turn.speaker)
    return better


_AT_ONSET = 5  # frames: a turn starting this close after an onset starts there


_HELD_AT_ONSET = 15  # frames either side of the onset that the held first word may take


def _end_in_doubt(turns: tuple[TurnTiming, ...], config: AlignConfig) -> bool:
    """The last quarter of the turns (three at least) matches worse than the others, by
    ``early_end_doubt`` of mean confidence: their text may have been spread over audio it
    does not cover (the transcript stops before the recording does)."""
    k = max(3, len(turns) // 4)
    if len(turns) <= k:
        return False
    return _mean_confidence(turns[:-k]) - _mean_confidence(turns[-k:]) > config.early_end_doubt
