"""A learnt speech detector for the few stretches the map's own measures leave to chance.

Silero VAD (MIT licence, `LICENSE.silero-vad`; its 16 kHz sequence model,
`silero_vad_16k_sequence.onnx` from the silero-vad 6.2.3 wheel, ships in this package and
runs on onnxruntime: nothing is downloaded) gives the probability that each 32-ms window of
16 kHz audio holds speech. It hears a piece's sparse intro or last bars as no speech where
the one-second measures call them speech; it also hears a song's voice as speech, so the
map asks it only about short stretches of plain speech next to music
(``audiomap._heard_as_music``), about the first seconds of speech from a music edge,
to find where the voice starts (``audiomap._music_heard_up_to_voice``), and about the
stretches of speech that sound like music to the map's soft score
(``audiomap._music_heard_inside_speech``), and about a voice across a music edge
(``audiomap._voice_across_music_edges``). It costs about 0.055 ms a window: 9 CPU-s for
90 minutes if run on all of it, about 3 on what the map asks (a fifth of the bench's
90-minute episode, with a second heard before each stretch), which it asks two stretches
at a time (``audiomap.ASKED_AT_ONCE``): onnxruntime runs them on two threads at once.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import numpy as np

from aligner.features import HOP_MS

MODEL = Path(__file__).with_name("silero_vad_16k_sequence.onnx")
RATE = 16_000
_WINDOW = 512  # samples the model weighs at a time (32 ms) ...
_CONTEXT = 64  # ... after the last ones of the window before
_LEAD_MS = 1000  # sound heard before a stretch, so that the model's state has settled


@lru_cache(maxsize=1)
def _session():
    import onnxruntime

    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = options.inter_op_num_threads = 1
    options.log_severity_level = 3
    return onnxruntime.InferenceSession(str(MODEL), options, providers=["CPUExecutionProvider"])


def speech_probability(samples: np.ndarray, start: int, stop: int) -> np.ndarray:
    """The probability of speech at each 10-ms frame from ``start`` to ``stop`` of
    ``samples`` (mono, 16 kHz, int16 or float in [-1, 1]), heard from a second before."""
    hop = RATE * HOP_MS // 1000
    lead = min(start, _LEAD_MS // HOP_MS)
    x = np.asarray(samples[(start - lead) * hop:stop * hop], np.float32)
    if samples.dtype == np.int16:
        x = x / 32768.0
    windows = max(1, -(-len(x) // _WINDOW))
    x = np.concatenate([np.zeros(_CONTEXT, np.float32), x, np.zeros(windows * _WINDOW - len(x), np.float32)])
    rows = np.arange(windows)[:, None] * _WINDOW + np.arange(_CONTEXT + _WINDOW)[None, :]
    state = np.zeros((1, 1, 128), np.float32)
    p, _, _ = _session().run(None, {"input": x[rows], "h": state, "c": state})
    frames = np.arange(lead, lead + stop - start) * hop // _WINDOW
    return np.asarray(p, np.float32)[np.minimum(frames, windows - 1)]
