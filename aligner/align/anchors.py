"""The transcript's timecodes: the pins that hold their words in every pass, each one checked
against the alignment, and the alignments held to those found off, kept when they match better.
"""

from __future__ import annotations

import logging

import numpy as np

from aligner.align.config import AlignConfig
from aligner.align.directions import _MUSIC, _after_directions
from aligner.align.model import AnchorCheck, TurnTiming
from aligner.align.weigh import _gain_where_moved, _moved, _music_sums, _on_music, _paces
from aligner.audiomap import KINDS, MUSIC, SILENCE, SPOKEN, AudioMap
from aligner.features import HOP_MS
from aligner.speak import SpokenTurn
from aligner.transcript.model import Transcript, Turn

log = logging.getLogger(__name__)


def _retry_anchors(place, turns: tuple[TurnTiming, ...], transcript: Transcript, blocks: list[SpokenTurn],
                   audio_map: AudioMap, config: AlignConfig,
                   hold_near=None) -> tuple[tuple[TurnTiming, ...], set[int], bool, set[int]]:
    """The anchors that ``turns`` put ``anchor_retry_ms`` or more off their time, each held
    to it in a new alignment by ``place(tail_gap, pins)``, which is kept when it holds there
    and matches better (by ``anchor_retry_music_margin`` when it moves a turn onto what
    ``audio_map`` calls music); those off by more than the tolerance but less than
    ``anchor_near_retry_ms`` too, kept unless it matches worse; those off by about the same
    time, together, once (see ``_common_offset``); those kept one by one weighed again
    (``_recheck_kept``). ``hold_near(current, pins)``, when given, places those off by
    less than ``anchor_one_pass_ms`` first (see there and ``anchor_cramped_share``): the
    alignment held to ``pins`` from the one held to ``current`` (see ``align``). Returns the
    turns, the numbers of the anchors held, whether some were off alike and their
    held alignment was not kept, and the anchors held for matching as well (see ``_pins``)."""
    if config.anchor_retry_margin is None:
        return turns, set(), False, set()
    tries = _Retries(place, hold_near, turns, transcript, blocks, audio_map, config)
    together, alike = tries.off_alike()
    tries.one_by_one(together, alike)
    turns, kept = tries.turns, tries.kept
    if config.anchor_recheck:
        turns, kept = _recheck_kept(place, turns, kept - together, kept & together, transcript, blocks, config,
                                    near=tries.near_kept, borne_out=tries.borne_out)
    return turns, kept, alike is not None, tries.near_kept & kept


