"""Stage: map the audio into speech, music, speech over music, and silence.

Everything here comes from the log-mel frames (10 ms) that the aligner uses too, with
simple measures that separate radio speech from music without any model:

- loudness: a frame is quiet below the midpoint (in dB) between the recording's noise
  floor and its speech level, both measured on the frames that hold any sound (digital
  silence, a padded end or a gap left for an ad, is silence and sets neither);
- spectral stationarity: music holds its notes, speech moves from sound to sound; the
  correlation between the spectra of frames 50 ms apart, averaged over one second, is low
  for speech (median about 0.5) and high for music (about 0.9);
- rhythm: music repeats its onsets at a steady beat, speech does not; the highest
  autocorrelation of the spectral flux at lags of 0.2 to 1.2 s, over three seconds, is
  under 0.3 for speech and often over 0.4 for music (this catches staccato music, whose
  notes are too short for stationarity);
- syllabic modulation: speech rises and falls by many dB several times a second; the spread
  of the loudness over one second settles the frames that stationarity leaves unsure. The
  spreads are read at the scale of the recording's own speech: a broadcast compressor
  squashes speech from 11 to 6-7 dB and music from 3-4 to 1.3 dB;
- dips: over a loud bed (7 dB under the voice) speech spreads by only 4-6 dB and the bed's
  held notes raise its stationarity, but a third or more of its frames still change
  spectrum within 50 ms (music: a tenth). An unsure frame that spreads over 3.5 dB in such a
  second is speech. Episodes mixed so from the bench's recordings: frame accuracy 85-90 ->
  96-97 %; the bench's own mix unchanged (97.2-97.9 % on average per set);
- a bed: when the quietest moments around speech stay well above the noise floor, something
  plays under the voice;
- edges: those measures need a second of sound, so they place the change from music to
  speech anywhere within half a second of it. The frames within a second of each music
  edge are relabelled by a speech/music classifier learnt from this recording's own frames
  that the measures label surely (a second or more from any change): a linear discriminant
  on each frame's spectrum and its spread over 150 ms. On the bench's 13 episodes, music
  edges moved from a median error of 0.04-0.71 s to 0.03-0.37 s (62 -> 92 % within 0.5 s),
  and frame accuracy from 96.3 to 97.2 % on average. (Learning from sixty 10-second
  stretches instead of frames spread over the whole recording was 0.3 s faster at 90
  minutes, as accurate on the map, but labelled 2 s of a bed as music in one episode,
  which moved four turns of its half transcript.)
- tails: the last notes of a fading piece, or the first of a jingle, move from note to
  note as speech does; a stretch of "speech" (over a bed or not) of 1.5 s or less between
  music and silence is music (bench: 36 such stretches were music, 2 speech, both kept by
  the rules of ``_absorb_music_tails``): music edges within 0.5 s 125 -> 131 of 140 on the
  35 episodes, frame accuracy 96.8 -> 97.0 % on average (by the bench's truth of the time,
  which gave a short pause after music the music's label).
  Up to 5 s when the edge classifier calls half of its sounding frames music or more (a
  jingle's first notes after a pause, a piece's last quiet bars): music edges off by more
  than 0.5 s 15 -> 11 of 502 on 129 episodes (4 s), then 18 -> 17 of 800 on 207 (5 s).
- a learnt speech detector, asked little: a piece's sparse intro or last bars can sound
  like speech to all of the above for 10 s and more (a fresh bench episode: the last 10 s
  of a 115-s piece called speech, the turn after it laid 9 s early, its right timecode
  flagged). Silero VAD (``voice_activity``: its model ships in this package) hears them as
  no speech, but hears a song's voice as speech, and costs 9 CPU-s on 90 minutes: it is
  asked only about runs of plain speech next to music, 15 s at most, and such a run is
  music when it hears no speech on 80 % of its sounding frames. Bench: mean frame accuracy
  97.62 -> 97.75 % on the 128 whole episodes (episodes under 97 %: 34 -> 28), music edges
  off by more than 0.5 s 10 -> 9 of 498; the map takes it only when given the samples
  (``speech``).
- the music's edge against a longer run of speech: the last bars of a piece (or its first)
  can sound like speech for a few seconds before the pause that precedes the turn. Where
  a run of speech meets music, the detector is asked about the run's first 1.5 s from the
  music (5 s when it hears no voice there): when it hears the voice only after a quiet
  stretch of 200 ms or more, the sounds before that stretch, a second or more of them, are
  the music's. A voice straight after the music, with no pause, is left alone: the
  detector is late on a first word after music. Bench: music edges off by more than 0.5 s
  9 -> 6 of 498 on the 128 whole episodes, mean frame accuracy 97.74 -> 97.83 %; 0.2 s more
  of the detector on 90 minutes. Counted back from music after the speech, the voice that
  ends the speech must be one the detector is sure of (150 ms, reaching 0.9): a music
  onset made it waver over 0.5 for a tenth of a second, taken for the turn's last word;
  and a run of up to 5 s before music, after none, where it hears no such voice, is music
  (a piece's first bars in noise, heard as half a voice). Bench: music edges off by more
  than 0.5 s 5 -> 1 of 502 on 129 episodes.
- music inside a run of speech: a jingle, or a piece's bars, that the measures call speech
  and join to the turns on either side (no second of silence parts them), or that runs on
  past the 5 s asked from the music's edge. Where the soft music score (stationarity and
  beat, averaged over a second's sounding frames) stays over 0.3 for 1.5 s (0.5 until a
  staccato jingle scoring 0.4-0.5 was missed), the detector is asked, from a second
  before to a second after, and further while no voice ends the stretch; sound between two
  voices that it hears as no speech on 60 % of 1.5 s or more is
  music, from the pause after the first voice to the pause before the next (no pause
  before it: left alone). Bench (128 whole episodes): turn starts off by more than 0.5 s
  59 -> 55 of 4034, captions on music 12 -> 6, the one right timecode flagged no longer is,
  mean frame accuracy 97.83 -> 97.92 %, none broken in any set; the detector hears 506 s
  of the 90-minute episode instead of 142 s (79 such stretches, none music there).
- a voice that a music edge cuts through: the edge classifier can put a jingle's end half a
  second into the first word of the turn after it (or a turn's last word into the music
  after it). At each edge between music and speech, the detector hears the music's 1.5 s
  next to it and the speech's first 0.1 s; a voice heard across the edge (0.2 s of it or
  more) that a quiet stretch of 200 ms parts from the music is the speech's. Bench (128
  whole episodes): turn starts off by more than 0.5 s 55 -> 50 of 4034 (five turns after a
  jingle, 0.56 s late, fixed; none broken in any set; `sung` and `voiced` 28 -> 27).
- a piece that stops before the next turn starts over a bed: the measures hear the talk
  over the bed as more of the piece, up to the next pause inside the turn. Within the
  music's last 5 s (first 5 s, mirrored), the sound between the speech and a pause of 200
  ms or more is the speech's when the detector hears voice on 80 % of its sounding frames,
  one voice it is sure of among them (a song's voice has no such pause before it, or bars
  without voice after it); it is asked only where the music holds such a pause. Bench:
  music edges within 0.5 s 501 -> 502 of 502 on 129 episodes, turn starts off by more than
  0.5 s 50 -> 46 of 4034 on the 128 whole ones (no other turn moved).
- pauses between music and speech: one too short to be a silence (under a second) still
  parts them in the regions: music ends where its sound does, speech starts where it
  resumes (music edges within 0.5 s 131 -> 138 of 140). The per-frame labels that the
  aligner weighs keep such a pause in the sound around it: given the parted labels, the
  bench's turn starts were worse (4 -> 6 misses of 705, 19 -> 20 of 426). A click or a
  breath's end (up to 50 ms) inside a silence does not break it, in the regions alone
  too (mean frame accuracy 97.92 -> 98.12 % on 129 episodes).
- gaps in a bed: a few seconds of "music" between two stretches of speech over music is
  the bed heard alone while the voice pauses, or a loud stretch of it over the voice, and
  takes their label (bench: such runs of up to 15 s were never music in truth; frame
  accuracy 97.53 -> 97.60 % on average over 129 episodes).

Regions carry integer milliseconds and a confidence in [0, 1].
"""

