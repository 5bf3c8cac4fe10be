"""Log-mel frames, computed block by block on two threads, match a plain frame-by-frame
computation."""

from __future__ import annotations

import numpy as np

from aligner.features import _BLOCK_FRAMES, _fft_size, _mel_filters, log_mel


def _plain(samples: np.ndarray, rate: int) -> np.ndarray:
    win = round(rate * 0.025)
    n_fft = _fft_size(win)
    filters = _mel_filters(rate, n_fft, 40)
    window = np.hanning(win) / 32768.0
    rows = []
    for i in range((len(samples) - win) * 100 // rate + 1):
        start = i * rate // 100
        spectrum = np.fft.rfft(samples[start:start + win] * window, n_fft)[:len(filters)]
        rows.append(np.log(np.abs(spectrum) ** 2 @ filters + 1e-8))
    return np.array(rows)


def test_log_mel_over_several_blocks_matches_frame_by_frame():
    rate = 16_000
    rng = np.random.default_rng(0)
    seconds = 2.5 * _BLOCK_FRAMES / 100  # three blocks: the second thread takes the middle one
    t = np.arange(int(seconds * rate)) / rate
    signal = 8000 * np.sin(2 * np.pi * 440 * t) * (1 + np.sin(2 * np.pi * 0.3 * t)) + rng.normal(0, 300, len(t))
    samples = signal.astype(np.int16)
    fast = log_mel(samples, rate)
    plain = _plain(samples.astype(np.float64), rate)
    assert fast.shape == plain.shape and len(fast) > 2 * _BLOCK_FRAMES
    assert np.allclose(fast, plain, atol=1e-3, rtol=1e-4)


def test_log_mel_at_an_odd_rate_matches_frame_by_frame():
    rate = 22_050  # eSpeak's: frames every 220 or 221 samples
    samples = (np.random.default_rng(1).normal(0, 3000, rate * 3)).astype(np.int16)
    assert np.allclose(log_mel(samples, rate), _plain(samples.astype(np.float64), rate), atol=1e-3, rtol=1e-4)
