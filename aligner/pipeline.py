"""Runs the stages in order: read -> decode -> features -> map -> align, with speak (which
needs only the transcript) beside decode, features and map.

``run`` is what the CLI and the batch runner call; each stage reports to ``hook``
(name, value) as it finishes, so that a caller can show progress or keep intermediate
results. ``prepare`` runs every stage before the alignment: the benchmark keeps what it
gives, to align the same episodes again after a change to the engine alone
(``bench/realign.py``).
"""

from __future__ import annotations

import dataclasses
import logging
import threading
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Callable

import numpy as np
from threadpoolctl import threadpool_limits

from aligner import discriminant
from aligner.align import dtw, multilevel
from aligner.align.config import AlignConfig
from aligner.align.engine import align
from aligner.align.model import Alignment
from aligner.audiomap import AudioMap, map_audio
from aligner.audiomap.voice_activity import RATE as VAD_RATE, speech_probability
from aligner.decode import Audio, decode
from aligner.errors import AnchorError, AudioError
from aligner.features import log_mel, mfcc
from aligner.speak import DEFAULT_RATE_WPM, SpokenTurn, Workers, speak
from aligner.transcript import read_transcript
from aligner.transcript.model import Transcript
from aligner.transcript.timecodes import format_clock

log = logging.getLogger(__name__)

# eSpeak's processes yield the cores to ffmpeg's: 90 minutes, the alignment starts 1.3 s sooner
_SPEAK_NICE = 10

Hook = Callable[[str, object], None]


def _no_hook(stage: str, value: object) -> None:
    pass


def map_file(audio_path: str | Path, *, hook: Hook = _no_hook) -> AudioMap:
    """decode -> features -> map."""
    audio = decode(audio_path)
    hook("decode", audio)
    logmel = log_mel(audio.samples, audio.rate)
    hook("features", logmel)
    amap = map_audio(logmel, speech=_detector(audio))
    hook("map", amap)
    return amap


def run(
    audio_path: str | Path, transcript_path: str | Path, *, transcript_format: str | None = None,
    config: AlignConfig = AlignConfig(), rate_wpm: int = DEFAULT_RATE_WPM, hook: Hook = _no_hook,
    workers: Workers | None = None,
) -> Alignment:
    """Align the transcript at ``transcript_path`` with the recording at ``audio_path``
    (``workers``: the speak stage's processes when started earlier, see ``Workers``).

    BLAS runs on one thread: a matrix product's last bits depend on how many threads share
    it, and the same inputs must give the same outputs everywhere (a laptop, a batch worker)."""
    with threadpool_limits(limits=1, user_api="blas"):
        return _run(audio_path, transcript_path, transcript_format=transcript_format, config=config,
                    rate_wpm=rate_wpm, hook=hook, workers=workers)


@dataclasses.dataclass(frozen=True, eq=False)
class Prepared:
    """What the alignment takes, from every stage before it: the transcript, its turns said
    by eSpeak, the recording's cepstra and map, and the recording's SHA-256."""

    transcript: Transcript
    spoken: tuple[SpokenTurn, ...]
    cepstra: np.ndarray
    audio_map: AudioMap
    audio_sha256: str


def prepare(
    audio_path: str | Path, transcript_path: str | Path, *, transcript_format: str | None = None,
    rate_wpm: int = DEFAULT_RATE_WPM, hook: Hook = _no_hook, workers: Workers | None = None,
) -> Prepared:
    """read -> decode -> features -> map, with speak beside them: every stage before the
    alignment (``run`` sets BLAS's threads; ``workers``: see ``run``)."""
    transcript = read_transcript(transcript_path, format=transcript_format)
    hook("read", transcript)
    # ffmpeg decodes in its own processes while eSpeak speaks in two others at a lower
    # priority: the decoding ends first, so that the features and the map (one core, mostly)
    # are computed while the speech is still being synthesised. An error meanwhile
    # (unreadable audio, a timecode past its end) stops eSpeak, not waited for.
    with ThreadPoolExecutor(3) as pool, _cancelling() as cancel:
        speaking = pool.submit(speak, transcript, rate_wpm=rate_wpm, workers=workers, nice=_SPEAK_NICE,
                               cancel=cancel)
        decoding = pool.submit(decode, audio_path)
        pool.submit(_warm_up)  # the compiled kernels load meanwhile, not after
        audio = decoding.result()
        del decoding  # the future holds the samples too: they are freed below, before aligning
        hook("decode", audio)
        _check_anchors_fit(transcript, audio.duration_ms)
        logmel = log_mel(audio.samples, audio.rate)
        sha256 = audio.sha256
        hook("features", logmel)
        amap = map_audio(logmel, speech=_detector(audio))
        del audio  # the samples are not needed past the map: free them before aligning
        hook("map", amap)
        if not amap.has_speech:
            raise AudioError(f"{audio_path}: no speech found (only silence or music); "
                             "check that it is the recording of this transcript")
        cepstra = mfcc(logmel)
        del logmel  # the aligner needs the cepstra alone: 170 MB less for three hours
        spoken = speaking.result()
        hook("speak", spoken)
    return Prepared(transcript, spoken, cepstra, amap, sha256)


def _run(
    audio_path: str | Path, transcript_path: str | Path, *, transcript_format: str | None = None,
    config: AlignConfig = AlignConfig(), rate_wpm: int = DEFAULT_RATE_WPM, hook: Hook = _no_hook,
    workers: Workers | None = None,
) -> Alignment:
    ready = prepare(audio_path, transcript_path, transcript_format=transcript_format, rate_wpm=rate_wpm, hook=hook,
                    workers=workers)
    alignment = align(ready.transcript, ready.spoken, ready.cepstra, ready.audio_map, config=config)
    alignment = dataclasses.replace(alignment, audio_sha256=ready.audio_sha256, audio_source=str(audio_path),
                                    map_regions=ready.audio_map.regions)
    hook("align", alignment)
    return alignment


def _warm_up() -> None:
    dtw.warm_up()
    multilevel.warm_up()
    discriminant.warm_up()


def _detector(audio: Audio):
    """The speech detector over ``audio``'s samples, as the map asks it (None unless at its 16 kHz)."""
    if audio.rate != VAD_RATE:
        return None
    return lambda start, stop: speech_probability(audio.samples, start, stop)


@contextmanager
def _cancelling():
    """An event that is set on the way out, whether by an error or not."""
    event = threading.Event()
    try:
        yield event
    finally:
        event.set()


def _check_anchors_fit(transcript, duration_ms: int) -> None:
    for a in transcript.anchors:
        if a.time_ms > duration_ms:
            raise AnchorError(
                f"timecode '{a.written}' ({format_clock(a.time_ms)}) is past the end of the audio "
                f"({format_clock(duration_ms)}); fix the timecode or check that the audio is complete",
                path=transcript.source, line=a.line,
            )
