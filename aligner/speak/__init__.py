"""Stage: say every turn of the transcript with eSpeak NG, and time its words and
phonemes. Needs only the transcript, so it runs while the audio decodes.

    text -> spoken words (normaliser) -> synthetic speech (eSpeak NG word and phoneme
    events) -> cepstral frames of the voiced part, word start frames, phoneme per frame
"""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np

from aligner.errors import AlignerError
from aligner.features import HOP_MS, log_mel, mfcc
from aligner.speak.tts import synthesize
from aligner.transcript.model import Transcript, Turn
from aligner.transcript.normalize import Word, normalize as normalize_text

DEFAULT_RATE_WPM = 175


@dataclass(frozen=True, eq=False)
class SpokenTurn:
    """One turn ready to align: its words, their synthetic frames and word start frames."""

    item: int
    turn: Turn
    words: tuple[Word, ...]
    features: np.ndarray
    word_frames: np.ndarray  # start frame of each word within ``features``
    end_frame: int
    voiced: np.ndarray  # (T,) 1.0 on frames with sound
    phonemes: tuple[str, ...]  # (T,) the eSpeak phoneme of each frame


_KEEP_FREED = {"MALLOC_MMAP_THRESHOLD_": str(32 << 20), "MALLOC_TRIM_THRESHOLD_": str(256 << 20)}