class _Retries:
    """``_retry_anchors``'s tries: the alignment kept so far (``turns``), the anchors it is
    held to (``kept``, and ``near_kept`` those held for matching as well), each new
    alignment held to more of them weighed against it."""

    def __init__(self, place, hold_near, turns: tuple[TurnTiming, ...], transcript: Transcript,
                 blocks: list[SpokenTurn], audio_map: AudioMap, config: AlignConfig) -> None:
        self.place, self.hold_near = place, hold_near
        self.turns = turns
        self.transcript, self.blocks, self.audio_map, self.config = transcript, blocks, audio_map, config
        self.kept: set[int] = set()  # anchors whose held alignment was kept: held in the next tries too
        self.near_kept: set[int] = set()
        self.borne_out = _borne_out(transcript, blocks, audio_map, config)
        self.after_music = _after_directions(transcript, blocks, _MUSIC)

    def off_alike(self) -> tuple[set[int], float | None]:
        """The anchors off by about the same time (``_common_offset``), held together once,
        and, when that alignment is not kept, the median time they are off by (else None)."""
        deltas = [self.check(n, self.turns).delta_ms for n in range(len(self.transcript.anchors))]
        together = _common_offset(deltas, self.config)
        if not together:
            return together, None
        if (other := self.held_better(together)) is not None:
            log.info("the alignment held to %d timecodes off by the same time matches better", len(together))
            self.turns, self.kept = other, self.kept | together
            return together, None
        return together, np.median([deltas[n] for n in together])

    def one_by_one(self, together: set[int], alike: float | None) -> None:
        """Each anchor off (but those of ``together``, and those off about as they are,
        ``alike``: written for the other cut as well), held in turn, up to
        ``max_anchor_retries`` of them."""
        config = self.config
        tried = 0
        for n, anchor in enumerate(self.transcript.anchors):
            delta = self.check(n, self.turns).delta_ms  # against what is kept so far
            off = abs(delta)
            near = (config.anchor_near_retry_ms is not None
                    and config.anchor_tolerance_ms < off < config.anchor_near_retry_ms)
            if (off < config.anchor_retry_ms and not near) or n in together:
                continue
            if alike is not None and abs(delta - alike) <= config.offset_spread_ms:
                continue
            if tried == config.max_anchor_retries:
                log.info("timecode '%s' and any after it that are off were not retried (%d were)", anchor.written,
                         tried)
                break
            tried += 1
            if (other := self.held_better({n}, near, off < config.anchor_one_pass_ms)) is not None:
                log.info("the alignment held to timecode '%s' matches %s", anchor.written,
                         "as well" if near or n in self.borne_out else "better")
                self.turns, self.kept = other, self.kept | {n}
                if near:
                    self.near_kept.add(n)

    def check(self, n: int, turns: tuple[TurnTiming, ...]) -> AnchorCheck:
        """Anchor ``n`` checked against ``turns``."""
        return _check(self.transcript.anchors[n], self.transcript, turns, self.config.anchor_tolerance_ms)

    def pins(self, tight: set[int], near: set[int]) -> list[tuple[int, int, int, int]]:
        """The pins holding the anchors ``tight``, and ``near`` for matching as well."""
        return _pins(self.transcript, self.blocks, self.config, tight=tight, near=near)

    def held_better(self, numbers: set[int], near: bool = False,
                    one_pass: bool = False) -> tuple[TurnTiming, ...] | None:
        """The alignment held to the anchors ``numbers`` (and those kept), when it does
        hold to them and matches better than ``turns`` (``near``: not worse). By
        ``hold_near`` when ``one_pass``: unless ``near``, only a first sieve, the whole
        alignment then deciding (see ``anchor_one_pass_ms``)."""
        pins = self.pins(self.kept | numbers, self.near_kept | (numbers if near else set()))
        strict = one_pass and not near  # 10-20 s off: no turn onto music at all
        if one_pass and self.hold_near is not None:
            by_one_pass = self.hold_near(self.pins(self.kept, self.near_kept), pins)
            other = self.better(numbers, by_one_pass, near, strict, "one pass")
            if other is None and not self.cramped(numbers, by_one_pass):
                return None  # turned down, and not for a turn it crushed: no whole alignment
            if other is not None and near:
                return other
        return self.better(numbers, self.place(self.config.tail_gap, pins), near, strict, "a whole alignment")

    def held_where(self, numbers: set[int], other: tuple[TurnTiming, ...]) -> tuple[bool, list[int], set[int]]:
        """Whether ``other`` holds the anchors ``numbers``, the turns it moves (``_moved``),
        and those of them it lays on what the map calls music (from elsewhere on it too:
        the anchor or the map is wrong) or after a music break of the text's that it
        leaves with no music, where ``turns`` had some (``_unheard_breaks``)."""
        moved = _moved(self.turns, other)
        onto_music = set(_on_music(other, self.audio_map, self.config.music_turn_share)) & set(moved)
        least = self.config.anchor_break_music_ms
        onto_music |= (_unheard_breaks(other, self.after_music, self.audio_map, least)
                       - _unheard_breaks(self.turns, self.after_music, self.audio_map, least))
        return all(self.check(n, other).ok for n in numbers), moved, onto_music

    def cramped(self, numbers: set[int], other: tuple[TurnTiming, ...]) -> bool:
        """Whether ``other``, one pass held to the anchors ``numbers``, does hold to them,
        moves no turn onto music, and squeezes a turn it moves under
        ``anchor_cramped_share`` of its time where it was not (see there)."""
        if self.config.anchor_cramped_share is None:
            return False
        held, moved, onto_music = self.held_where(numbers, other)
        limit = np.log(self.config.anchor_cramped_share)
        before, after = _paces(self.turns, self.blocks), _paces(other, self.blocks)
        return held and not onto_music and any(after[k] < limit <= before[k] for k in moved)

    def corroborated(self, numbers: set[int], other: tuple[TurnTiming, ...]) -> bool:
        """Whether ``other``, held to the anchors ``numbers``, puts within the tolerance
        another anchor that ``turns`` put off (see ``anchor_corroborated``)."""
        return any(n not in numbers and not self.check(n, self.turns).ok and self.check(n, other).ok
                   for n in range(len(self.transcript.anchors)))

    def better(self, numbers: set[int], other: tuple[TurnTiming, ...], near: bool, strict: bool,
               how: str) -> tuple[TurnTiming, ...] | None:
        """``other``, held to the anchors ``numbers``, when it does hold to them and
        matches better than ``turns`` (``near``: not worse), moving no turn onto music
        when ``strict``; by ``anchor_retry_music_margin`` when it moves one there, unless
        it puts another anchor right too (``corroborated``)."""
        config = self.config
        held, _, onto_music = self.held_where(numbers, other)
        if onto_music and config.anchor_corroborated and self.corroborated(numbers, other):
            log.debug("timecodes %s: the held alignment puts another timecode right", sorted(numbers))
            onto_music = set()
        gain = _gain_where_moved(self.turns, other, self.blocks, config.retry_duration_weight,
                                 ends=config.anchor_weigh_ends)
        margin = (config.anchor_retry_music_margin if onto_music else -config.anchor_retry_margin if near
                  else -config.anchor_borne_out_margin if numbers <= self.borne_out else config.anchor_retry_margin)
        log.debug("timecodes %s (off by %s s) held by %s: %s, %+.3f%s", sorted(numbers),
                  ", ".join(f"{self.check(n, self.turns).delta_ms / 1000:+.1f}" for n in sorted(numbers)), how, held,
                  gain, " (turns onto music)" if onto_music else "")
        return other if held and gain > margin and not (onto_music and strict) else None


