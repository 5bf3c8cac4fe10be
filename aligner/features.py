"""Frame features shared by the audio map and the aligner: log-mel energies and MFCCs.

Frames are ``HOP_MS`` apart; frame ``i`` covers samples ``[i * hop, i * hop + win)``.
Computed block by block, so that memory stays bounded on three-hour recordings.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from functools import lru_cache

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

HOP_MS = 10
WIN_MS = 25
N_MELS = 40
N_MFCC = 13
FMAX_HZ = 4000.0  # telephone band: robust to phone-in callers and band-limited sources
_BLOCK_FRAMES = 2000  # 20 s: the frames of a block stay in cache


@lru_cache(maxsize=4)
def _mel_filters(rate: int, n_fft: int, n_mels: int) -> np.ndarray:
    """``(bins, n_mels)``: the triangular filters over the FFT bins they use, those under
    ``FMAX_HZ`` (half of them at 16 kHz: the others would be products with zeros)."""
    fmin, fmax = 60.0, min(FMAX_HZ, rate / 2 - 100)
    hz_to_mel = lambda f: 2595.0 * np.log10(1.0 + f / 700.0)
    mel_to_hz = lambda m: 700.0 * (10 ** (m / 2595.0) - 1.0)
    mels = np.linspace(hz_to_mel(fmin), hz_to_mel(fmax), n_mels + 2)
    hz = mel_to_hz(mels)
    bins = np.fft.rfftfreq(n_fft, 1.0 / rate)
    fb = np.zeros((n_mels, len(bins)), dtype=np.float32)
    for m in range(n_mels):
        lo, mid, hi = hz[m], hz[m + 1], hz[m + 2]
        up = (bins - lo) / (mid - lo)
        down = (hi - bins) / (hi - mid)
        fb[m] = np.maximum(0.0, np.minimum(up, down))
    used = np.flatnonzero(fb.any(axis=0))
    return np.ascontiguousarray(fb[:, :int(used[-1]) + 1 if len(used) else len(bins)].T)


def _fft_size(win: int) -> int:
    """The smallest of 2^k or 5 * 2^k that holds ``win`` samples (fast sizes for the FFT)."""
    return min(1 << (win - 1).bit_length(), 5 << max(0, (-(-win // 5) - 1).bit_length()))


def log_mel(samples: np.ndarray, rate: int, *, n_mels: int = N_MELS) -> np.ndarray:
    """``(frames, n_mels)`` float32 log-mel energies of int16 (or float) ``samples``.

    Frame ``i`` starts at sample ``i * rate * HOP_MS // 1000`` at any rate (every 220 or
    221 samples at eSpeak's 22 050 Hz), so that speech needs no resampling first."""
    win = round(rate * WIN_MS / 1000)
    n_fft = _fft_size(win)
    starts_of = lambda frames: frames * (rate * HOP_MS) // 1000
    n_frames = 0
    if len(samples) >= win:
        n_frames = (len(samples) - win) * 1000 // (rate * HOP_MS) + 1
    from scipy.fft import rfft  # here, not with the module: the command line imports aligner.speak light

    filters = _mel_filters(rate, n_fft, n_mels)
    bins = len(filters)
    window = np.hanning(win).astype(np.float32)
    out = np.empty((n_frames, n_mels), dtype=np.float32)
    window *= np.float32(1.0 / 32768.0) if samples.dtype == np.int16 else np.float32(1.0)

    def blocks(first: int, step: int) -> None:
        # windowed frames go straight into a zero-padded buffer: the FFT then pads no copy of them
        padded = np.zeros((min(n_frames, _BLOCK_FRAMES), n_fft), np.float32)
        for start in range(first, n_frames, step):
            starts = starts_of(np.arange(start, min(n_frames, start + _BLOCK_FRAMES)))
            block = samples[starts[0]:starts[-1] + win].astype(np.float32)
            frames = padded[:len(starts)]
            np.multiply(sliding_window_view(block, win)[starts - starts[0]], window, out=frames[:, :win])
            spectrum = rfft(frames, axis=1, workers=1)[:, :bins]
            power = spectrum.real ** 2 + spectrum.imag ** 2
            out[start:start + len(starts)] = np.log(power @ filters + 1e-8)

    # every other block on a second thread: numpy lets go of the GIL in each step, and each
    # block comes out the same whichever thread computes it (one FFT worker per thread, also
    # in the speak stage's processes, which share the cores with ffmpeg)
    if n_frames <= 2 * _BLOCK_FRAMES:  # a turn of the speak stage: no thread to start
        blocks(0, _BLOCK_FRAMES)
        return out
    with ThreadPoolExecutor(2) as pool:
        list(pool.map(lambda k: blocks(k * _BLOCK_FRAMES, 2 * _BLOCK_FRAMES), range(2)))
    return out


def mfcc(logmel: np.ndarray, *, n: int = N_MFCC) -> np.ndarray:
    """MFCCs ``c0..c{n-1}`` of log-mel frames."""
    from scipy.fft import dct

    return dct(logmel, type=2, axis=1, norm="ortho")[:, :n].astype(np.float32)


def sliding_normalize(features: np.ndarray, weights: np.ndarray, *, window: int, prior: float = 0.05) -> np.ndarray:
    """Subtract a moving mean over ``window`` frames, weighted so that pauses and music do
    not count (where nothing in the window counts, the mean falls back to the whole file's),
    then scale each column to unit variance: removes slow channel differences between
    speakers (microphones, telephone lines, codecs) without centring music on speech."""
    from scipy.ndimage import uniform_filter1d

    w = np.asarray(weights, np.float32)[:, None]
    total = max(float(w.sum()), 1e-6)
    overall = (features * w).sum(axis=0) / total
    local_w = uniform_filter1d(w, window, axis=0, mode="nearest")
    local_sum = uniform_filter1d(features * w, window, axis=0, mode="nearest")
    mean = (local_sum + prior * overall) / (local_w + prior)
    centred = features - mean
    ref = centred[weights > 0.5] if np.count_nonzero(weights > 0.5) > 1 else centred
    return (centred / (ref.std(axis=0) + 1e-5)).astype(np.float32)