from __future__ import annotations

import logging
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Callable

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view
from scipy.fft import irfft, rfft
from scipy.ndimage import minimum_filter1d, uniform_filter1d

from aligner.discriminant import LinearDiscriminant
from aligner.features import HOP_MS

log = logging.getLogger(__name__)

SILENCE, SPEECH, MUSIC, SPEECH_OVER_MUSIC = 0, 1, 2, 3
KINDS = {SILENCE: "silence", SPEECH: "speech", MUSIC: "music", SPEECH_OVER_MUSIC: "speech_over_music"}
SPOKEN = (KINDS[SPEECH], KINDS[SPEECH_OVER_MUSIC])  # the regions' kinds of speech
ASKED_AT_ONCE = 2  # stretches the speech detector hears at the same time, each on a thread of its own


@dataclass(frozen=True)
class Region:
    """``kind`` from ``start_ms`` to ``end_ms`` (exclusive)."""

    start_ms: int
    end_ms: int
    kind: str
    confidence: float


@dataclass(frozen=True, eq=False)
class AudioMap:
    """Regions of the recording, the pauses inside speech, and a label per 10 ms frame."""

    duration_ms: int
    regions: tuple[Region, ...]
    pauses: tuple[Region, ...]
    # (frames,) int8: SILENCE, SPEECH, MUSIC or SPEECH_OVER_MUSIC, as the aligner weighs them:
    # a pause too short to be a silence keeps the label that the sound around it gives it (the
    # regions call it silence where it parts music from speech; the aligner measured worse so)
    labels: np.ndarray
    quiet: np.ndarray  # (frames,) float32: 1.0 inside a quiet run of at least 60 ms
    music: np.ndarray  # (frames,) float32: how much the frame sounds like music alone, 0 to 1

    @property
    def has_speech(self) -> bool:
        """Whether any region is speech (over music or not)."""
        return any(r.kind in SPOKEN for r in self.regions)


