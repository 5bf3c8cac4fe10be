"""Turn changes where the voice changes: the last step of the align stage.

The passes weigh who is speaking over a second of sound, so at a change of speaker they
cannot tell the last words of one turn from the first of the next when the text does not
(a loosely transcribed turn's first words given to the turn before, or the reverse). Here a
classifier of the speakers' voices, learnt from the aligned turns over a shorter window,
looks at the pauses near each change of speaker: the change moves to the pause that parts
the two voices best, when the speech it moves sounds clearly like the speaker it goes to.
The same holds where a turn follows talk the text leaves out (a replayed segment, an ad):
the passes give a loosely transcribed turn's first words to that talk when they match the
text worse than a gap costs; its voices are learnt too, and the turn starts where its
speaker's voice parts from them and from the other speakers'. The mirror: a turn whose
last words the passes laid over the first seconds of such talk ends where its speaker's
voice gives way to that talk's.

Two speaker names need not be two voices (a host named two ways, two similar voices): the
classifier then tells them apart by what they say, a weak difference, under the margin.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import numpy as np
from scipy.ndimage import uniform_filter1d

from aligner.align.model import TurnTiming
from aligner.align.retime import end_before, end_later, move_change, start_after, start_earlier
from aligner.audiomap import KINDS, MUSIC, SILENCE, AudioMap, runs
from aligner.discriminant import LinearDiscriminant
from aligner.features import HOP_MS

LEFT_OUT_MS = 1500  # more talk than this between two turns is talk the text leaves out
# this much music or more parts two turns: a change is not moved across it (a jingle between
# them). Less is a blip that the map heard in talk over a bed (0.3 s on the bench)
MIN_MUSIC_MS = 1000


def voice_features(cepstra: np.ndarray, window_ms: int) -> np.ndarray:
    """Cepstra (without the loudness) averaged over ``window_ms``, standardised: who is
    speaking (the passes' speaker classifier weighs a second, this module half of one)."""
    x = uniform_filter1d(cepstra[:, 1:], max(1, window_ms // HOP_MS), axis=0)
    return ((x - x.mean(axis=0)) / (x.std(axis=0) + 1e-5)).astype(np.float32)


def mapped_voice_features(cepstra: np.ndarray, audio_map: AudioMap, window_ms: int) -> np.ndarray:
    """``voice_features`` of the frames of ``cepstra`` that ``audio_map`` covers: those that
    ``to_voice_changes`` weighs (the align stage computes them ahead, beside its first steps)."""
    return voice_features(cepstra[:len(audio_map.quiet)], window_ms)


def to_voice_changes(turns: tuple[TurnTiming, ...], cepstra: np.ndarray, audio_map: AudioMap, *,
                     window_ms: int, reach_ms: int, min_pause_ms: int, min_moved_ms: int,
                     margin: float, max_gap_ms: int = LEFT_OUT_MS, left_out_reach_ms: int | None = None,
                     left_out_voices: int = 2, voice: np.ndarray | None = None,
                     min_music_ms: int = MIN_MUSIC_MS, after_named: frozenset = frozenset(),
                     ends_before_left_out: bool = False, min_end_moved_ms: int = 300,
                     left_out_margin: float | None = None,
                     run_on_margin: float | None = None, relearn: bool = False,
                     relearn_end: bool = False, relearn_later: bool = False) -> tuple[TurnTiming, ...]:
    """``turns`` with each change of speaker moved, within ``reach_ms``, to the onset after
    a pause of ``min_pause_ms`` or more where the voices part best (the sum over the speech
    between of the log-likelihood ratio of the two speakers' voices), when that moves at
    least ``min_moved_ms`` of speech whose mean ratio is ``margin`` or more, and never so
    that a turn takes over ``min_music_ms`` or more of what the map calls music.

    A turn after talk left out (more than ``max_gap_ms`` of it between two turns: a
    replayed segment, an ad) moves the same way, within ``left_out_reach_ms`` (None: it
    does not), to where its speaker's voice parts best from every other one: the left-out
    talk's, learnt as ``left_out_voices`` voices, and the other speakers' (a replay may hold
    the show's own voices).

    ``left_out_margin`` (None: ``margin``) is the margin after talk left out instead: the
    speech moved there has the left-out talk on one side, not a speaker of the show.

    With ``relearn``, a turn after talk left out that stays so is weighed once more, for an
    earlier start only, with the voices learnt again without the left-out talk within the
    reach before it (``_relearnt_without``): the passes may leave a loosely transcribed
    turn's first utterances to a replay before it, and its speaker's voice, learnt from
    them as left-out talk, then parts from nothing there. The talk it would take must lie as
    near the speaker's voice as most of its own talk does (``_sounds_like``): a voice heard
    only there, learnt by nothing once left out, may be likelier the speaker's than any.
    With ``relearn_later``, the mirror, for a later start: the voices learnt again without
    the speaker's talk within the reach (``_relearnt_without_own``), when the passes laid
    the turn's first words over the left-out talk's last and the speaker's voice was learnt
    from it; the talk given up must lie further from the speaker's voice than most of the
    rest of its talk.

    The turns ``after_named`` (indices: those the transcript puts after music) move the same
    way as after left-out talk, when ``left_out_reach_ms`` is given: a voice over a jingle
    may have taken the turn's first words, and one like the left-out talk's, or another
    speaker's, gives them up.

    With ``ends_before_left_out`` (and the left-out talk's voices learnt), the mirror: a
    turn before talk left out, or before music named after it (``after_named`` holds the
    next turn), ends, stretch by stretch (each within ``left_out_reach_ms``), where its
    speaker's voice gives way to the left-out talk's: at the start of the pause after which
    the talk up to its end sounds most like that talk, by ``margin`` over ``min_end_moved_ms``
    of talk or more (``_end_before_left_out``). The passes may lay a turn's last words over
    the first words of a replay, the word before them stretched over the pause. Weighed
    against the left-out talk only: a turn's own last words sound like another speaker's
    often enough (a held-out episode had one cut 2.3 s short so).
    With ``relearn_end``, a turn that keeps its end is weighed once more with the voices
    learnt again without its speaker's talk within the reach: the left-out talk's first
    words, laid under its last, were learnt as its speaker's voice.

    With ``run_on_margin`` (and the left-out talk's voices learnt), a turn before talk left
    out runs on over the talk after its end that sounds like its speaker by that margin
    against every other voice, within ``left_out_reach_ms``, up to a pause as long as any it
    runs across (``_end_after_left_out``): the passes leave a loosely transcribed turn's last
    utterance to the replay after it.

    ``voice``: ``mapped_voice_features`` at ``window_ms``, when computed already."""
    heard = _hear(turns, cepstra, audio_map, window_ms=window_ms, min_pause_ms=min_pause_ms, max_gap_ms=max_gap_ms,
                  left_out_voices=left_out_voices if left_out_reach_ms is not None else None, voice=voice)
    if heard is None:
        return turns
    far = None if left_out_reach_ms is None else left_out_reach_ms // HOP_MS
    out = list(turns)
    for k in range(1, len(out)):
        moved = _moved_change(heard, out[k - 1], out[k], named=k in after_named and far is not None,
                              reach=reach_ms // HOP_MS, far=far, least=min_moved_ms // HOP_MS, margin=margin,
                              left_out_margin=left_out_margin, max_gap_ms=max_gap_ms,
                              min_music=min_music_ms // HOP_MS, relearn=relearn, relearn_later=relearn_later)
        if moved is not None:
            out[k - 1], out[k] = moved
    if ends_before_left_out and heard.left_out is not None:
        for k in range(len(out) - 1):
            if out[k].words and (k + 1 in after_named or left_out_before(heard.talk, out[k], out[k + 1], max_gap_ms)):
                # stretch by stretch, while the talk it gives up sounds like the left-out talk
                while (shorter := _end_before_left_out(out[k], heard, far, min_end_moved_ms // HOP_MS,
                                                       margin, relearn_end)) is not None:
                    out[k] = shorter
    if run_on_margin is not None and heard.left_out is not None:
        for k in range(len(out) - 1):
            if out[k].words and left_out_before(heard.talk, out[k], out[k + 1], max_gap_ms):
                out[k] = _end_after_left_out(out[k], out[k + 1].start_ms, heard, far, min_end_moved_ms // HOP_MS,
                                             run_on_margin) or out[k]
    return tuple(out)


_MIN_TALK = 100  # frames of talk a speaker needs for its voice to be learnt
# times as much left-out talk elsewhere as where a turn's start is weighed, for the voices
# to be learnt again without the latter
_KEPT_LEFT_OUT = 2


@dataclass(frozen=True)
class _Heard:
    """What ``to_voice_changes`` learns and hears once, per frame up to the map's end."""

    names: dict[str, int]  # each speaker's column in ``logp``
    talk: np.ndarray  # whether the frame is talk (neither quiet nor music)
    logp: np.ndarray  # each voice's log-probability
    left_out: int | None  # the column of the left-out talk's likeliest voice, if learnt
    pause_starts: np.ndarray  # the frames where pauses begin
    onsets: np.ndarray  # the frames where they end
    lasting: np.ndarray  # how long each lasts (a silence of the map's across a click, whole)
    music: np.ndarray  # the frames of music before each frame
    # what the voices were learnt from, to learn them again without some of the left-out
    # talk: (voice features, the turns' talk frames, their speakers' columns, the left-out
    # talk's frames, how many voices it is learnt as)
    learnt: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, int] | None = None


def _hear(turns: tuple[TurnTiming, ...], cepstra: np.ndarray, audio_map: AudioMap, *, window_ms: int,
          min_pause_ms: int, max_gap_ms: int, left_out_voices: int | None,
          voice: np.ndarray | None) -> _Heard | None:
    """The speakers' voices learnt from their turns (and, with ``left_out_voices``, the
    voices of the talk that lies between turns, more than ``max_gap_ms`` of it), the pauses
    of ``min_pause_ms`` or more; None when fewer than two speakers have enough talk to learn
    (``_MIN_TALK``). A speaker with less (a caller's line) is left out of what is learnt,
    and the changes of voice to and from its turns stay where they are."""
    if len(turns) < 2:
        return None
    talk = (audio_map.quiet < 0.5) & (audio_map.music < 0.5)
    n = min(len(talk), len(cepstra))
    talk = talk[:n]
    said = [_talk_frames(talk, t.start_ms, t.end_ms) for t in turns]
    heard_of = Counter()
    for f, t in zip(said, turns):
        heard_of[t.speaker] += len(f)
    names = {s: k for k, s in enumerate(s for s, m in heard_of.items() if m >= _MIN_TALK)}
    if len(names) < 2:
        return None
    kept = [(f, t) for f, t in zip(said, turns) if t.speaker in names]
    frames = np.concatenate([f for f, _ in kept])
    labels = np.concatenate([np.full(len(f), names[t.speaker], np.int64) for f, t in kept])
    if voice is None:
        voice = mapped_voice_features(cepstra, audio_map, window_ms)
    left_out = learnt = None
    if left_out_voices is not None:
        unsaid = [f for f in (_talk_frames(talk, a.end_ms, b.start_ms) for a, b in zip(turns, turns[1:]))
                  if len(f) > max_gap_ms // HOP_MS]
        if sum(map(len, unsaid)) >= 100:
            unsaid_frames = np.concatenate(unsaid)
            left_out = len(names)
            learnt = (voice, frames, labels, unsaid_frames, left_out_voices)
    logp = _voices_heard(voice, frames, labels, left_out, learnt[3] if learnt else None, left_out_voices, voice)
    pauses = [(a, b) for a, b in runs(audio_map.quiet[:n] >= 0.5, min_pause_ms // HOP_MS) if b < n]
    starts, ends = np.array(pauses, np.int64).reshape(-1, 2).T
    return _Heard(names, talk, logp, left_out, pause_starts=starts, onsets=ends,
                  lasting=_lasting(starts, ends, audio_map),
                  music=np.concatenate([[0], np.cumsum(audio_map.labels[:n] == MUSIC)]), learnt=learnt)


def _voices_heard(voice: np.ndarray, said: np.ndarray, speakers: np.ndarray, left_out: int | None,
                  unsaid: np.ndarray | None, left_out_voices: int | None, heard: np.ndarray) -> np.ndarray:
    """The log-probability at each frame of ``heard`` (voice features) of each speaker's
    voice, learnt from their talk (``said`` frames, ``speakers`` columns), and, with
    ``left_out`` (its column), of the likeliest voice of the ``unsaid`` talk, learnt as
    ``left_out_voices`` voices."""
    if left_out is None:
        return LinearDiscriminant(int(speakers.max()) + 1, 0).fit(voice, said, speakers).log_proba(heard)
    frames = np.concatenate([said, unsaid])
    labels = np.concatenate([speakers, left_out + _voice_groups(voice[unsaid], left_out_voices, least=100)])
    logp = LinearDiscriminant(int(labels.max()) + 1, 0).fit(voice, frames, labels).log_proba(heard)
    return np.concatenate([logp[:, :left_out], logp[:, left_out:].max(axis=1, keepdims=True)], axis=1)


def _relearnt_without(heard: _Heard, lo: int, hi: int, cut: int) -> np.ndarray | None:
    """The log-probabilities of the voices from ``lo`` to ``hi``, learnt again without the
    left-out talk from ``lo`` to ``cut``; None when none lies there, or when under
    ``_KEPT_LEFT_OUT`` times as much lies elsewhere (voices heard only there would go
    unlearnt)."""
    if heard.learnt is None:
        return None
    voice, said, speakers, unsaid, k = heard.learnt
    keep = (unsaid < lo) | (unsaid >= cut)
    if keep.all() or keep.sum() < _KEPT_LEFT_OUT * (~keep).sum():
        return None
    return _voices_heard(voice, said, speakers, heard.left_out, unsaid[keep], k, voice[lo:hi])


def _relearnt_without_own(heard: _Heard, speaker: int, lo: int, hi: int) -> np.ndarray | None:
    """The log-probabilities of the voices from ``lo`` to ``hi``, learnt again without the
    talk of ``speaker`` (column) there; None when the voices were learnt without left-out
    talk, or when under ``_KEPT_LEFT_OUT`` times as much of the speaker's talk lies
    elsewhere."""
    if heard.learnt is None:
        return None
    voice, said, speakers, unsaid, k = heard.learnt
    drop = (speakers == speaker) & (said >= lo) & (said < hi)
    if not drop.any() or (speakers == speaker).sum() - drop.sum() < _KEPT_LEFT_OUT * drop.sum():
        return None
    return _voices_heard(voice, said[~drop], speakers[~drop], heard.left_out, unsaid, k, voice[lo:hi])


def _sounds_like(heard: _Heard, frames: np.ndarray, speaker: int, *, apart: bool = False) -> bool:
    """Whether the talk of ``frames`` lies as near the voice of ``speaker`` (column) as
    most of its own talk: their median Mahalanobis distance to its mean voice (the
    speakers' pooled spread) is within the 90th percentile of its own talk's. Another
    voice, heard nowhere else, may be likelier the speaker's than any learnt, yet far from
    all of them. ``apart``: ``frames`` are the speaker's own talk as laid, weighed against
    the rest of it."""
    voice, said, speakers, *_ = heard.learnt
    if apart:
        keep = ~np.isin(said, frames)
        said, speakers = said[keep], speakers[keep]
    x = voice[said].astype(np.float64)
    means = np.stack([x[speakers == c].mean(axis=0) for c in range(int(speakers.max()) + 1)])
    spread = np.linalg.inv(np.cov((x - means[speakers]).T) + 1e-2 * np.eye(x.shape[1]))

    def distance(f: np.ndarray) -> np.ndarray:
        d = f - means[speaker]
        return np.einsum("ij,jk,ik->i", d, spread, d)

    return bool(np.median(distance(voice[frames].astype(np.float64)))
                <= np.percentile(distance(x[speakers == speaker]), 90))


def _lasting(starts: np.ndarray, ends: np.ndarray, audio_map: AudioMap) -> np.ndarray:
    """How long each pause (``starts`` to ``ends``, frames) lasts: the whole of the map's
    silence it begins in, when longer (a click parts a silence into two pauses)."""
    silent = np.array([(r.start_ms // HOP_MS, r.end_ms // HOP_MS) for r in audio_map.regions
                       if r.kind == KINDS[SILENCE]], np.int64).reshape(-1, 2)
    if not len(silent):
        return ends - starts
    i = np.maximum(np.searchsorted(silent[:, 0], starts, side="right") - 1, 0)  # the silence before each
    whole = silent[i, 1] - silent[i, 0]
    return np.where((silent[i, 0] <= starts) & (starts < silent[i, 1]), np.maximum(ends - starts, whole),
                    ends - starts)


def _moved_change(heard: _Heard, before: TurnTiming, turn: TurnTiming, *, named: bool, reach: int,
                  far: int | None, least: int, margin: float, left_out_margin: float | None, max_gap_ms: int,
                  min_music: int, relearn: bool = False,
                  relearn_later: bool = False) -> tuple[TurnTiming, TurnTiming] | None:
    """``before`` and ``turn`` with the change between them moved to the onset where the
    voices part best (``to_voice_changes``; ``far``: the reach after talk left out, or after
    music when ``named``; ``relearn``, ``relearn_later``: see there), or None when it stays."""
    talk, logp, onsets, n = heard.talk, heard.logp, heard.onsets, len(heard.talk)
    cur = turn.start_ms // HOP_MS
    # weighed as after talk left out: after such talk, or after music named there
    after_talk = left_out_before(talk, before, turn, max_gap_ms)
    as_left_out = named or after_talk
    if not turn.words or (as_left_out and heard.left_out is None and not named):
        return None  # (too little talk left out to learn its voices)
    if not as_left_out and before.speaker == turn.speaker:
        return None  # no change of voice
    mine = heard.names.get(turn.speaker)
    if mine is None or (not as_left_out and before.speaker not in heard.names):
        return None  # a voice not learnt
    if as_left_out:
        lo, hi = max(before.end_ms // HOP_MS + 1, cur - far), min(turn.end_ms // HOP_MS, cur + far, n)
        theirs = np.delete(logp[lo:hi], mine, axis=1).max(axis=1)
    else:
        lo, hi = max(before.start_ms // HOP_MS + 1, cur - reach), min(turn.end_ms // HOP_MS, cur + reach, n)
        theirs = logp[lo:hi, heard.names[before.speaker]]
    candidates = onsets[(onsets > lo) & (onsets < hi)]
    if not len(candidates) or hi <= lo:
        return None
    needed = left_out_margin if after_talk and left_out_margin is not None else margin

    def parted(ratio: np.ndarray, candidates: np.ndarray) -> int | None:
        """The onset where the voices part best, if it moves the change enough."""
        if not len(candidates):
            return None
        ratio = np.where(talk[lo:hi], ratio, 0.0)
        spoken = np.concatenate([[0], np.cumsum(ratio)])  # the next speaker's evidence before each frame
        heard_talk = np.concatenate([[0], np.cumsum(talk[lo:hi])])
        at = int(candidates[np.argmin(spoken[candidates - lo])])
        now = min(max(cur, lo), hi)
        a, b = sorted((at, now))
        moved = int(heard_talk[b - lo] - heard_talk[a - lo])
        # the evidence for the split at ``at`` over the split now: the speech moved sounds
        # like the speaker it goes to (either way, this is the drop of ``spoken``)
        gain = float(spoken[now - lo] - spoken[at - lo])
        return None if at == cur or moved < least or gain < needed * moved else at

    at = parted(logp[lo:hi, mine] - theirs, candidates)
    if at is None and relearn and as_left_out and (relearnt := _relearnt_without(heard, lo, hi, cur)) is not None:
        # the turn's first talk, left to the left-out talk, was learnt as its voice: learnt
        # again without the talk before the turn, an earlier start that sounds like the
        # speaker (``_sounds_like``) is taken
        at = parted(relearnt[:, mine] - np.delete(relearnt, mine, axis=1).max(axis=1), candidates[candidates < cur])
        if at is not None and not _sounds_like(heard, np.flatnonzero(talk[at:cur]) + at, mine):
            at = None
    if at is None and relearn_later and after_talk and (own := _relearnt_without_own(heard, mine, lo, hi)) is not None:
        # the left-out talk's last words, laid under the turn's first, were learnt as the
        # speaker's voice: learnt again without them, a later start where the talk given up
        # sounds unlike the speaker is taken
        at = parted(own[:, mine] - np.delete(own, mine, axis=1).max(axis=1), candidates[candidates > cur])
        if at is not None and _sounds_like(heard, np.flatnonzero(talk[cur:at]) + cur, mine, apart=True):
            at = None
    if at is None:
        return None
    stop = int(heard.pause_starts[np.searchsorted(onsets, at)])  # the pause before ``at`` begins
    # what a turn takes over: from its new start to its old one, or, for the turn before,
    # from its old end to its new one (moved later after left-out talk, that talk takes it)
    taken = (at, cur) if at < cur else None if as_left_out else (before.end_ms // HOP_MS, stop)
    if taken and heard.music[min(taken[1], n)] - heard.music[min(taken[0], n)] >= min_music:
        return None  # not across music: a turn would run over a jingle to the next one's first words
    if as_left_out:  # the left-out talk takes or gives up the difference
        moved_turn = start_earlier(turn, at * HOP_MS) if at < cur else start_after(turn, at * HOP_MS)
        return None if moved_turn is None else (before, moved_turn)
    return move_change(before, turn, stop * HOP_MS, at * HOP_MS)


def _end_before_left_out(turn: TurnTiming, heard: _Heard, reach: int, least: int, margin: float,
                         relearn: bool = False) -> TurnTiming | None:
    """``turn`` ending at the pause start within ``reach`` frames before its end after which
    its talk sounds least like its speaker's and most like the left-out talk's, when that
    moves ``least`` frames of talk or more whose mean log-likelihood ratio is ``margin`` or
    more; else None. With ``relearn``, when it would stay, the voices are learnt again
    without the speaker's talk within the reach (``_relearnt_without_own``) and weighed so,
    the talk it gives up lying further from the speaker's voice than most of its own talk
    (not ``_sounds_like``)."""
    talk, pause_starts = heard.talk, heard.pause_starts
    mine, left_out = heard.names.get(turn.speaker), heard.left_out
    if mine is None:
        return None
    cur = min(turn.end_ms // HOP_MS, len(talk))
    lo = max(turn.start_ms // HOP_MS + 1, cur - reach)
    candidates = pause_starts[(pause_starts > lo) & (pause_starts < cur)]
    if not len(candidates):
        return None

    def parted(logp: np.ndarray) -> int | None:
        """The pause start after which the talk gives way, if by enough."""
        ratio = np.where(talk[lo:cur], logp[:, mine] - logp[:, left_out], 0.0)
        # the speaker's evidence from each frame to the turn's end, and the talk there
        kept = np.concatenate([np.cumsum(ratio[::-1])[::-1], [0.0]])
        talk_after = np.concatenate([np.cumsum(talk[lo:cur][::-1])[::-1], [0]])
        at = int(candidates[np.argmin(kept[candidates - lo])])
        moved = int(talk_after[at - lo])
        return None if moved < least or -float(kept[at - lo]) < margin * moved else at

    at = parted(heard.logp[lo:cur])
    if at is None and relearn and (relearnt := _relearnt_without_own(heard, mine, lo, cur)) is not None:
        # the left-out talk's first words, laid under the turn's last, were learnt as the
        # speaker's voice: learnt again without them, the talk given up must sound unlike it
        at = parted(relearnt)
        if at is not None and _sounds_like(heard, np.flatnonzero(talk[at:cur]) + at, mine, apart=True):
            at = None
    return None if at is None else end_before(turn, at * HOP_MS)


def _end_after_left_out(turn: TurnTiming, next_start_ms: int, heard: _Heard, reach: int, least: int,
                        margin: float) -> TurnTiming | None:
    """``turn`` running on, within ``reach`` frames and before ``next_start_ms``, to the
    start of the pause up to which the talk after its end sounds most like its speaker
    against every other voice (the left-out talk's, the other speakers'), when that takes
    ``least`` frames of talk or more whose mean log-likelihood ratio is ``margin`` or more,
    and that pause lasts as long as any that the turn then runs across (a break between
    segments is longer than the pauses inside one); else None."""
    talk, logp, pause_starts = heard.talk, heard.logp, heard.pause_starts
    mine = heard.names.get(turn.speaker)
    if mine is None:
        return None
    cur = turn.end_ms // HOP_MS
    hi = min(next_start_ms // HOP_MS, cur + reach, len(talk))
    inside = (heard.onsets > cur) & (pause_starts < hi)  # (the pause it ends in, if any, too)
    starts, lasting = pause_starts[inside], heard.lasting[inside]
    crossed = np.concatenate([[0], np.maximum.accumulate(lasting)[:-1]])  # the longest pause before each
    candidates = starts[(lasting >= crossed) & (starts > cur)]
    if not len(candidates):
        return None
    theirs = np.delete(logp[cur:hi], mine, axis=1).max(axis=1)
    kept = np.concatenate([[0.0], np.cumsum(np.where(talk[cur:hi], logp[cur:hi, mine] - theirs, 0.0))])
    talk_before = np.concatenate([[0], np.cumsum(talk[cur:hi])])
    at = int(candidates[np.argmax(kept[candidates - cur])])
    moved = int(talk_before[at - cur])
    if moved < least or float(kept[at - cur]) < margin * moved:
        return None
    return end_later(turn, at * HOP_MS)


def left_out_before(talk: np.ndarray, before: TurnTiming, turn: TurnTiming, max_gap_ms: int = LEFT_OUT_MS) -> bool:
    """Whether more than ``max_gap_ms`` of ``talk`` (frames) lies between ``before``'s end and
    ``turn``'s start: talk the text leaves out (a replayed segment, an ad)."""
    return int(talk[min(len(talk), before.end_ms // HOP_MS):turn.start_ms // HOP_MS].sum()) > max_gap_ms // HOP_MS


def _talk_frames(talk: np.ndarray, start_ms: int, end_ms: int) -> np.ndarray:
    """The frames of talk from ``start_ms`` to ``end_ms``."""
    f = np.arange(min(len(talk), start_ms // HOP_MS), min(len(talk), end_ms // HOP_MS))
    return f[talk[f]]


def _voice_groups(x: np.ndarray, k: int, *, least: int, rounds: int = 10) -> np.ndarray:
    """The group of each row of ``x`` (voice features) among ``k`` (k-means, from centres
    spread along the rows' first principal axis: the same groups on every run); a group
    under ``least`` rows goes to the nearest others (one group when the rows are few)."""
    if k <= 1:
        return np.zeros(len(x), np.int64)
    centred = x - x.mean(axis=0)
    axis = np.linalg.svd(centred[::max(1, len(x) // 2000)], full_matrices=False)[2][0]
    order = np.argsort(centred @ axis, kind="stable")
    centres = x[order[((np.arange(k) + 0.5) * len(x) / k).astype(np.int64)]]
    for _ in range(rounds):
        d = ((x[:, None, :] - centres[None]) ** 2).sum(axis=2)
        sizes = np.bincount(d.argmin(axis=1), minlength=k)
        d[:, sizes < least] = np.inf
        groups = d.argmin(axis=1)
        centres = np.stack([x[groups == i].mean(axis=0) if (groups == i).any() else centres[i] for i in range(k)])
    return np.unique(groups, return_inverse=True)[1].astype(np.int64)