def _recheck_kept(place, turns: tuple[TurnTiming, ...], single: set[int], grouped: set[int], transcript: Transcript,
                  blocks: list[SpokenTurn], config: AlignConfig, near: set[int] = frozenset(),
                  borne_out: set[int] = frozenset()) -> tuple[tuple[TurnTiming, ...], set[int]]:
    """Each anchor of ``single`` (held one by one, each against the alignment of its time)
    weighed again against the final one: an anchor held early, against an alignment that
    the next held anchor then set right, may hold the text where the audio does not have
    it (a shifted timecode obeyed). It is let go when the alignment without it puts it off
    and matches about as well (less than ``anchor_retry_margin`` worse where it moves
    turns); one of ``near`` (held a little beyond the tolerance, kept for matching as well)
    when that alignment matches better by as much, one of ``borne_out`` (``_borne_out``)
    when it matches better by ``anchor_borne_out_margin``."""
    if len(single) < 2:
        return turns, single | grouped
    for n in sorted(single):
        rest = (single - {n}) | grouped
        other = place(config.tail_gap, _pins(transcript, blocks, config, tight=rest, near=near & rest))
        off = not _check(transcript.anchors[n], transcript, other, config.anchor_tolerance_ms).ok
        gain = _gain_where_moved(turns, other, blocks, config.retry_duration_weight, ends=config.anchor_weigh_ends)
        log.debug("timecode %d let go: off %s, %+.3f", n, off, gain)
        least = (config.anchor_retry_margin if n in near else config.anchor_borne_out_margin if n in borne_out
                 else -config.anchor_retry_margin)
        if off and gain > least:
            log.info("the alignment no longer held to timecode '%s' matches as well", transcript.anchors[n].written)
            turns, single = other, single - {n}
    return turns, single | grouped


def _borne_out(transcript: Transcript, blocks: list[SpokenTurn], audio_map: AudioMap,
               config: AlignConfig) -> set[int]:
    """The numbers of the anchors that the audio bears out: held to the first word of a
    turn that the transcript puts after music (a direction of ``_MUSIC`` since the turn
    before), where the map has talk begin after music within ``anchor_after_music_ms`` of
    the anchor's time."""
    onsets = _talk_after_music(audio_map) if config.anchor_after_music_ms is not None else ()
    if not len(onsets):
        return set()
    after = set(_after_directions(transcript, blocks, _MUSIC, first=True))
    out = set()
    for n, block, word in _anchored_words(transcript, blocks):
        anchor = transcript.anchors[n]
        if word or block not in after or (block and blocks[block - 1].item == anchor.item):
            continue  # inside a turn (at the end of one: the next turn's first word holds it)
        if np.abs(onsets - anchor.time_ms).min() <= config.anchor_after_music_ms:
            out.add(n)
    return out