@dataclass(frozen=True)
class MapConfig:
    """Thresholds of the audio map (dB and milliseconds)."""

    window_ms: int = 1000
    speech_below: float = 0.72  # stationarity under which a frame is speech
    music_above: float = 0.88  # stationarity over which a frame is labelled music
    music_ramp_top: float = 0.84  # stationarity at which the soft music score reaches 1
    rhythm_speech_below: float = 0.30  # beat strength under which speech is plausible
    rhythm_music_above: float = 0.42  # beat strength over which it is music
    rhythm_window_ms: int = 3000
    speech_spread_db: float = 6.0
    # the median spread of speech that those spreads assume (the bench's mixes: 8.9-12.5 dB);
    # a recording whose speech spreads less has them scaled down (see ``_modulation_scale``)
    speech_depth_db: float = 9.0
    # speech over a loud bed: an unsure frame whose loudness spreads over this much, in a
    # second where more than ``dip_share`` of the sounding frames change spectrum (correlation
    # under ``dip_corr`` with the frame 50 ms on), is speech
    dip_spread_db: float = 3.5
    dip_share: float = 0.35
    dip_corr: float = 0.8
    bed_above_floor_db: float = 15.0
    min_quiet_ms: int = 60
    min_pause_ms: int = 150
    min_silence_ms: int = 1000
    # a sound this short inside a silence (a click, a breath's last bit) does not break it, in
    # the regions (the labels keep it: the aligner's rules measured worse with it). Bench:
    # gaps of 0.6 to 2 s between utterances in 40 episodes, called silence when 1 s or longer
    # in truth: 563 -> 610 of 644 right (50 ms; 100 ms: 593, 200 ms: 467); mean frame accuracy
    # 97.92 -> 98.12 % on the 128 whole episodes, turn starts unchanged
    silence_click_ms: int = 50
    min_region_ms: int = 300
    music_island_ms: int = 2000  # shorter speech between two stretches of music is music
    edge_zone_ms: int = 1000  # frames this close to a music edge are relabelled by the classifier
    edge_spread_ms: int = 150  # the classifier sees each band's spread over this long
    edge_smooth_ms: int = 310  # and its decisions are averaged over this long
    edge_min_training_ms: int = 5000  # of sure speech and of sure music, else edges stay
    tail_ms: int = 1500  # shorter speech between music and silence is the music's onset or tail
    # ... and up to this long when the edge classifier calls at least half of its sounding
    # frames music (a jingle's first notes after a pause, 1.5-3 s of "speech" on the bench;
    # a piece's last quiet bars before a pause, 4.5 s). Bench, 1500 -> 4000: music edges off
    # by more than 0.5 s 15 -> 11 of 502 (129 episodes), 4 -> 2 of 198 (fresh seeds, gated,
    # compressed); turn starts unchanged, captions on music 9 -> 7 on the fresh seeds. 4000
    # -> 5000: edges 18 -> 17 of 800 (207 episodes), turn starts off by more than 0.5 s 66 ->
    # 64 of 4034 on the 128 whole episodes (the turn after those bars 5.7 s early; two in a
    # bed's mix that the map now calls music alone where the voice had not started), right
    # timecodes flagged 2 -> 1; the variants, fresh seeds, sung and voiced mixes unchanged.
    # Without the classifier's word (3 s, in the tenth session): a short first turn after
    # the opening jingle taken for its tail
    checked_tail_ms: int = 5000
    # a run of plain speech next to music, this long at most, that the speech detector
    # (voice_activity.py) gives under ``not_speech_below`` on ``not_speech_share`` of its
    # sounding frames is music: a piece's sparse intro or last bars
    asked_run_ms: int = 15_000
    not_speech_below: float = 0.1
    not_speech_share: float = 0.8
    # the music's edge where it meets a longer run of speech: the detector is asked about the
    # run's first (or last) ``heard_edge_ms``; the voice starts at the first ``voice_min_ms``
    # it hears as speech (``speech_above``). The sounds between the music and the quiet
    # stretch (``parting_quiet_ms``) before that voice are the music's, when they last
    # ``heard_tail_min_ms`` or more: a piece's last bars the measures called speech up to the
    # pause before the turn; a sound runs on across shorter quiet (between a jingle's last
    # notes: without it, a fresh seed's turn went to the last one, 0.51 s early). Sounds
    # shorter than ``stray_sound_ms`` there (a click, a breath) are not the music's. Bench
    # (the 128 whole episodes): music edges off by more than 0.5 s 9 -> 6 of 498, turn
    # starts off by more than 0.5 s 62 -> 59 of 4034, none broken. Any sound
    # before the voice taken for the music's, from 0.3 s on: 5 edges broken (the pause, or a
    # click in it, became music); without the short sounds, turns broken in the `tight` and
    # `uneven` mixes (a first word that the detector, slow after music, did not hear)
    heard_edge_ms: int = 5000
    voice_soon_ms: int = 1500
    speech_above: float = 0.5
    voice_min_ms: int = 50
    parting_quiet_ms: int = 200
    stray_sound_ms: int = 300
    heard_tail_min_ms: int = 1000
    # ... and shorter sounds after the music too, when the detector's peak on them stays
    # under ``unheard_tail_peak``: a jingle's last notes, decaying into the pause before a
    # quick first word, that the measures called speech (0.3-1 s of it, the turn's start and
    # caption put there). `python bench/tails.py` (300 whole episodes and mixes, 183 such
    # tails after music under 1 s): 179 in the music in truth, 124 of them under this peak;
    # 4 with speech in them, their peaks 0.10 (a first word the detector did not hear), 0.63,
    # 0.84 and 0.90. Not where speech meets music: none of 40 such tails was under it
    unheard_tail_peak: float = 0.1
    # ... where speech meets music (the run's end), the voice that ends the speech is one the
    # detector is sure of: ``last_voice_min_ms`` over ``speech_above``, reaching
    # ``last_voice_peak`` (a music onset after the pause made it waver to 0.6-0.8 for 60 to
    # 130 ms, taken for the last word: the music's first 1.3-2.3 s stayed speech). Bench:
    # music edges off by more than 0.5 s 5 -> 3 of 502 (129 episodes), 1 -> 0 of 106 on the
    # fresh seeds; turn starts unchanged on every set
    last_voice_min_ms: int = 150
    last_voice_peak: float = 0.9
    # a run of plain speech with music after it and none before, this long at most, where
    # the detector hears no such sure voice, is music: a piece's first bars after a pause,
    # in noise, that it hears as half a voice (0.14-0.57 a quarter-second). Bench: music
    # edges off by more than 0.5 s 3 -> 1 of 502; of 8435 turn starts over every set, 3
    # moved by more than 20 ms (one 0.39 s early inside its pause; one episode's two turns
    # around a song swapped which one lands on its voice). Runs with music before them too: a turn's
    # first words after a jingle, over its bed, taken for music (the detector is slow on a
    # first word after music): one turn 0.57 s late
    unsure_run_ms: int = 5000
    # music inside a run of speech: a jingle or a piece's bars that the measures took for
    # speech and joined to the talk on either side. Where the soft music score, averaged
    # over a second's sounding frames, stays over ``doubt_music_above`` for ``doubt_min_ms``
    # (across dips shorter than ``doubt_bridge_ms``), the detector is asked from
    # ``doubt_margin_ms`` before to as long after, and on by ``doubt_step_ms`` while no voice
    # ends the stretch; a stretch between the voices it hears (``inside_voice_min_ms`` or
    # more) where it hears none on ``inside_not_speech_share`` of ``unvoiced_min_ms`` of
    # sound or more is music, from the end of the voice (or of a quiet stretch of
    # ``parting_quiet_ms`` that follows it within ``doubt_margin_ms``) to the start of the
    # last quiet stretch before the next voice (without one, left alone). 0.5 -> 0.3: a
    # staccato jingle (short notes, a third of its frames quiet) scores 0.4-0.5 and was
    # never asked about; the turn before it was laid on it (held-out `ep5m_s127`, 6.1 s on
    # the jingle). Bench and held-out (444 recordings): 18 maps changed, 15 nearer the
    # truth by frame accuracy (jingles and pieces' bars, 1.8 to 6.9 s each, now music), 3
    # as near (0.3 to 0.6 s of a music edge now speech's), none further; 0.4
    # put one jingle back to speech (the detector, started 0.2 s sooner, heard voice in
    # it) and laid a turn on it. The detector hears about twice as much (90 minutes: 549 ->
    # 1133 s, 1 to 1.5 CPU-s more)
    doubt_music_above: float = 0.3
    doubt_min_ms: int = 1500
    doubt_bridge_ms: int = 1000
    doubt_margin_ms: int = 1000
    doubt_step_ms: int = 5000
    unvoiced_min_ms: int = 1500
    inside_voice_min_ms: int = 150
    # ... that share of the stretch's sound heard under ``not_speech_below``: less than next
    # to music (``not_speech_share``). Between two voices that the detector hears, 1.5 s of
    # sound without one is rare in speech, and a jingle's staccato notes keep it unsure
    # (0.1 to 0.5) on up to a third of their frames. Bench (243 whole episodes and mixes):
    # the 29 stretches weighed here were all music in truth, 8 of them heard so on 0.38 to
    # 0.79 of their sound; none of speech. 0.8 -> 0.6: the map's mean frame accuracy over the
    # 312 whole episodes 98.050 -> 98.056 % (4 better, none worse), over 60 fresh ones
    # 97.476 -> 97.485 % (1 better); one fresh turn laid on such a jingle set right (7.0 s
    # early), no other turn start moved
    inside_not_speech_share: float = 0.6
    # a voice that the music's edge cuts through: the detector hears the music's last (or
    # first) ``voice_soon_ms`` and the speech's first (or last) ``edge_near_ms``; a voice
    # heard across the edge, ``voice_across_min_ms`` of it at least, back to a quiet
    # stretch of ``parting_quiet_ms`` within that reach, is the speech's (the edge
    # classifier had put the end of a jingle half a second into the turn's first word)
    edge_near_ms: int = 100
    voice_across_min_ms: int = 200
    # the music stops, then the next turn starts over a bed that the measures take for more
    # of it: within ``heard_edge_ms`` of the edge, the sound between the speech and the
    # furthest pause of ``parting_quiet_ms`` in which the detector hears voice (over
    # ``speech_above``) on ``voiced_share`` of its sounding frames, one voice it is sure of
    # among them, is the speech's (mirrored at the music's start). A song's voice has no
    # pause of the music before it, or bars without voice after it. Bench: `ep5m_s17` turn
    # 8 and `ep5m_s35` turn 3 (three mixes), 2.4 to 2.6 s late, fixed, no turn moved else
    voiced_share: float = 0.8
    # ... and where the music meets a silence, not speech, the sound so heard is speech: a
    # short turn said between a jingle and a silence (the pause before the next jingle),
    # which the measures join to the jingle as its tail. The sixty-ninth session's batch:
    # a 1-s turn between two jingles, laid on the first one in three mixes, and a bed's
    # turns that its talk, heard as music, had sent up to 87 s early, set right; the map's
    # mean frame accuracy 97.71 -> 97.74 % (RESULTS.md has the other sets)
    voice_before_silence: bool = True
    tail_gap_ms: int = 300  # unless the music's first or last this long is mostly quiet
    silence_level: float = 0.25  # quiet threshold of silence regions (pauses use 0.5)
    # shorter music between two stretches of speech over music is that speech's bed. Bench
    # (129 episodes): such runs up to 15 s held no music in truth; 5 s took the mean frame
    # accuracy from 97.53 to 97.60 % (fresh seeds 46-53 with the gated and compressed mixes:
    # 97.38 -> 97.44 %) and the turn starts off by more than 0.5 s from 69 to 68 of 4034
    # (variants, fresh seeds: unchanged). The same for music under 2 s between any speech:
    # 97.68 %, but 2 turns broken and 2 more captions on music
    bed_gap_ms: int = 5000


