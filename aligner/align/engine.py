"""Place every turn and word of a transcript in the recording.

    synthetic speech of each turn (the speak stage) and the recording's frames
    -> MFCC frames -> coarse-to-fine DTW with gap rows (a first path)
    -> phonemes and speakers learnt from the recording along that path (discriminant.py)
    -> the same DTW on -log p(phoneme said) - w log p(turn's speaker), twice, near the last path
    path -> word and turn times -> changes of speaker moved to where the voice changes
    (voices.py), turn edges to where the map's talk starts and stops (turn_edges.py)
    -> anchors checked against them
    (all of it again, held to it, for each anchor the result puts 20 s or more off its
    time: kept when it holds there and the turns it moves match better, clearly better
    when they move onto music, and weighed again when two or more were kept; 10 to 20 s
    off, the last phoneme pass again, held, first, and all of it only when that matches
    better, kept when it moves no turn onto music; a little beyond the tolerance, under
    10 s, that pass alone: kept unless they match worse; none of it for one off as the
    timecodes off alike are, written for another cut; again
    with a cheaper start when no anchor holds the first turns: the transcript may start late,
    kept when it matches clearly better; with a cheaper end when no anchor holds the
    end of the text or the last turns match badly: the transcript may stop early; and
    looking further around any turn left on music or squeezed into a sliver of time: the
    first pass left it too far off)

This module runs those steps in order. Their parts live beside it: the knobs in
``config.py``, the price of what the transcript says lies between turns in
``directions.py``, a path to word and turn times in ``timings.py``, the timecodes' pins,
checks and retries in ``anchors.py``, the other places tried for misplaced turns in
``hypotheses.py``, and how two alignments compare in ``weigh.py``.
"""

from __future__ import annotations

import dataclasses
import logging
from concurrent.futures import ThreadPoolExecutor

import numpy as np

from aligner.align import turn_edges
from aligner.align.anchors import _breaks_timecodes, _check, _common_offset, _pins, _retry_anchors
from aligner.align.config import AlignConfig
from aligner.align.directions import (
    _MUSIC, _NAMED_GAPS, _after_directions, _before_directions, _gap_scales, _names_nonspeech, _unmarked,
)
from aligner.align.dtw import EUCLIDEAN, GAP, NEG_DOT, SPEECH
from aligner.align.hypotheses import (
    _early_end_better, _end_in_doubt, _end_unanchored, _search_around_misplaced, _try_earlier_after_gap,
    _try_after_named_music, _try_late_start, _try_music_in_earlier_gap, _try_past_music, _try_unnamed_replay,
    _with_after_replays,
)
from aligner.align.model import Alignment, Region, TurnTiming, offset_words
from aligner.align.multilevel import Block, OneHot, Rows, align_blocks, row_spans
from aligner.align.timings import _path_end, _path_starts, _timings
from aligner.align.voices import mapped_voice_features, to_voice_changes, voice_features
from aligner.align.weigh import _mark_unplaced, _mark_unplaced_words, _squeeze_aware
from aligner.audiomap import MUSIC, SPEECH_OVER_MUSIC, AudioMap
from aligner.discriminant import LinearDiscriminant
from aligner.errors import AlignmentError
from aligner.features import HOP_MS, sliding_normalize
from aligner.speak import SpokenTurn
from aligner.transcript.model import DirectionKind, Transcript
from aligner.transcript.timecodes import format_clock

log = logging.getLogger(__name__)


def align(
    transcript: Transcript, spoken: tuple[SpokenTurn, ...], cepstra: np.ndarray, audio_map: AudioMap, *,
    config: AlignConfig = AlignConfig(),
) -> Alignment:
    """Place the turns of ``transcript`` (``spoken`` by the speak stage) in the recording
    whose MFCC frames (``features.mfcc`` of its log-mel frames) are ``cepstra``."""
    blocks = list(spoken)
    if not blocks:
        raise AlignmentError("the transcript has no words to align; check that it holds speaker turns")
    names_nonspeech = _names_nonspeech(transcript)
    if not names_nonspeech:
        config = _unmarked(config)
    duration_ms = len(cepstra) * HOP_MS
    synth_frames = sum(len(b.features) for b in blocks)
    if synth_frames > 2 * len(cepstra):
        raise AlignmentError(
            f"the transcript takes about {format_clock(synth_frames * HOP_MS)} to say but the audio lasts "
            f"{format_clock(duration_ms)}; check that the transcript belongs to this recording"
        )
    passes = _Passes(transcript, blocks, cepstra, audio_map, config)
    place = passes.place
    turns = place(config.tail_gap)
    # before the timecodes: a retry held to a wrong one may match better than a path whose
    # turns are a music break late, and be kept
    if config.music_in_earlier_gap:
        turns = _try_music_in_earlier_gap(lambda extra: place(config.tail_gap, passes.pins + extra), turns, blocks,
                                          audio_map, passes.stretches.onsets, passes.pins, passes.after_music,
                                          config)
    # anchors first: the early-end hypotheses below then hold the ones kept. (The other
    # way round, a transcript starting late had its end placed early, its text squeezed;
    # the retry held to its first turn inherited that squeeze and did not hold.)
    turns, kept, offset_seen, near = _retry_anchors(place, turns, transcript, blocks, audio_map, config,
                                                    hold_near=passes.hold_near)
    tight = _pins(transcript, blocks, config, tight=kept, near=near)
    turns, tight = passes.earlier_after_gaps(turns, tight)
    passes.let_go()
    turns, head_gap = _try_late_start(passes.first_pass, place, passes.first_starts, turns, transcript, blocks, tight,
                                      config)
    turns, tail_gap = passes.early_end(turns, tight, head_gap)
    turns = _search_around_misplaced(lambda widen: place(tail_gap, tight, head_gap, widen=widen), turns, blocks,
                                     audio_map, config)
    if config.past_music_margin is not None:
        turns, later = _try_past_music(lambda extra: place(tail_gap, tight + extra, head_gap), turns, blocks,
                                       audio_map, passes.stretches.onsets, tight, config)
        tight = tight + later  # held there from now on, as a timecode is
    if config.named_break_reach_ms is not None:
        turns, later = _try_after_named_music(lambda extra: place(tail_gap, tight + extra, head_gap), turns, blocks,
                                              audio_map, passes.stretches.onsets, tight, passes.after_breaks,
                                              passes.after_music, config)
        tight = tight + later
    if not names_nonspeech and config.unnamed_replay_drop is not None:
        turns = _try_unnamed_replay(lambda opened: place(tail_gap, tight, head_gap, opened=opened), turns, blocks,
                                    config)
    turns = passes.settle(turns)
    return _result(transcript, blocks, turns, duration_ms, offset_seen, config, passes.stretches, audio_map.quiet)