def _unheard_breaks(turns: tuple[TurnTiming, ...], after_music: list[int], audio_map: AudioMap,
                    least_ms: int | None) -> set[int]:
    """The turns of ``after_music`` (those the transcript puts after music) placed with
    less than ``least_ms`` of what the map calls music between the turn before and them
    (none when ``least_ms`` is None)."""
    if least_ms is None:
        return set()
    music, n = _music_sums(audio_map), len(audio_map.labels)
    out = set()
    for k in after_music:
        before, turn = turns[k - 1], turns[k]
        if before.placed and turn.placed:
            a, b = min(n, before.end_ms // HOP_MS), min(n, turn.start_ms // HOP_MS)
            if (music[b] - music[a]) * HOP_MS < least_ms:  # (below 0 where the turn starts first)
                out.add(k)
    return out


def _talk_after_music(audio_map: AudioMap, *, pause_ms: int = 2000) -> np.ndarray:
    """Where the map has talk begin after music: the starts (ms) of the spoken regions
    that follow a music region, after no more than ``pause_ms`` of silence."""
    regions = audio_map.regions
    out = []
    for k, r in enumerate(regions):
        if r.kind != KINDS[MUSIC]:
            continue
        j = k + 1
        while j < len(regions) and regions[j].kind == KINDS[SILENCE] and regions[j].start_ms - r.end_ms <= pause_ms:
            j += 1
        if j < len(regions) and regions[j].kind in SPOKEN and regions[j].start_ms - r.end_ms <= pause_ms:
            out.append(regions[j].start_ms)
    return np.array(out, np.int64)


def _common_offset(deltas: list[int], config: AlignConfig) -> set[int]:
    """The anchors (numbers) off by ``anchor_retry_ms`` or more that are off by about the
    same time, within ``offset_spread_ms`` of their median, when there are at least
    ``offset_min_anchors`` of them and they are most of the anchors that far off: the
    recording may be cut otherwise than the show they were written for (or the alignment
    is off by that much all along). Else none."""
    off = [n for n, d in enumerate(deltas) if abs(d) >= config.anchor_retry_ms]
    if len(off) < config.offset_min_anchors:
        return set()
    middle = np.median([deltas[n] for n in off])
    agree = {n for n in off if abs(deltas[n] - middle) <= config.offset_spread_ms}
    return agree if len(agree) >= config.offset_min_anchors and 2 * len(agree) > len(off) else set()


def _breaks_timecodes(turns: tuple[TurnTiming, ...], other: tuple[TurnTiming, ...], transcript: Transcript,
                      config: AlignConfig) -> bool:
    """Whether ``other`` puts a timecode off by more than the tolerance that ``turns`` put
    within it: a hypothesis that contradicts a timecode the recording bears out is not
    kept, however it matches. (The passes hold a timecode's word only within
    ``anchor_window_ms`` of its time, far wider than the tolerance; the retries pin within
    the tolerance only the timecodes found off.)"""
    broken = _timecodes_off(transcript, other, config) - _timecodes_off(transcript, turns, config)
    for n in sorted(broken):
        log.debug("a hypothesis puts the timecode of line %d off: not kept", transcript.anchors[n].line)
    return bool(broken)


def _timecodes_off(transcript: Transcript, turns: tuple[TurnTiming, ...], config: AlignConfig) -> set[int]:
    """The numbers of the timecodes that ``turns`` put off by more than the tolerance."""
    return {n for n, a in enumerate(transcript.anchors) if not _check(a, transcript, turns, config.anchor_tolerance_ms).ok}


def _first_words_held(pins) -> set[int]:
    """The blocks whose first word a pin (a timecode, a hypothesis kept) holds already."""
    return {block for block, word, *_ in pins if word == 0}


def _pins(transcript: Transcript, blocks: list[SpokenTurn], config: AlignConfig,
          tight: set[int] = frozenset(), skip: set[int] = frozenset(),
          near: set[int] = frozenset()) -> list[tuple[int, int, int, int]]:
    """(block, word, frame, window) for each anchor: the word it is written before (or the
    first word of the section it titles) stays within ``anchor_window_ms`` of its time in
    every pass (``anchor_tolerance_ms`` for the anchors numbered in ``tight``,
    ``anchor_hold_ms`` for those in ``near``; none for those
    in ``skip``). The window is wide: an anchor that the audio contradicts by less is still
    measured and reported.
    The phoneme passes search around the first pass's path but keep to the windows too: a
    transcript starting late, with a timecode at its first turn, had that turn taken 167 s
    from it in two passes, and the retry held to it was then not held at all."""
    out = []
    for n, block, word in _anchored_words(transcript, blocks):
        if n in skip:
            continue
        window = (config.anchor_hold_ms if n in near else config.anchor_tolerance_ms if n in tight
                  else config.anchor_window_ms) // HOP_MS
        out.append((block, word, transcript.anchors[n].time_ms // HOP_MS, window))
    return out


def _anchored_words(transcript: Transcript, blocks: list[SpokenTurn]) -> list[tuple[int, int, int]]:
    """(anchor, block, word): the word each anchor is written before, or the first word of
    the section it titles (or of the turn after, when none follows it in its turn)."""
    out = []
    for n, a in enumerate(transcript.anchors):
        for k, b in enumerate(blocks):
            if b.item < a.item:
                continue
            if b.item == a.item:
                words = [i for i, w in enumerate(b.words) if w.start >= a.offset]
                if not words:
                    continue
                out.append((n, k, words[0]))
            else:
                out.append((n, k, 0))
            break
    return out


def _check(anchor, transcript: Transcript, turns: tuple[TurnTiming, ...], tolerance_ms: int) -> AnchorCheck:
    """Where the audio puts the anchor: the start of the word it precedes, or of the
    section's first turn."""
    measured = None
    if isinstance(transcript.items[anchor.item], Turn):
        for t in turns:
            if t.item == anchor.item:
                after = [w for w in t.words if w.start_char >= anchor.offset]
                measured = after[0].start_ms if after else t.end_ms
    if measured is None:
        following = [t for t in turns if t.item > anchor.item]
        measured = following[0].start_ms if following else (turns[-1].end_ms if turns else 0)
    return AnchorCheck(anchor, int(measured), tolerance_ms)