_EDGE_TRAINING_FRAMES = 50_000  # frames the edge classifier learns from, at most
_EDGE_BLOCK = 20_000  # frames worked on at a time (energies, the classifier's features)


def frame_energy_db(logmel: np.ndarray) -> np.ndarray:
    """Loudness of each frame in dB (relative)."""
    peak = float(logmel.max()) if logmel.size else 0.0
    out = np.empty(len(logmel), np.float64)
    for start in range(0, len(logmel), _EDGE_BLOCK):  # blocks that stay in cache, in single precision
        block = logmel[start:start + _EDGE_BLOCK] - np.float32(peak)
        np.exp(block, out=block)
        out[start:start + len(block)] = block.sum(axis=1, dtype=np.float64)
    return (10.0 / np.log(10.0)) * (np.log(out + 1e-12) + peak)


def runs(mask: np.ndarray, min_frames: int = 1) -> list[tuple[int, int]]:
    """(start, stop) of each run of True, ``min_frames`` long or more."""
    edges = np.flatnonzero(np.diff(np.concatenate([[0], mask.astype(np.int8), [0]])))
    return [(a, b) for a, b in zip(edges[::2].tolist(), edges[1::2].tolist()) if b - a >= min_frames]


# Loudness (``frame_energy_db``) under which a frame holds no sound at all: white noise at
# -80 dBFS measures -37, digital silence -64, the bench's quietest pauses -14, speech 15-30.
SILENT_DB = -40.0


def sound_levels(energy_db: np.ndarray) -> tuple[float, float]:
    """The recording's noise floor and speech level (5th and 95th percentiles of loudness),
    over the frames that hold sound: stretches of digital silence (a padded end, a gap left
    for an ad) would otherwise set the floor, and every pause would then count as sound.
    ``(SILENT_DB, SILENT_DB)`` when no frame holds sound."""
    sounding = energy_db[energy_db >= SILENT_DB]
    if len(sounding) == 0:
        return SILENT_DB, SILENT_DB
    floor, loud = np.quantile(sounding, [0.05, 0.95])
    return float(floor), float(loud)


def _modulation_scale(spread: np.ndarray, surely_speech: np.ndarray, config: MapConfig) -> float:
    """How much of the usual rise and fall of speech the recording keeps: the median spread
    of loudness over the frames that are surely speech, against ``config.speech_depth_db``,
    at most 1. A broadcast compressor squashes it (ratio 8: 11 -> 6.5 dB on the bench's
    episodes, music's 3-4 -> 1.3 dB), so that the spreads that tell speech from music are
    read at that scale. 1 when too few frames are surely speech to say."""
    if np.count_nonzero(surely_speech) < 1000:
        return 1.0
    return float(np.clip(np.median(spread[surely_speech]) / config.speech_depth_db, 0.4, 1.0))


def quiet_frames(energy_db: np.ndarray, levels: tuple[float, float], *, min_frames: int = 6,
                 level: float = 0.5) -> np.ndarray:
    """1.0 inside runs of at least ``min_frames`` frames below the quiet threshold: ``level``
    of the way (in dB) from the noise floor to the speech level (``levels``, from
    ``sound_levels``: frames without sound lie under that floor, so they are quiet too)."""
    if len(energy_db) == 0:
        return np.zeros(0, np.float32)
    floor, loud = levels
    quiet = energy_db < floor + level * (loud - floor)
    out = np.zeros(len(quiet), np.float32)
    for start, stop in runs(quiet):
        if stop - start >= min_frames:
            out[start:stop] = 1.0
    return out


def spectral_correlation(logmel: np.ndarray, *, lag: int) -> np.ndarray:
    """Correlation between the spectrum of each frame and that of the frame ``lag`` later."""
    x = logmel - logmel.mean(axis=1, keepdims=True)
    x = x / (np.linalg.norm(x, axis=1, keepdims=True) + 1e-9)
    r = np.einsum("ij,ij->i", x[lag:], x[:-lag]) if len(x) > lag else np.zeros(0, np.float32)
    return np.concatenate([r, np.full(min(lag, len(x)), r[-1] if len(r) else 0.0)]).astype(np.float32)


def rhythm_strength(logmel: np.ndarray, *, window: int, step: int = 10, min_lag: int = 20, max_lag: int = 120) -> np.ndarray:
    """Per frame, the highest normalised autocorrelation of the spectral flux at lags of
    ``min_lag`` to ``max_lag`` frames, over ``window`` frames centred on it."""
    n = len(logmel)
    if n < window + 2:
        return np.zeros(n, np.float32)
    flux = np.concatenate([[0.0], np.maximum(np.diff(logmel, axis=0), 0.0).sum(axis=1)]).astype(np.float32)
    starts = np.arange(0, n - window, step)
    size = 1 << (2 * window - 1).bit_length()
    values = np.empty(len(starts), np.float32)
    windows = sliding_window_view(flux, window)
    for b in range(0, len(starts), 2048):
        w = windows[starts[b:b + 2048]]
        w = w - w.mean(axis=1, keepdims=True)
        spec = rfft(w, n=size, axis=1, workers=-1)
        ac = irfft(spec.real ** 2 + spec.imag ** 2, n=size, axis=1, workers=-1)[:, : max_lag + 1]
        values[b:b + 2048] = (ac[:, min_lag:] / (ac[:, :1] + 1e-9)).max(axis=1)
    centres = starts + window // 2
    return np.interp(np.arange(n), centres, values).astype(np.float32)