class _Passes:
    """The passes of one alignment and what they keep between calls: the recording's
    normalised frames, the transcript's blocks, said by eSpeak and as phonemes, and each
    alignment made, by its settings, with what a pass held to more pins starts from."""

    def __init__(self, transcript: Transcript, blocks: list[SpokenTurn], cepstra: np.ndarray, audio_map: AudioMap,
                 config: AlignConfig):
        self.transcript, self.blocks, self.cepstra, self.audio_map, self.config = (
            transcript, blocks, cepstra, audio_map, config)
        self.speakers = _speakers(blocks, config) if config.phone_passes else None
        with ThreadPoolExecutor(1) as side:
            # the voices the phoneme passes tell apart, on a second core meanwhile (0.2 s less at 90 minutes)
            voicing = (side.submit(voice_features, cepstra, config.speaker_window_ms)
                       if config.phone_passes and (self.speakers is not None or config.untranscribed_weight > 0)
                       else None)
            # ... and those of the last step, which moves changes of speaker (0.15 s less then)
            changes = (side.submit(mapped_voice_features, cepstra, audio_map, config.voice_change_window_ms)
                       if config.voice_change_margin is not None and len({b.turn.speaker for b in blocks}) > 1
                       else None)
            self.real = sliding_normalize(cepstra, (1.0 - audio_map.quiet) * (1.0 - audio_map.music),
                                          window=config.cmn_window_ms // HOP_MS)
            self.nonspeech = _nonspeech(audio_map)
            self.vocal = _over_music(audio_map) if config.voice_over_music_gap is not None else None
            self.feats = _dtw_blocks(transcript, blocks, config)
            self.pins = _pins(transcript, blocks, config)
            self.voice = voicing.result() if voicing is not None else None
            self.change_voice = changes.result() if changes is not None else None
        self.said = None
        if config.phone_passes:
            self.said = _said(self.feats, self.speakers, config)
            self.n_classes = _n_classes(self.feats)
            self.gap_row = None
            if config.untranscribed_weight > 0:  # the last column of ``said`` and ``heard``
                self.gap_row = np.zeros(self.said[0].features.shape[1], np.float32)
                self.gap_row[-1] = config.untranscribed_weight
        self.cut_prices = _cut_prices(self.pins, len(blocks), config)
        self.first_starts: dict[tuple, np.ndarray] = {}  # where each first pass started the turns
        self.first_ends: dict[tuple, int] = {}  # ... and ended the last one
        # first passes made, by their settings: the first one and the last two
        self.first_paths: dict[tuple, tuple] = {}
        self.after_replays = _after_directions(transcript, blocks, {DirectionKind.REPLAY})
        # the turns after a music break (or any music: ``named_break_any_music``)
        self.after_breaks = _after_directions(transcript, blocks,
                                              _MUSIC if config.named_break_any_music else {DirectionKind.MUSIC_BREAK})
        self.placed: dict[tuple, tuple[TurnTiming, ...]] = {}  # each alignment asked for, by its settings
        self.ends: dict[tuple, tuple] = {}  # by its pins, the last pass (light rows, path) of an alignment
        # the log-probabilities that the first alignment's last pass and every pass in ``ends``
        # weighed ("heard"), and the path they were learnt from ("from")
        self.learnt: dict[str, object] = {}
        # the last turn timings and row confidences: a pass around the last path changes few rows
        self.row_memo: list = []
        # the turns last given to ``settle``, then what it made of them
        self.last_settled: list[tuple[TurnTiming, ...]] = []
        # the map's stretches of talk, for the timings and the last steps
        self.stretches = turn_edges.talk_stretches(audio_map)
        self.after_music = _after_directions(transcript, blocks, _MUSIC, first=True)
        self.voices_after_music = frozenset(self.after_music) if config.voice_change_after_music else frozenset()
        self.before_music = _before_directions(transcript, blocks, _MUSIC)

    def first_pass(self, tail_gap: float, pins, head_gap: float | None, opened: tuple[int, ...] = ()):
        """The eSpeak pass, with ``tail_gap`` the cost factor of the audio after the last
        turn and ``head_gap`` (when given) that of the speech before the first; the gaps
        before the blocks ``opened`` priced as before a replay. Made once for the same
        settings while kept: the search around misplaced turns asks again for the first
        pass of the alignment it starts from (in 40 bench episodes, 42 of 213 first passes
        were asked again, 33 of them the first alignment's)."""
        config, first_paths = self.config, self.first_paths
        key = (tail_gap, tuple(pins), head_gap, opened)
        if key in first_paths:
            return first_paths[key]
        settings = dataclasses.replace(config, tail_gap=tail_gap)
        path = _search(_opened(_cheap_head(self.feats, head_gap), opened, config), self.real, self.audio_map.quiet,
                       self.nonspeech, settings, gap_quantile=config.gap_quantile, horizontal=config.horizontal,
                       pins=pins, vocal=self.vocal)
        if not opened:
            self.first_starts[tail_gap, tuple(pins), head_gap] = _path_starts(*path)
            self.first_ends[tail_gap, tuple(pins), head_gap] = _path_end(*path)
        if config.phone_passes:  # which need the path's rows, not their features (8 MB at 90 minutes)
            path = (_light(path[0]), *path[1:])
            while len(first_paths) >= _FIRST_PASSES_KEPT:
                del first_paths[list(first_paths)[1]]  # the oldest but the first alignment's
            first_paths[key] = path
        return path

    def first_heard(self) -> np.ndarray:
        """``learnt["heard"]``, learnt again from its path when a whole alignment let them go
        meanwhile (0.2 s at 90 minutes)."""
        learnt = self.learnt
        if "heard" not in learnt:
            log.debug("the first alignment's log-probabilities learnt again")
            learnt["heard"] = _heard(self.feats, self.speakers, *learnt["from"], self.real, self.voice,
                                     self.audio_map.quiet, self.nonspeech, self.config)
        return learnt["heard"]

    def place(self, tail_gap: float, pins=None, head_gap: float | None = None, path=None,
              widen: tuple[tuple[int, ...], int] | None = None, opened: tuple[int, ...] = ()) -> tuple[TurnTiming, ...]:
        """Every pass (the first one's ``path`` when already found; the phoneme passes'
        first level looking ``widen[1]`` frames further for the blocks ``widen[0]``; the
        timecodes' ``pins`` when None), once for the same settings: rechecking the anchors
        held asks again for the alignment held to all but the last of them, which the
        retries made (3-7 s at 90 minutes)."""
        pins = self.pins if pins is None else pins
        key = (tail_gap, tuple(pins), head_gap, widen, opened)
        if key not in self.placed:
            self.placed[key] = self._place_anew(tail_gap, pins, head_gap, path, widen, opened)
        return self.placed[key]

    def _place_anew(self, tail_gap: float, pins, head_gap: float | None, path, widen,
                    opened) -> tuple[TurnTiming, ...]:
        config, learnt = self.config, self.learnt
        settings = dataclasses.replace(config, tail_gap=tail_gap)
        widen = _with_after_replays(widen, self.after_replays, len(self.blocks), config)
        rows, pi, pj = path or self.first_pass(tail_gap, pins, head_gap, opened)
        first = not self.placed and config.phone_passes  # the held retries start from its last pass
        # another whole alignment learns its own log-probabilities: the first one's are let
        # go meanwhile (100 MB an hour at the peak of a timecode's recheck)
        learnt.pop("heard", None)
        heard, metric = self.real, EUCLIDEAN
        for _ in range(config.phone_passes):
            heard = None  # free the last pass's log-probabilities (100 MB an hour) before the next
            heard = _heard(self.feats, self.speakers, rows, pi, pj, self.real, self.voice, self.audio_map.quiet,
                           self.nonspeech, config)
            # the pass looks around the last path, not at its rows' features: let go (28 MB at 90 minutes)
            around, rows = (_light(rows), pi, pj), None
            rows, pi, pj = self.phone_pass(heard, around, pins, settings, head_gap, widen, opened)
            metric = NEG_DOT
        if first:  # the last pass's log-probabilities, and the path they were learnt from
            learnt["heard"], learnt["from"] = heard, around
            self.ends[tuple(pins)] = (_light(rows), pi, pj)
        return _timings(self.blocks, rows, pi, pj, heard, metric, self.audio_map, config, self.row_memo,
                        self.stretches.talk)

    def phone_pass(self, heard: np.ndarray, around, pins, settings: AlignConfig, head_gap: float | None = None,
                   widen=None, opened: tuple[int, ...] = (), follow: np.ndarray | None = None):
        """One phoneme pass: ``said`` against ``heard``, the first level ``phone_radius_ms``
        around the path ``around``."""
        config = self.config
        return _search(_opened(_cheap_head(self.said, head_gap), opened, config), heard, self.audio_map.quiet,
                       self.nonspeech, settings, gap_quantile=config.phone_gap_quantile,
                       horizontal=config.phone_horizontal, vertical=config.phone_vertical, metric=NEG_DOT,
                       factors=config.phone_factors, radius_ms=config.phone_radius_ms, around=around, widen=widen,
                       reach_back=_reach_back(pins, config), gap_features=self.gap_row, pins=pins, vocal=self.vocal,
                       skip=_speaker_priced(self.cut_prices, *around, heard, self.speakers, self.n_classes, config),
                       follow=follow)

    def hold_near(self, current, pins, keep: bool = True) -> tuple[TurnTiming, ...]:
        """The alignment held to ``pins``, from that held to ``current`` when its last pass
        is known: that pass once more around its path, with its log-probabilities (a
        phoneme pass looks 30 s around, enough for an anchor a few seconds off; a third of
        a whole alignment at 90 minutes); else a whole alignment. Its own last pass is kept
        for the next when ``keep``."""
        config, ends = self.config, self.ends
        if tuple(current) not in ends:
            return self.place(config.tail_gap, pins)
        around, heard = ends[tuple(current)], self.first_heard()
        held = None
        if config.hold_free_reach is not None:
            reach = round(config.hold_free_reach * config.phone_radius_ms[0]) // HOP_MS
            follow = _followed(around, set(pins) - set(current), len(heard), reach)
            if follow is not None:
                held = self.phone_pass(heard, around, pins, config, follow=follow)
                if not _rejoined(around, held, follow, reach // 20):
                    log.debug("the pass held to more pins strays to where it follows the last path: made again")
                    held = None
        rows, pi, pj = held or self.phone_pass(heard, around, pins, config)
        if keep:
            ends[tuple(pins)] = (_light(rows), pi, pj)
        return _timings(self.blocks, rows, pi, pj, heard, NEG_DOT, self.audio_map, config, self.row_memo,
                        self.stretches.talk)

    def earlier_after_gaps(self, turns: tuple[TurnTiming, ...], tight: list) -> tuple[tuple[TurnTiming, ...], list]:
        """``turns`` and the pins ``tight``, with the turns after a replay or named music
        that match better one or more stretches of talk earlier held there
        (``_try_earlier_after_gap``). By a pass for each onset tried back, around the
        alignment's last, while its log-probabilities are at hand; the other passes kept
        are let go first, and these are not kept (their paths and those of the retries:
        30 MB more at the peak at 90 minutes)."""
        config, ends = self.config, self.ends
        if config.after_replay_margin is None or tuple(tight) not in ends \
                or not _after_directions(self.transcript, self.blocks, _NAMED_GAPS):
            return turns, tight
        for key in [key for key in ends if key != tuple(tight)]:
            del ends[key]
        held: dict[tuple, tuple[TurnTiming, ...]] = {}

        def held_earlier(extra: list) -> tuple[TurnTiming, ...]:
            held[tuple(extra)] = self.hold_near(tight, tight + extra, keep=False)
            return self.settle(held[tuple(extra)])

        music = self.audio_map.labels == MUSIC if config.after_gap_past_music else None
        earlier = _try_earlier_after_gap(held_earlier, self.settle(turns), self.transcript, self.blocks,
                                         self.stretches.onsets, tight, config, music)
        if earlier:  # held there from now on, as a timecode is
            turns = held.get(tuple(earlier)) or self.hold_near(tight, tight + earlier, keep=False)
            tight = tight + earlier
        return turns, tight

    def let_go(self) -> None:
        """Forget the last passes kept for holding more pins, and their log-probabilities
        (100 MB an hour): the steps after the retries make whole alignments."""
        self.ends.clear()
        self.learnt.clear()

    def early_end(self, turns: tuple[TurnTiming, ...], tight: list,
                  head_gap: float | None) -> tuple[tuple[TurnTiming, ...], float]:
        """``turns`` and the cost factor of the audio after the last turn, when no anchor
        holds the end of the text or the last turns match badly: the hypotheses that the
        transcript runs to the end of the recording, or stops before it (the audio after
        its last turn cheaper and cheaper); the best-matching one is kept."""
        config, tail_gap = self.config, self.config.tail_gap
        if not config.early_end_tail_gaps or not (_end_unanchored(self.blocks, self.pins, config)
                                                  or _end_in_doubt(turns, config)):
            return turns, tail_gap
        usual = self.first_ends.get((config.tail_gap, tuple(tight), head_gap), turns[-1].end_ms)
        for cheaper in config.early_end_tail_gaps:
            path = self.first_pass(cheaper, tight, head_gap)
            sooner = usual - _path_end(*path)
            log.debug("early end %.2f: the first pass ends the text %d ms sooner", cheaper, sooner)
            if config.early_end_moved_ms is not None and sooner < config.early_end_moved_ms:
                continue
            other = self.place(cheaper, tight, head_gap, path)
            if _early_end_better(turns, other, config) and not _breaks_timecodes(turns, other, self.transcript,
                                                                                 config):
                log.info("the transcript seems to stop before the recording does; its end was placed accordingly")
                turns, tail_gap = other, cheaper
        return turns, tail_gap

    def settle(self, turns: tuple[TurnTiming, ...]) -> tuple[TurnTiming, ...]:
        """The last steps, which move turn starts to changes of voice and past talk left out
        (once for the same turns: those weighed after a replay are often the final ones)."""
        if self.last_settled and self.last_settled[0] is turns:
            return self.last_settled[1]
        given = turns
        config, audio_map, blocks, stretches = self.config, self.audio_map, self.blocks, self.stretches
        if config.voice_change_margin is not None:
            turns = to_voice_changes(turns, self.cepstra, audio_map, window_ms=config.voice_change_window_ms,
                                     reach_ms=config.voice_change_reach_ms,
                                     min_pause_ms=config.voice_change_min_pause_ms,
                                     min_moved_ms=config.voice_change_min_moved_ms, margin=config.voice_change_margin,
                                     left_out_reach_ms=config.voice_change_left_out_reach_ms,
                                     left_out_voices=config.voice_change_left_out_voices, voice=self.change_voice,
                                     after_named=self.voices_after_music,
                                     ends_before_left_out=config.voice_change_end_before_left_out,
                                     left_out_margin=config.voice_change_left_out_margin,
                                     run_on_margin=config.voice_change_run_on_margin,
                                     relearn=config.voice_change_relearnt_start,
                                     relearn_end=config.voice_change_relearnt_end,
                                     relearn_later=config.voice_change_relearnt_later_start)
        if config.left_out_forward_ms is not None:
            turns = turn_edges.after_left_out_talk(turns, stretches, config.left_out_forward_ms // HOP_MS)
        if config.stretch_tail_ms is not None:
            turns = turn_edges.past_stretch_tails(turns, stretches, config.stretch_tail_ms // HOP_MS,
                                                  config.stretch_tail_reach_ms // HOP_MS)
        if config.music_tail_near_ms is not None:
            turns = turn_edges.past_music_tails(turns, audio_map, config.music_tail_near_ms // HOP_MS,
                                                config.music_tail_pause_ms // HOP_MS, config.music_tail_words)
        if config.stretched_start_near_ms is not None and config.stretched_excess_ms is not None:
            turns = turn_edges.after_stretched_words(turns, blocks, audio_map, self.after_music,
                                                     words=config.stretched_words, ratio=config.stretched_ratio,
                                                     excess=config.stretched_excess_ms // HOP_MS,
                                                     near=config.stretched_start_near_ms // HOP_MS,
                                                     min_pause=config.voice_change_min_pause_ms // HOP_MS,
                                                     inside=None if config.stretched_start_inside_clear_ms is None
                                                     else config.stretched_start_inside_clear_ms // HOP_MS)
        if config.silence_talk_ratio is not None:
            turns = turn_edges.past_talk_before_silence(turns, blocks, audio_map, words=config.silence_talk_words,
                                                        ratio=config.silence_talk_ratio,
                                                        excess=config.silence_talk_excess_ms // HOP_MS,
                                                        joined=config.silence_talk_joined_ms // HOP_MS)
        if config.talk_after_music_ms is not None:
            turns = turn_edges.to_talk_after_music(turns, audio_map, self.after_music, config.talk_after_music_ms,
                                                   config.talk_after_music_silence_ms, config.talk_after_music_least_ms)
        if config.crushed_reach_ms is not None:
            turns = turn_edges.to_sound_before_crushed_words(turns, blocks, audio_map.quiet,
                                                             config.crushed_reach_ms // HOP_MS, config.crushed_words,
                                                             config.crushed_share, talk=stretches.talk
                                                             if config.crushed_through_music else None)
        if config.stretched_excess_ms is not None:
            turns = turn_edges.before_stretched_words(turns, blocks, audio_map, self.before_music,
                                                      words=config.stretched_words, ratio=config.stretched_ratio,
                                                      excess=config.stretched_excess_ms // HOP_MS,
                                                      snap=config.stretched_snap_ms // HOP_MS,
                                                      min_pause=config.voice_change_min_pause_ms // HOP_MS,
                                                      near_ms=config.stretched_near_ms)
        if config.left_out_end_reach_ms is not None:
            turns = turn_edges.before_left_out_talk(turns, stretches, config.left_out_end_reach_ms // HOP_MS,
                                                    config.left_out_end_run_on_ms // HOP_MS)
        self.last_settled[:] = [given, turns]
        return turns


def _result(transcript: Transcript, blocks: list[SpokenTurn], turns: tuple[TurnTiming, ...], duration_ms: int,
            offset_seen: bool, config: AlignConfig, stretches: turn_edges.Stretches, quiet: np.ndarray) -> Alignment:
    """The alignment of ``turns``: each timecode checked against them (and the offset of
    those off alike, as the final turns have them: a late start may have set some right,
    when the retries saw some), confidences less how far each turn's length strays, the
    turns given almost none of their text's time left unplaced, then each turn's end moved
    to where its talk stops (``turn_edges.to_talk_stops``: after the confidences, which
    weigh the path's own lengths) and each word's to where its sound stops
    (``turn_edges.words_to_sound_ends``); the words given no time are marked not placed."""
    anchors = tuple(_check(a, transcript, turns, config.anchor_tolerance_ms) for a in transcript.anchors)
    together = _common_offset([c.delta_ms for c in anchors], config) if offset_seen else set()
    offset = int(np.median([anchors[n].delta_ms for n in together])) if together else None
    if together:
        log.warning("%d of the transcript's %d timecodes are %s: was it cut otherwise than the show they were "
                    "written for?", len(together), len(transcript.anchors), offset_words(offset))
    turns = _squeeze_aware(turns, blocks, config.confidence_duration_weight)
    turns = _mark_unplaced(turns, blocks, transcript, config.unplaced_share)
    if config.talk_stop_reach_ms is not None:
        turns = turn_edges.to_talk_stops(turns, stretches, quiet, config.talk_stop_reach_ms // HOP_MS)
    if config.word_end_pause_ms is not None:
        turns = turn_edges.words_to_sound_ends(turns, quiet, config.word_end_pause_ms // HOP_MS,
                                               config.word_end_tail_ms // HOP_MS, config.word_end_near_ms // HOP_MS)
    turns = _mark_unplaced_words(turns)
    return Alignment(transcript, duration_ms, turns, anchors, _uncovered(turns, duration_ms), timecode_offset_ms=offset)


def _opened(blocks: list[Block], opened: tuple[int, ...], config: AlignConfig) -> list[Block]:
    """``blocks`` with the gap before each of ``opened`` priced as before a replay."""
    if not opened:
        return blocks
    gap = (config.replay_gap_on_speech, 0.5, config.replay_gap_on_speech)
    return [dataclasses.replace(b, gap_scale=tuple(min(a, c) for a, c in zip(b.gap_scale, gap))) if k in opened else b
            for k, b in enumerate(blocks)]


def _cheap_head(blocks: list[Block], head_gap: float | None) -> list[Block]:
    """``blocks`` with the speech before the first one at ``head_gap`` at most (when given)."""
    if head_gap is None:
        return blocks
    speech, music, voice = blocks[0].gap_scale
    return [dataclasses.replace(blocks[0], gap_scale=(min(speech, head_gap), music, min(voice, head_gap))), *blocks[1:]]


def _reach_back(pins, config: AlignConfig):
    """(block, frame, reach): the turns after the last anchor may move back towards it, by
    ``tail_reach_ms`` at most, in the phoneme passes."""
    if not config.tail_reach_ms or not pins:
        return None
    block, _, frame, _ = max(pins)
    return (block + 1, frame, config.tail_reach_ms // HOP_MS)


_FIRST_PASSES_KEPT = 3  # first passes kept for the same settings asked again (12 MB each at 90 minutes)


def _followed(around: tuple[Rows, np.ndarray, np.ndarray], new_pins: set, n_frames: int,
              reach: int) -> np.ndarray | None:
    """The frames a pass held to ``new_pins`` more than the path ``around`` keeps to that
    path on: all but those within ``reach`` of where it lays each pin's word and where the
    pin holds it (None: no new pin)."""
    if not new_pins:
        return None
    rows, pi, pj = around
    first, _ = row_spans(pi, pj, len(rows.kinds))
    follow = np.ones(n_frames, bool)
    for block, word, frame, window in new_pins:
        now = int(first[rows.word_rows[block][word]]) * rows.factor
        follow[max(0, min(now, frame - window) - reach):max(0, max(now, frame + window) + reach)] = False
    return follow


def _rejoined(around: tuple[Rows, np.ndarray, np.ndarray], held: tuple[Rows, np.ndarray, np.ndarray],
              follow: np.ndarray, margin: int, *, moved: int = 10) -> bool:
    """Whether the ``held`` path, free off the ``follow`` frames, moves the path ``around``
    (a row's first or last column, by more than ``moved`` frames) only ``margin`` frames or
    more from them: it has come back to that path before it had to."""
    rows, pi, pj = around
    m = len(rows.kinds)
    if len(held[0].kinds) != m or held[0].factor != rows.factor:
        return False
    n = len(follow)
    count = np.r_[0, np.cumsum(follow)]
    frames = np.arange(n)
    near = np.r_[0, np.cumsum(count[np.minimum(frames + margin + 1, n)] - count[np.maximum(frames - margin, 0)] > 0)]
    for old, new in zip(row_spans(pi, pj, m), row_spans(held[1], held[2], m)):
        off = np.abs(new - old) * rows.factor > moved
        a = np.clip(np.minimum(old[off], new[off]) * rows.factor, 0, n)
        b = np.clip((np.maximum(old[off], new[off]) + 1) * rows.factor, 0, n)
        if np.any(near[b] != near[a]):
            return False
    return True


def _light(rows: Rows) -> Rows:
    """``rows`` without their features (kept only for the band around their path): a new
    empty array, not a slice, which would keep them all alive (28 MB a phoneme pass at 90
    minutes)."""
    return dataclasses.replace(rows, features=np.empty((0, *rows.features.shape[1:]), rows.features.dtype))


def _speaker_priced(prices: np.ndarray | None, rows, pi: np.ndarray, pj: np.ndarray, heard: np.ndarray,
                    speakers: np.ndarray | None, n_classes: int, config: AlignConfig) -> np.ndarray | None:
    """``prices`` (``_cut_prices``) raised for the turns of the speakers whose rows the
    speaker term (-``speaker_weight`` log p(speaker)) makes dearer: a speaker that the
    classifier hears less surely (heard little, or with a voice like another's) pays more on
    every row of a turn said where it belongs, and such turns were left out. By how much:
    the speaker's median of the term over the frames the path gave them, less the lowest
    speaker's, in units of the cost between random rows and frames (its
    ``phone_gap_quantile``, as the DTW scales its costs)."""
    if prices is None or speakers is None:
        return prices
    speech = (rows.kinds[pi] == SPEECH) & (rows.labels[pi] >= 0)
    labels = rows.labels[pi[speech]]
    frames = np.minimum(pj[speech] * rows.factor, len(heard) - 1)
    if not len(labels):  # every turn left out
        return prices
    speaker = speakers[np.searchsorted(rows.end_rows, pi[speech])]
    term = -config.speaker_weight * heard[frames, n_classes + speaker].astype(np.float64)
    rng = np.random.default_rng(0)
    k, j = rng.integers(0, len(labels), 4000), rng.integers(0, len(heard), 4000)
    scale = float(np.quantile(-heard[j, labels[k]] - config.speaker_weight * heard[j, n_classes + speaker[k]],
                              config.phone_gap_quantile))
    median = {int(s): float(np.median(term[speaker == s])) for s in np.unique(speaker)}
    lowest = min(median.values())
    return prices + np.array([median.get(int(s), lowest) - lowest for s in speakers]) / max(scale, 1e-6)


def _cut_prices(pins, n_blocks: int, config: AlignConfig) -> np.ndarray | None:
    """Per block, the price of leaving it out in the phoneme passes (``AlignConfig.cut``):
    ``cut_price``, but for a block that a timecode is written in or before (its ``pins``:
    the transcript says where it is said). None without ``cut``."""
    if not config.cut:
        return None
    prices = np.full(n_blocks, config.cut_price)
    prices[[block for block, *_ in pins]] = np.inf
    return prices


def _dtw_blocks(transcript: Transcript, blocks: list[SpokenTurn], config: AlignConfig) -> list[Block]:
    """The synthetic turns as the DTW takes them: normalised frames, word starts, the gap
    cost before each, and a phoneme id per frame."""
    stacked = np.concatenate([b.features for b in blocks])
    stacked = sliding_normalize(stacked, np.concatenate([b.voiced for b in blocks]), window=config.cmn_window_ms // HOP_MS)
    split = np.cumsum([len(b.features) for b in blocks])[:-1]
    ids: dict[str, int] = {}
    names: dict[str, int] = {}  # eSpeak name -> class id, each name worked out once
    for b in blocks:
        for p in dict.fromkeys(b.phonemes):
            if p not in names:
                names[p] = ids.setdefault(_phoneme_class(p), len(ids))
    return [
        Block(f, b.word_frames, scales, np.fromiter((names[p] for p in b.phonemes), np.int32, len(b.phonemes)))
        for f, b, scales in zip(np.split(stacked, split), blocks, _gap_scales(transcript, blocks, config))
    ]


def _phoneme_class(name: str) -> str:
    """eSpeak's phoneme name without its variant marks ("z2" liaison, "@-" reduced: the
    same sound); pauses and language switches ("_!", ";", "(en)") are one class."""
    if not name or name[0] in "_;(":
        return "_"
    return name.rstrip("-0123456789") or "_"


def _over_music(audio_map: AudioMap) -> np.ndarray:
    """1.0 on the frames the map labels speech over music: where music is announced, a
    song's or a jingle's voice (elsewhere, talk over a bed: only those gaps weigh it apart)."""
    return (audio_map.labels == SPEECH_OVER_MUSIC).astype(np.float32)


def _nonspeech(audio_map: AudioMap) -> np.ndarray:
    """How much each frame is music without speech: the map's soft score, raised to 1 on
    frames it labels music (the soft score wavers inside staccato jingles)."""
    return np.maximum(audio_map.music, (audio_map.labels == MUSIC).astype(np.float32))


def _search(blocks: list[Block], cols: np.ndarray, quiet: np.ndarray, nonspeech: np.ndarray, config: AlignConfig,
            **pass_settings):
    """One coarse-to-fine DTW with the costs every pass shares; ``pass_settings`` are the
    pass's own (its gap quantile, stretch cost, metric, levels)."""
    settings = dict(factors=config.factors, radius_ms=config.radius_ms, coarse_radius_ms=config.coarse_radius_ms,
                    pause_lo=config.pause_lo, pause_hi=config.pause_hi, music=config.music, vertical=config.vertical,
                    gap_quiet=config.gap_quiet, tail_gap=(config.tail_gap, 0.5 * config.tail_gap))
    return align_blocks(blocks, cols, quiet, nonspeech, **{**settings, **pass_settings})


def _speakers(blocks: list[SpokenTurn], config: AlignConfig) -> np.ndarray | None:
    """Each block's speaker, numbered in order of appearance; None when there are not two
    to tell apart (or their weight is 0)."""
    names = {s: k for k, s in enumerate(dict.fromkeys(b.turn.speaker for b in blocks))}
    if len(names) < 2 or config.speaker_weight <= 0:
        return None
    return np.array([names[b.turn.speaker] for b in blocks], np.int64)


def _said(feats: list[Block], speakers: np.ndarray | None, config: AlignConfig) -> list[Block]:
    """The rows of the phoneme passes: the phoneme each synthetic frame says (one-hot), then
    ``speaker_weight`` on the turn's speaker (when there are several speakers to tell apart),
    then 0 in the column of untranscribed audio (when weighed: gap rows weigh it)."""
    n_classes = _n_classes(feats)
    n_speakers = 0 if speakers is None else int(speakers.max()) + 1
    width = n_classes + n_speakers + (config.untranscribed_weight > 0)
    out = []
    for k, f in enumerate(feats):
        # given by their labels: as rows, 50 MB at 90 minutes
        said = OneHot(f.labels, width, n_classes + int(speakers[k]) if n_speakers else -1, config.speaker_weight)
        out.append(Block(said, f.word_frames, f.gap_scale, f.labels))
    return out


def _heard(feats: list[Block], speakers: np.ndarray | None, rows, pi: np.ndarray, pj: np.ndarray, real: np.ndarray,
           voice: np.ndarray | None, quiet: np.ndarray, nonspeech: np.ndarray, config: AlignConfig) -> np.ndarray:
    """Label the recording's frames with the phonemes (and speakers) the path put there,
    learn them, and give each frame's log-probability of every phoneme (then speaker, then
    untranscribed audio): the columns that ``_said``'s rows are matched against."""
    n_classes = _n_classes(feats)
    speech = (rows.kinds[pi] == SPEECH) & (rows.labels[pi] >= 0)
    frames = np.minimum(pj[speech] * rows.factor, len(real) - 1)
    n_speakers = 0 if speakers is None else int(speakers.max()) + 1
    untranscribed = config.untranscribed_weight > 0
    heard = np.empty((len(real), n_classes + n_speakers + untranscribed), np.float32)

    def voices() -> None:  # the speakers' columns and the untranscribed audio's
        if n_speakers:
            block_of_row = np.searchsorted(rows.end_rows, pi[speech])
            LinearDiscriminant(n_speakers, 0).fit(voice, frames, speakers[block_of_row]).log_proba(
                voice, out=heard[:, n_classes:n_classes + n_speakers])
        if untranscribed:
            gap = np.minimum(pj[rows.kinds[pi] == GAP] * rows.factor, len(real) - 1)
            heard[:, -1] = _untranscribed(voice, frames, gap[quiet[gap] < 0.5], nonspeech)

    with ThreadPoolExecutor(1) as side:  # beside the phonemes' (0.2 s less a pass at 90 minutes)
        voicing = side.submit(voices)
        LinearDiscriminant(n_classes, config.phone_context).fit(real, frames, rows.labels[pi[speech]]).log_proba(
            real, out=heard[:, :n_classes])
        voicing.result()
    return heard


def _untranscribed(voice: np.ndarray, said: np.ndarray, unsaid: np.ndarray, nonspeech: np.ndarray, *,
                   least: int = 300) -> np.ndarray:
    """Per frame, the log-probability that it is audio the transcript does not hold, from a
    classifier of voices learnt from the frames the path gave to the text (``said``) and the
    sounds it left between turns (``unsaid``), as two classes: music, and speech (a replay,
    an ad, talk the transcript skips). 0 everywhere when the path left under ``least`` frames
    of sound out."""
    if len(unsaid) < least:
        return np.zeros(len(voice), np.float32)
    frames = np.concatenate([said, unsaid])
    classes = np.concatenate([np.zeros(len(said), np.int64), np.where(nonspeech[unsaid] >= 0.5, 2, 1)])
    order = np.argsort(frames, kind="stable")  # in time order: a long recording's sample spreads over all of it
    p = LinearDiscriminant(3, 0).fit(voice, frames[order], classes[order]).log_proba(voice)
    return np.logaddexp(p[:, 1], p[:, 2])


def _n_classes(feats: list[Block]) -> int:
    return int(max(int(f.labels.max(initial=-1)) for f in feats)) + 1


def _uncovered(turns: tuple[TurnTiming, ...], duration_ms: int, *, min_ms: int = 2000) -> tuple[Region, ...]:
    out, pos = [], 0
    for t in turns:
        if t.start_ms - pos >= min_ms:
            out.append(Region(pos, t.start_ms, "untranscribed"))
        pos = max(pos, t.end_ms)
    if duration_ms - pos >= min_ms:
        out.append(Region(pos, duration_ms, "not_transcribed"))
    return tuple(out)