class Workers:
    """The processes that say a transcript's turns (see ``speak``), started before the
    transcript is read: each takes half a second to import what it needs, which then
    overlaps the caller's own imports and reading. Each process says one share of one
    transcript; ``close`` (or leaving the ``with`` block) kills those still running."""

    def __init__(self, n: int = 2):
        # one BLAS thread each: the processes already fill the cores, and more threads than
        # cores made each of them twice as slow
        env = dict(os.environ, OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1", MKL_NUM_THREADS="1")
        # glibc's allocator keeps what a turn freed for the next one instead of handing it
        # back to the system, which then faulted it in again page by page: a worker's
        # system time for half of 90 minutes 0.25 -> 0.09 s, its peak memory the same. Both
        # set, whatever the caller's environment says: Dask's workers set a trim threshold
        # of 64 KiB, which with the first one alone would hand back nearly every free
        env.update(_KEEP_FREED)
        self.procs: list[subprocess.Popen] = []
        try:
            for _ in range(max(1, n)):
                self.procs.append(subprocess.Popen([sys.executable, "-m", "aligner.speak.worker"],
                                                   stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                                   stderr=subprocess.PIPE, env=env))
        except BaseException:  # (out of processes, say): those started are not left running
            self.close()
            raise

    def close(self) -> None:
        for proc in self.procs:
            proc.kill()  # (nothing when it has ended)
            proc.wait()
            for stream in (proc.stdin, proc.stdout, proc.stderr):
                stream.close()

    def __enter__(self) -> Workers:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def speak(transcript: Transcript, *, rate_wpm: int = DEFAULT_RATE_WPM, workers: int | Workers | None = None,
          nice: int = 0, cancel: threading.Event | None = None) -> tuple[SpokenTurn, ...]:
    """Every turn with words to align, said and timed.

    eSpeak's output depends on what the engine said before in the same process (its pitch
    flutter keeps running), so that the same episode comes out the same everywhere, the
    turns are said in fresh processes (``workers``: how many to start, ``Workers``'s
    default when None, or ``Workers`` started earlier and not used yet), each taking a
    fixed share of them, at ``nice`` (a lower priority when positive: ``os.nice``).
    Setting ``cancel`` stops them
    (``AlignerError``): the caller had an error to report meanwhile. The caller sets it
    when done in any case, which ends the thread that waits on it."""
    turns = [i for i, item in enumerate(transcript.items) if isinstance(item, Turn)]
    if not turns:
        return ()
    if isinstance(workers, Workers):
        return _speak(transcript, turns, workers, rate_wpm, nice, cancel)
    with Workers() if workers is None else Workers(workers) as started:
        return _speak(transcript, turns, started, rate_wpm, nice, cancel)


def _speak(transcript: Transcript, turns: list[int], workers: Workers, rate_wpm: int, nice: int,
           cancel: threading.Event | None) -> tuple[SpokenTurn, ...]:
    shares = _shares(transcript, turns, len(workers.procs))
    procs = workers.procs
    if cancel is not None:
        def stop() -> None:
            cancel.wait()
            for proc in procs:
                proc.kill()  # (nothing when it has ended)
        threading.Thread(target=stop, daemon=True).start()
    # each process reads all its input before it writes: feed them all, then collect (a
    # process without a share reads nothing and ends)
    jobs = [pickle.dumps((transcript, share, rate_wpm, nice)) for share in shares]
    jobs += [b""] * (len(procs) - len(jobs))
    with ThreadPoolExecutor(len(procs)) as pool:
        outputs = list(pool.map(lambda pj: pj[0].communicate(pj[1]), zip(procs, jobs)))
    blocks: list[SpokenTurn] = []
    for proc, (out, err) in zip(procs, outputs):
        if proc.returncode != 0:
            lines = err.decode("utf-8", "replace").strip().splitlines()
            raise AlignerError(f"speech synthesis failed: {lines[-1] if lines else proc.returncode}")
        if out:
            blocks += pickle.loads(out)
    return tuple(blocks)


def _shares(transcript: Transcript, turns: list[int], workers: int) -> list[list[int]]:
    """Consecutive runs of turns with about the same amount of text each."""
    sizes = np.cumsum([len(transcript.items[i].text) for i in turns])
    cuts = [int(np.searchsorted(sizes, sizes[-1] * k / workers)) for k in range(1, workers)]
    bounds = [0] + cuts + [len(turns)]
    return [turns[a:b] for a, b in zip(bounds, bounds[1:]) if b > a]


def speak_items(transcript: Transcript, indices: list[int], *, rate_wpm: int) -> list[SpokenTurn]:
    """The turns at ``indices``, said in this process, in order."""
    blocks = []
    for index in indices:
        item = transcript.items[index]
        words = tuple(w for w in normalize_text(item.text, uncertain=item.uncertain) if w.alignable)
        if not words:
            continue
        speech = synthesize([" ".join(w.spoken) for w in words], rate_wpm=rate_wpm)
        logmel = log_mel(speech.samples, speech.rate)
        if len(logmel) < 2:
            continue
        voiced = logmel.max(axis=1) > logmel.max() - 9.0  # ~40 dB below the peak
        if not voiced.any():
            continue
        starts = _word_onsets(np.array(speech.word_starts) * 1000 // speech.rate // HOP_MS, voiced)
        first, last = starts[0], int(np.flatnonzero(voiced)[-1]) + 1
        feats = mfcc(logmel)[first:last]
        blocks.append(SpokenTurn(index, item, words, feats, np.clip(starts - first, 0, len(feats) - 1), len(feats),
                             voiced[first:last].astype(np.float32), _frame_phonemes(speech, len(logmel))[first:last]))
    return blocks


def _frame_phonemes(speech, n_frames: int) -> tuple[str, ...]:
    """The phoneme eSpeak was saying at each 10 ms frame ("" before the first)."""
    out = [""] * n_frames
    events = [(sample * 1000 // speech.rate // HOP_MS, name) for sample, name in speech.phonemes]
    for k, (frame, name) in enumerate(events):
        stop = events[k + 1][0] if k + 1 < len(events) else n_frames
        for f in range(max(0, frame), min(stop, n_frames)):
            out[f] = name
    return tuple(out)


def _word_onsets(marks: np.ndarray, voiced: np.ndarray) -> np.ndarray:
    """eSpeak marks a word where the pause before it begins: move each mark to the first
    voiced frame before the next mark."""
    out = marks.copy()
    for i, m in enumerate(marks):
        stop = marks[i + 1] if i + 1 < len(marks) else len(voiced)
        ahead = np.flatnonzero(voiced[m:max(stop, m + 1)])
        if len(ahead):
            out[i] = m + ahead[0]
    return np.maximum.accumulate(np.clip(out, 0, len(voiced) - 1))