def map_audio(logmel: np.ndarray, *, config: MapConfig = MapConfig(),
              speech: Callable[[int, int], np.ndarray] | None = None) -> AudioMap:
    """Label every frame and gather the labels into regions. ``speech(start, stop)``, when
    given, is the probability of speech on those frames (``voice_activity``), asked about
    the short runs of speech next to music."""
    n = len(logmel)
    energy = frame_energy_db(logmel)
    levels = sound_levels(energy)
    quiet = quiet_frames(energy, levels, min_frames=config.min_quiet_ms // HOP_MS)
    win = max(3, config.window_ms // HOP_MS)
    mean = uniform_filter1d(energy, win, mode="nearest")
    spread = np.sqrt(np.maximum(uniform_filter1d(energy ** 2, win, mode="nearest") - mean ** 2, 0.0))
    floor = levels[0]
    local_floor = minimum_filter1d(uniform_filter1d(energy, 5, mode="nearest"), win, mode="nearest")
    loud = 1.0 - quiet + 1e-3  # stationarity of the sounds, not of the noise floor between them
    corr = spectral_correlation(logmel, lag=5)
    sounding = uniform_filter1d(loud, win, mode="nearest")
    stationary = uniform_filter1d(corr * loud, win, mode="nearest") / sounding
    bed = local_floor > floor + config.bed_above_floor_db
    beat = rhythm_strength(logmel, window=config.rhythm_window_ms // HOP_MS)
    unsure = (stationary >= config.speech_below) & (stationary <= config.music_above)
    depth = _modulation_scale(spread, (stationary < config.speech_below) & (quiet == 0), config)
    speechy = (stationary < config.speech_below) | (unsure & (spread > config.speech_spread_db * depth))
    dips = uniform_filter1d((corr < config.dip_corr) * loud, win, mode="nearest") / sounding
    speechy |= unsure & (spread > config.dip_spread_db * depth) & (dips > config.dip_share)
    speechy &= beat < config.rhythm_music_above
    labels = np.where(speechy, np.where(bed, SPEECH_OVER_MUSIC, SPEECH), MUSIC).astype(np.int8)
    still = quiet_frames(energy, levels, min_frames=1, level=config.silence_level) > 0
    labels[_silences(still, config, click_ms=0)] = SILENCE
    labels = _smooth(labels, config.min_region_ms // HOP_MS)
    labels = _fill_music_islands(labels, config.music_island_ms // HOP_MS)
    labels, classifier = _refine_music_edges(logmel, labels, quiet, config)
    labels = _absorb_music_tails(labels, quiet, config, _musical_share(logmel, quiet, classifier, config))
    soft_music = np.maximum(
        np.clip((stationary - config.speech_below) / (config.music_ramp_top - config.speech_below), 0.0, 1.0),
        np.clip((beat - config.rhythm_speech_below) / (config.rhythm_music_above - config.rhythm_speech_below), 0.0, 1.0),
    )
    if speech is not None:
        labels = _heard_as_music(labels, quiet, speech, config)
        labels = _music_heard_up_to_voice(labels, quiet, speech, config)
        labels = _music_heard_inside_speech(labels, quiet, soft_music, speech, config)
        labels = _voice_across_music_edges(labels, quiet, speech, config)
        labels = _voice_after_music_stops(labels, quiet, speech, config)
    labels = _fill_bed_gaps(labels, config.bed_gap_ms // HOP_MS)
    parted = _part_music_from_speech(labels, quiet, config)
    silent = _silences(still, config, click_ms=config.silence_click_ms)
    parted[silent & ((parted == SPEECH) | (parted == SPEECH_OVER_MUSIC))] = SILENCE
    middle = (config.speech_below + config.music_above) / 2
    confidence = np.clip(np.abs(stationary - middle) / (config.music_above - middle), 0.0, 1.0)
    regions = tuple(
        Region(s * HOP_MS, e * HOP_MS, KINDS[int(parted[s])], round(float(confidence[s:e].mean()), 3))
        for s, e in _label_runs(parted)
    )
    pauses = tuple(
        Region(s * HOP_MS, e * HOP_MS, "pause", 1.0)
        for s, e in runs((quiet > 0) & ~silent)
        if (e - s) * HOP_MS >= config.min_pause_ms
    )
    music = np.where(labels == MUSIC, np.maximum(soft_music, 0.5), soft_music * (labels != SILENCE)).astype(np.float32)
    return AudioMap(n * HOP_MS, regions, pauses, labels, quiet, music)


def _silences(still: np.ndarray, config: MapConfig, *, click_ms: int) -> np.ndarray:
    """Frames inside stretches of ``still`` frames (quiet at ``silence_level``) of
    ``min_silence_ms`` or more, across sounds of up to ``click_ms`` between them."""
    still = still.copy()
    n = len(still)
    for start, stop in runs(~still):
        if stop - start <= click_ms // HOP_MS and start > 0 and stop < n:
            still[start:stop] = True
    out = np.zeros(n, bool)
    for start, stop in runs(still, min_frames=config.min_silence_ms // HOP_MS):
        out[start:stop] = True
    return out


def _refine_music_edges(logmel: np.ndarray, labels: np.ndarray, quiet: np.ndarray,
                        config: MapConfig) -> tuple[np.ndarray, LinearDiscriminant | None]:
    """Relabel speech and music frames near each music edge with a classifier learnt from
    the frames labelled surely (``edge_zone_ms`` or more from any change, not quiet); the
    classifier too (music is its class 1), None when too few frames were sure to learn it."""
    n = len(labels)
    zone = config.edge_zone_ms // HOP_MS
    spans = _label_runs(labels)
    near_change = np.zeros(n, bool)
    near_music_edge = np.zeros(n, bool)
    for s, e in spans:
        near_change[max(0, s - zone):s + zone] = True
        if labels[s] == MUSIC:
            near_music_edge[max(0, s - zone):s + zone] = True
            near_music_edge[max(0, e - zone):e + zone] = True
    sure = ~near_change & (quiet == 0)
    speech, music = np.flatnonzero(sure & (labels == SPEECH)), np.flatnonzero(sure & (labels == MUSIC))
    least = config.edge_min_training_ms // HOP_MS
    if len(speech) < least or len(music) < least or not near_music_edge.any():
        return labels, None
    width = max(3, config.edge_spread_ms // HOP_MS)
    frames = np.concatenate([speech, music])
    classes = np.concatenate([np.zeros(len(speech), np.int64), np.ones(len(music), np.int64)])
    if len(frames) > _EDGE_TRAINING_FRAMES:  # evenly spread: time and memory stay bounded
        keep = np.linspace(0, len(frames) - 1, _EDGE_TRAINING_FRAMES).astype(np.int64)
        frames, classes = frames[keep], classes[keep]
    order = np.argsort(frames)
    frames, classes = frames[order], classes[order]
    training = np.empty((len(frames), 2 * logmel.shape[1]), np.float32)
    for lo in range(0, n, _EDGE_BLOCK):
        a, b = np.searchsorted(frames, [lo, lo + _EDGE_BLOCK])
        if b > a:
            training[a:b] = _edge_features(logmel, lo, min(n, lo + _EDGE_BLOCK), width)[frames[a:b] - lo]
    classifier = LinearDiscriminant(2, context=0).fit(training, np.arange(len(frames)), classes)
    # only the frames near an edge are classified (with the smoothing's reach around them)
    reach = config.edge_smooth_ms // HOP_MS
    out = labels.copy()
    for s, e in runs(near_music_edge):
        lo, hi = max(0, s - reach), min(n, e + reach)
        p = classifier.log_proba(_edge_features(logmel, lo, hi, width))
        musical = uniform_filter1d(p[:, 1] - p[:, 0], reach, mode="nearest")[s - lo:e - lo] > 0
        old = labels[s:e]
        out[s:e] = np.where((old == SPEECH) & musical, MUSIC, np.where((old == MUSIC) & ~musical, SPEECH, old))
    out = _smooth(out, config.min_region_ms // HOP_MS)
    return _fill_music_islands(out, config.music_island_ms // HOP_MS), classifier


def _musical_share(logmel: np.ndarray, quiet: np.ndarray, classifier: LinearDiscriminant | None,
                   config: MapConfig) -> Callable[[int, int], float]:
    """The share of the sounding frames from ``s`` to ``e`` that the edge classifier calls
    music (0 without a classifier, or when none of them sounds)."""
    width = max(3, config.edge_spread_ms // HOP_MS)

    def share(s: int, e: int) -> float:
        sounding = quiet[s:e] == 0
        if classifier is None or not sounding.any():
            return 0.0
        p = classifier.log_proba(_edge_features(logmel, s, e, width))
        return float(np.mean((p[:, 1] > p[:, 0])[sounding]))
    return share


def _fill_bed_gaps(labels: np.ndarray, max_frames: int) -> np.ndarray:
    """Runs of music shorter than ``max_frames`` with speech over music on both sides become
    speech over music: the bed heard alone while the voice draws breath, or the voice
    drowned by a loud stretch of the bed, inside one stretch of talk over it."""
    return _fill_between(labels, max_frames, SPEECH_OVER_MUSIC, only=MUSIC)


def _absorb_music_tails(labels: np.ndarray, quiet: np.ndarray, config: MapConfig,
                        musical: Callable[[int, int], float] = lambda s, e: 0.0) -> np.ndarray:
    """A short stretch of speech (with or without a bed) between music and silence (or either
    end of the file) is the onset or the fading tail of the music, which moves from note to
    note as speech does: music, unless a quiet gap parts it from the music's sound (a short
    turn, a pause, then a jingle) or that music is too short to be a piece (a note inside a
    bed). A longer one (up to ``checked_tail_ms``) too when ``musical`` (the share of its
    frames that sound like music) is a half or more."""
    out = labels.copy()
    sound, spans = _sound_runs(labels)
    longest, least_music = config.tail_ms // HOP_MS, config.music_island_ms // HOP_MS
    checked = config.checked_tail_ms // HOP_MS
    gap = config.tail_gap_ms // HOP_MS
    for k, (s, e) in enumerate(spans):
        if sound[s] != SPEECH or e - s > max(longest, checked):
            continue
        before = spans[k - 1] if k else None
        after = spans[k + 1] if k + 1 < len(spans) else None
        for music, other in ((before, after), (after, before)):
            if (music is None or sound[music[0]] != MUSIC or music[1] - music[0] < least_music
                    or (other is not None and sound[other[0]] != SILENCE)):
                continue
            touching = quiet[max(music[0], s - gap):s] if music[1] == s else quiet[e:min(music[1], e + gap)]
            if touching.mean() < 0.5 and (e - s <= longest or musical(s, e) >= 0.5):
                out[s:e] = MUSIC
    return out


def _part_music_from_speech(labels: np.ndarray, quiet: np.ndarray, config: MapConfig) -> np.ndarray:
    """Where music and speech meet across a pause too short to be a silence, the pause is
    silence all the same: music ends where its sound does and speech starts where it
    resumes (the one-second measures put the change anywhere in or around the pause). The
    pause is the quiet run of ``min_region_ms`` or more whose middle is nearest the change,
    within ``edge_zone_ms`` of it and inside the two runs that meet there."""
    out = labels.copy()
    sound, spans = _sound_runs(labels)
    reach, least = config.edge_zone_ms // HOP_MS, config.min_region_ms // HOP_MS
    pauses = np.array(runs(quiet > 0, least), np.int64).reshape(-1, 2)
    for (s0, e0), (s1, e1) in zip(spans, spans[1:]):
        if {int(sound[s0]), int(sound[s1])} != {MUSIC, SPEECH}:
            continue
        # the pauses within ``reach`` of the change (they are sorted and do not overlap)
        lo, hi = np.searchsorted(pauses[:, 1], e0 - reach, side="right"), np.searchsorted(pauses[:, 0], e0 + reach)
        near = [(int(a), int(b)) for a, b in pauses[lo:hi] if a > s0 and b < e1]
        if not near:
            continue
        a, b = min(near, key=lambda p: abs((p[0] + p[1]) // 2 - e0))
        out[e0:a] = labels[s0]  # (when the pause starts after the change)
        out[a:b] = SILENCE
        out[b:e0] = labels[s1]  # (when it ends before)
    return out


def _edge_features(logmel: np.ndarray, lo: int, hi: int, width: int) -> np.ndarray:
    """Frames ``lo``..``hi``: each frame's log-mel bands and their spread over ``width``
    frames around it."""
    pad = width // 2 + 1
    a, b = max(0, lo - pad), min(len(logmel), hi + pad)
    x = logmel[a:b].astype(np.float32)
    mean = uniform_filter1d(x, width, axis=0, mode="nearest")
    spread = np.sqrt(np.maximum(uniform_filter1d(x * x, width, axis=0, mode="nearest") - mean * mean, 0.0))
    return np.hstack([x, spread])[lo - a:hi - a]


def _sound_runs(labels: np.ndarray) -> tuple[np.ndarray, list[tuple[int, int]]]:
    """The labels with speech over music counted as speech, and their runs."""
    sound = np.where(labels == SPEECH_OVER_MUSIC, SPEECH, labels)
    return sound, _label_runs(sound)


def _label_runs(labels: np.ndarray) -> list[tuple[int, int]]:
    if len(labels) == 0:
        return []
    cuts = np.flatnonzero(np.diff(labels)) + 1
    bounds = np.concatenate([[0], cuts, [len(labels)]])
    return list(zip(bounds[:-1].tolist(), bounds[1:].tolist()))


def _heard_as_music(labels: np.ndarray, quiet: np.ndarray, speech: Callable[[int, int], np.ndarray],
                    config: MapConfig) -> np.ndarray:
    """``labels`` with each run of plain speech next to music, ``asked_run_ms`` long at
    most, relabelled music when the speech detector hears no speech (under
    ``not_speech_below``) on ``not_speech_share`` of its sounding frames or more; or when
    the run, ``unsure_run_ms`` long at most, has music after it and none before and the
    detector hears no sure voice in it (``_sure_voices``)."""
    out = labels.copy()
    n = len(labels)
    asked = []
    for start, stop in runs(labels == SPEECH):
        music_before = start > 0 and labels[start - 1] == MUSIC
        music_after = stop < n and labels[stop] == MUSIC
        if (music_before or music_after) and stop - start <= config.asked_run_ms // HOP_MS \
                and (quiet[start:stop] == 0).any():
            asked.append((start, stop, music_before, music_after))

    def music(run: tuple[int, int, bool, bool]) -> bool:
        start, stop, music_before, music_after = run
        sounding = quiet[start:stop] == 0
        p = speech(start, stop)
        if np.mean(p[sounding] < config.not_speech_below) >= config.not_speech_share:
            return True
        return (music_after and not music_before and stop - start <= config.unsure_run_ms // HOP_MS
                and not _sure_voices(p, sounding, config))

    for (start, stop, _, _), heard_as_music in zip(asked, _asked_at_once(music, asked)):
        if heard_as_music:
            out[start:stop] = MUSIC
    return out


def _sure_voices(p: np.ndarray, sounding: np.ndarray, config: MapConfig) -> list[tuple[int, int]]:
    """The voices the detector is sure of: ``last_voice_min_ms``, reaching ``last_voice_peak``."""
    return _voices(p, sounding, config, min_ms=config.last_voice_min_ms, peak=config.last_voice_peak)


def _music_heard_up_to_voice(labels: np.ndarray, quiet: np.ndarray, speech: Callable[[int, int], np.ndarray],
                             config: MapConfig) -> np.ndarray:
    """``labels`` with the music moved up to where the speech detector hears the voice, at
    each side of a run of speech (with or without a bed) that touches music."""
    out = labels.copy()
    sound, spans = _sound_runs(labels)
    asked = [(s, e, from_end) for s, e in spans if sound[s] == SPEECH
             for from_end, music in ((False, s > 0 and sound[s - 1] == MUSIC),  # music, then this run
                                     (True, e < len(labels) and sound[e] == MUSIC))  # this run, then music
             if music]

    def into_run(side: tuple[int, int, bool]) -> int:
        s, e, from_end = side
        return _music_into_run(s, e, speech, quiet, config, from_end=from_end)

    for (s, e, from_end), k in zip(asked, _asked_at_once(into_run, asked)):
        if from_end:  # from the run's end back
            out[e - k:e] = MUSIC
        else:  # from its start on
            out[s:s + k] = MUSIC
    return out


def _music_heard_inside_speech(labels: np.ndarray, quiet: np.ndarray, soft_music: np.ndarray,
                               speech: Callable[[int, int], np.ndarray], config: MapConfig) -> np.ndarray:
    """``labels`` with the music that the speech detector finds inside runs of speech
    (with or without a bed) where the soft music score stays high (see ``MapConfig``)."""
    out = labels.copy()
    sounding = quiet == 0
    win = max(3, config.window_ms // HOP_MS)
    share = uniform_filter1d(sounding.astype(np.float32), win, mode="nearest")
    doubt = uniform_filter1d(soft_music * sounding, win, mode="nearest") / np.maximum(share, 1e-3)
    sound, spans = _sound_runs(labels)
    asked = [(s, e, s + lo, s + hi) for s, e in spans if sound[s] == SPEECH
             for lo, hi in _doubtful(doubt[s:e] >= config.doubt_music_above, config)]

    def unvoiced(span: tuple[int, int, int, int]) -> list[tuple[int, int]]:
        s, e, lo, hi = span
        lo, hi, p = _heard_on(speech, sounding, s, e, lo, hi, config)
        return [(lo + a, lo + b) for a, b in _unvoiced(p, sounding[lo:hi], lo == s, hi == e, config)]

    # each span heard on its own (it only ever makes music of its frames): two at once
    for found in _asked_at_once(unvoiced, asked):
        for a, b in found:
            out[a:b] = MUSIC
    return out


def _asked_at_once(job: Callable, items: list) -> list:
    """``job`` of each of ``items``, in order, ``ASKED_AT_ONCE`` at a time: the speech
    detector (onnxruntime) runs outside Python's lock, so each job asking it gets a core
    (the map then takes a third less time at 90 minutes, on two cores)."""
    if len(items) < 2:
        return [job(item) for item in items]
    with ThreadPoolExecutor(ASKED_AT_ONCE) as pool:
        return list(pool.map(job, items))


def _voice_across_music_edges(labels: np.ndarray, quiet: np.ndarray, speech: Callable[[int, int], np.ndarray],
                              config: MapConfig) -> np.ndarray:
    """``labels`` with the frames of a voice that a music edge cuts through given to the
    speech beside it (see ``MapConfig.edge_near_ms``)."""
    out = labels.copy()
    n = len(labels)
    sound, spans = _sound_runs(labels)
    reach, near = config.voice_soon_ms // HOP_MS, config.edge_near_ms // HOP_MS
    for s, e in spans:
        if sound[s] != MUSIC:
            continue
        if e < n and sound[e] == SPEECH:  # music, then speech: counted back from the speech
            lo, hi = max(s, e - reach), min(n, e + near)
            out[e - _voice_into_music(speech(lo, hi)[::-1], quiet[lo:hi][::-1], hi - e, config):e] = labels[e]
        if s > 0 and sound[s - 1] == SPEECH:  # speech, then music
            lo, hi = max(0, s - near), min(e, s + reach)
            out[s:s + _voice_into_music(speech(lo, hi), quiet[lo:hi], s - lo, config)] = labels[s - 1]
    return out


def _voice_after_music_stops(labels: np.ndarray, quiet: np.ndarray, speech: Callable[[int, int], np.ndarray],
                             config: MapConfig) -> np.ndarray:
    """``labels`` with the sound of a music run's last seconds (its first) given to the
    speech after it (before it) when a pause parts that sound from the music and the
    detector hears a voice in it up to the speech: the music stopped, and the talk over a
    bed that follows was taken for more of it (see ``MapConfig.voiced_share``); up to a
    silence as well, that sound then plain speech (``voice_before_silence``). The
    detector is asked only where the music holds such a pause."""
    out = labels.copy()
    n = len(labels)
    sound, spans = _sound_runs(labels)
    reach = config.heard_edge_ms // HOP_MS
    beside = (SPEECH, SILENCE) if config.voice_before_silence else (SPEECH,)
    for s, e in spans:
        if sound[s] != MUSIC:
            continue
        if e < n and sound[e] in beside:  # music, then speech: counted back from the speech
            k = _voiced_to_pause(quiet[max(s, e - reach):e][::-1], lambda m: speech(e - m, e)[::-1], config)
            out[e - k:e] = labels[e] if sound[e] == SPEECH else SPEECH
        if s > 0 and sound[s - 1] in beside:  # speech, then music
            k = _voiced_to_pause(quiet[s:min(e, s + reach)], lambda m: speech(s, s + m), config)
            out[s:s + k] = labels[s - 1] if sound[s - 1] == SPEECH else SPEECH
    return out


def _voiced_to_pause(quiet: np.ndarray, heard: Callable[[int], np.ndarray], config: MapConfig) -> int:
    """How many frames of music, counted from the speech's side (frame 0 of ``quiet``), are
    voice up to a pause of ``parting_quiet_ms`` (from ``voice_across_min_ms`` on): pauses
    taken one by one away from the speech, the last before the first whose near side the
    detector does not hear as speech on ``voiced_share`` of its sounding frames with a
    voice it is sure of; 0 when none. ``heard(m)`` is the detector on the first ``m``
    frames, asked once, up to the furthest pause, and only when there is one."""
    pauses = [a for a, _ in runs(quiet > 0, config.parting_quiet_ms // HOP_MS) if a >= config.voice_across_min_ms // HOP_MS]
    if not pauses:
        return 0
    p, sounding = heard(pauses[-1]), quiet == 0
    best = 0
    for a in pauses:
        near = sounding[:a]
        voiced = near.any() and np.mean(p[:a][near] >= config.speech_above) >= config.voiced_share
        if not (voiced and _sure_voices(p[:a], near, config)):
            break
        best = a
    return best


def _voice_into_music(p: np.ndarray, quiet: np.ndarray, edge: int, config: MapConfig) -> int:
    """How many frames of music, from frame ``edge`` on (the speech before it), hold a
    voice (``p``) heard across the edge and ended by a quiet stretch; 0 when none."""
    voiced = p >= config.speech_above
    if edge == 0 or edge >= len(p) or not voiced[edge]:
        return 0
    end = edge + (np.argmin(voiced[edge:]) if not voiced[edge:].all() else len(p) - edge)
    if end - edge + int(voiced[:edge].sum()) < config.voice_across_min_ms // HOP_MS or end == len(p):
        return 0
    part, near = config.parting_quiet_ms // HOP_MS, config.edge_near_ms // HOP_MS
    parted = bool(runs(quiet[max(edge, end - near):end + part + near] > 0, part))
    return end - edge if parted else 0


def _doubtful(doubt: np.ndarray, config: MapConfig) -> list[tuple[int, int]]:
    """The spans of a run to ask the detector about: stretches where ``doubt`` holds for
    ``doubt_min_ms`` (across gaps under ``doubt_bridge_ms``), widened by ``doubt_margin_ms``
    within the run, overlapping ones joined."""
    margin = config.doubt_margin_ms // HOP_MS
    held = [(a, b) for a, b in _joined(runs(doubt), config.doubt_bridge_ms // HOP_MS)
            if b - a >= config.doubt_min_ms // HOP_MS]
    return _joined([(max(0, a - margin), min(len(doubt), b + margin)) for a, b in held], 1)


def _joined(spans: list[tuple[int, int]], gap: int) -> list[tuple[int, int]]:
    """``spans`` (in order) with those less than ``gap`` frames apart made one."""
    out: list[tuple[int, int]] = []
    for a, b in spans:
        if out and a - out[-1][1] < gap:
            out[-1] = (out[-1][0], max(out[-1][1], b))
        else:
            out.append((a, b))
    return out


def _heard_on(speech: Callable[[int, int], np.ndarray], sounding: np.ndarray, s: int, e: int, lo: int, hi: int,
              config: MapConfig) -> tuple[int, int, np.ndarray]:
    """The detector's probabilities from ``lo`` to ``hi``, the span widened by
    ``doubt_step_ms`` at either end (within the run ``s``..``e``) while no voice is heard
    there for ``unvoiced_min_ms``: the stretch without voice is then heard to its end."""
    p = speech(lo, hi)
    step, unvoiced = config.doubt_step_ms // HOP_MS, config.unvoiced_min_ms // HOP_MS
    while True:
        voiced = _voices(p, sounding[lo:hi], config, min_ms=config.inside_voice_min_ms)
        first, last = (voiced[0][0], voiced[-1][1]) if voiced else (hi - lo, 0)
        if lo > s and first >= unvoiced:
            lo = max(s, lo - step)
        elif hi < e and hi - lo - last >= unvoiced:
            hi = min(e, hi + step)
        else:
            return lo, hi, p
        p = speech(lo, hi)  # heard again as a whole: the detector's state takes seconds to settle


def _voices(p: np.ndarray, sounding: np.ndarray, config: MapConfig, *, min_ms: int,
            peak: float | None = None) -> list[tuple[int, int]]:
    """The runs of sounding frames that the detector (``p``) hears as speech (over
    ``speech_above``) for ``min_ms`` or more, and reaching ``peak`` when given."""
    heard = runs((p >= config.speech_above) & sounding, min_ms // HOP_MS)
    return heard if peak is None else [(a, b) for a, b in heard if p[a:b].max() >= peak]


def _unvoiced(p: np.ndarray, sounding: np.ndarray, run_start: bool, run_end: bool,
              config: MapConfig) -> list[tuple[int, int]]:
    """The stretches between the voices heard (``p``) that are music, when the detector
    hears no speech on ``inside_not_speech_share`` of their sound or more (a jingle's notes
    keep it unsure on the rest): from the end of a voice, or of the quiet
    stretch that follows it within ``doubt_margin_ms``, to the start of the last quiet
    stretch before the next voice (none: left alone, the detector is late on a first word
    after music). The span's ends count as voices, but where they are the run's
    (``run_start``, ``run_end``: music or silence beyond)."""
    bounds = [0] + [x for v in _voices(p, sounding, config, min_ms=config.inside_voice_min_ms) for x in v] + [len(p)]
    least, part = config.unvoiced_min_ms // HOP_MS, config.parting_quiet_ms // HOP_MS
    out = []
    for a, b in zip(bounds[::2], bounds[1::2]):
        open_start, open_end = run_start and a == 0, run_end and b == len(p)
        pauses = [(a + x, a + y) for x, y in runs(~sounding[a:b], part)]
        if not pauses and not open_end:
            continue
        m0 = pauses[0][1] if pauses and not open_start and pauses[0][0] - a < config.doubt_margin_ms // HOP_MS else a
        m1 = b if open_end else pauses[-1][0]
        heard = sounding[m0:m1]
        if heard.sum() < least or np.mean(p[m0:m1][heard] < config.not_speech_below) < config.inside_not_speech_share:
            continue
        out.append((m0, m1))
    return out


def _music_into_run(s: int, e: int, speech: Callable[[int, int], np.ndarray], quiet: np.ndarray,
                    config: MapConfig, *, from_end: bool) -> int:
    """How many frames of the run ``s``..``e``, counted from the music at its start (or its
    end), are the music's (``_music_before_voice``). The detector is asked about the first
    ``voice_soon_ms`` next to the music, and about ``heard_edge_ms`` only when it hears no
    voice there (most voices start within a second of the music)."""
    step = -1 if from_end else 1
    for reach in (config.voice_soon_ms // HOP_MS, config.heard_edge_ms // HOP_MS):
        lo, hi = (max(s, e - reach), e) if from_end else (s, min(e, s + reach))
        moved = _music_before_voice(speech(lo, hi)[::step], quiet[lo:hi][::step], config, last=from_end)
        if moved is not None:
            return moved
        if hi - lo == e - s:  # the whole run asked
            break
    return 0


def _music_before_voice(p: np.ndarray, quiet: np.ndarray, config: MapConfig, *, last: bool) -> int | None:
    """How many frames, counted from the music (frame 0) into a run of "speech", are the
    music's: those up to the end of its last sound (across quiet shorter than that
    stretch) before the quiet stretch that parts it from the first voice the detector hears
    (``p``, speech probability per frame; ``last``: counted back from music after the
    speech, the voice must be a sure one, see ``MapConfig.last_voice_min_ms``); 0 when
    there is no such stretch or too little to move (see ``MapConfig.heard_tail_min_ms``
    and ``unheard_tail_peak``), None when it hears no voice."""
    sounding = quiet == 0
    heard = _sure_voices(p, sounding, config) if last else _voices(p, sounding, config, min_ms=config.voice_min_ms)
    voiced = [a for a, _ in heard]
    if not voiced:
        return None
    pauses = runs(~sounding[:voiced[0]], config.parting_quiet_ms // HOP_MS)
    if not pauses:
        return 0
    # a sound runs on across shorter quiet (between a jingle's notes)
    heard = np.ones(pauses[-1][0], bool)
    for a, b in pauses[:-1]:
        heard[a:b] = False
    sounds = [b for _, b in runs(heard, config.stray_sound_ms // HOP_MS)]
    moved = sounds[-1] if sounds else 0
    if moved >= config.heard_tail_min_ms // HOP_MS:
        return moved
    # shorter, at the music's end: the music's too when the detector hears no voice in it
    unheard = not last and moved > 0 and p[:moved][sounding[:moved]].max(initial=0.0) < config.unheard_tail_peak
    return moved if unheard else 0


def _fill_music_islands(labels: np.ndarray, max_frames: int) -> np.ndarray:
    """Runs of speech (or silence) shorter than ``max_frames`` with music on both sides become
    music: staccato passages and breaks inside a piece, not a word between two jingles."""
    return _fill_between(labels, max_frames, MUSIC)


def _fill_between(labels: np.ndarray, max_frames: int, around: int, *, only: int | None = None) -> np.ndarray:
    """Runs shorter than ``max_frames`` (of the label ``only``, or of any) with ``around`` on
    both sides take that label."""
    out = labels.copy()
    spans = _label_runs(labels)
    for (a, _), (s, e), (b, _) in zip(spans, spans[1:], spans[2:]):
        if e - s < max_frames and labels[a] == around == labels[b] and (only is None or labels[s] == only):
            out[s:e] = around
    return out


def _smooth(labels: np.ndarray, min_frames: int) -> np.ndarray:
    """Merge runs shorter than ``min_frames`` into the longer of their neighbours; a run of
    sound never into silence (a staccato jingle after a silence is a string of short runs of
    speech and music, which would all have become silence)."""
    out = labels.copy()
    for _ in range(3):
        spans = _label_runs(out)
        changed = False
        for k, (s, e) in enumerate(spans):
            if e - s >= min_frames or len(spans) == 1:
                continue
            neighbours = [x for x in (spans[k - 1] if k else None, spans[k + 1] if k + 1 < len(spans) else None)
                          if x and (out[s] == SILENCE or out[x[0]] != SILENCE)]
            if not neighbours:
                continue
            pick = max(neighbours, key=lambda x: x[1] - x[0])
            out[s:e] = out[pick[0]]
            changed = True
        if not changed:
            break
    return out
