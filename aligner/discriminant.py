"""Classifiers trained on the recording itself: linear discriminant analysis (one Gaussian
per class, one shared covariance) over a window of frames.

Both stages that need a model learn it from the recording in hand, labelled by a cheaper
first answer, so that no model ships or downloads:

- the audio map relabels the frames near each music edge with a speech/music classifier
  learnt from the frames its one-second measures label surely (audiomap);
- the aligner learns the recording's phonemes and speakers along its first DTW path.
  Synthetic speech is a poor template for a human voice: matched frame by frame, eSpeak's
  cepstra are barely closer to the right sentence than to another one said by the same
  person. Measured on two 5-minute bench episodes, each turn searched over the whole
  recording: its true place was the best match for 2 turns of 28. The first alignment is
  still right most of the time, so it labels the recording's frames with the phonemes eSpeak
  said there (and with the turn's speaker); matching each synthetic frame's phoneme against
  the classifier's log-probability of that phoneme, the true place won for 16 turns of 28.
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor

import numpy as np
from numba import njit
from numpy.lib.stride_tricks import sliding_window_view

_BLOCK = 10_000  # frames classified at a time (they stay in cache)


def stack(features: np.ndarray, context: int, frames: np.ndarray) -> np.ndarray:
    """``features[frames]``, each frame with its ``context`` neighbours on either side
    side by side (edges repeated)."""
    return _windows(features, context)[frames].reshape(len(frames), -1)


def _windows(features: np.ndarray, context: int) -> np.ndarray:
    """Each frame of ``features`` with its ``context`` neighbours on either side (edges
    repeated): a view of a padded copy, ``(frames, 2 * context + 1, values)``."""
    padded = np.concatenate([np.repeat(features[:1], context, axis=0), features,
                             np.repeat(features[-1:], context, axis=0)])
    return sliding_window_view(padded, 2 * context + 1, axis=0).transpose(0, 2, 1)


class LinearDiscriminant:
    """Linear discriminant analysis over stacked frames: class means, one covariance."""

    def __init__(self, n_classes: int, context: int = 4, ridge: float = 1e-2):
        self.n_classes, self.context, self.ridge = n_classes, context, ridge
        self.weights: np.ndarray | None = None
        self.bias: np.ndarray | None = None

    def fit(self, features: np.ndarray, frames: np.ndarray, labels: np.ndarray, *,
            max_frames: int = 100_000) -> "LinearDiscriminant":
        """Learn from ``features[frames[k]]`` said as ``labels[k]`` (at most ``max_frames``
        of them, evenly spread: memory and time stay bounded on long recordings)."""
        if len(frames) > max_frames:
            keep = np.linspace(0, len(frames) - 1, max_frames).astype(np.int64)
            frames, labels = frames[keep], labels[keep]
        x = stack(features, self.context, frames)
        labels = np.asarray(labels, np.int64)
        k, d = self.n_classes, x.shape[1]
        if len(labels) and (labels.min() < 0 or labels.max() >= k):
            raise ValueError(f"labels must lie in [0, {k}): the classes the classifier was made for")
        counts = np.bincount(labels, minlength=k).astype(np.float64)
        means = _class_sums(x, labels, k) / np.maximum(counts, 1.0)[:, None]
        # centred in double precision block by block (no double copy of all the frames: 190 MB
        # at 100k frames of 117 values), the product in single precision: half the time
        centred = np.empty(x.shape, np.float32)
        for start in range(0, len(x), _BLOCK):
            stop = start + _BLOCK
            centred[start:stop] = x[start:stop].astype(np.float64) - means[labels[start:stop]]
        cov = (centred.T @ centred).astype(np.float64) / max(len(x), 1) + self.ridge * np.eye(d)
        self.weights = np.linalg.solve(cov, means.T).T  # (k, d)
        self.bias = -0.5 * np.sum(self.weights * means, axis=1) + np.log((counts + 1.0) / (counts.sum() + k))
        return self

    def log_proba(self, features: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
        """``(frames, n_classes)`` float32 log-probabilities of each class at each frame
        (written into ``out`` when given, e.g. some columns of a wider array)."""
        if out is None:
            out = np.empty((len(features), self.n_classes), np.float32)
        # a block's frames stacked with their neighbours (a view, copied a block at a time)
        # and one product: nine products of the frames shifted by each offset took 2.5
        # times as long (each a pass over the block's scores for a 13-long dot product)
        w = self.weights.T.astype(np.float32)
        bias = self.bias.astype(np.float32)
        n = len(features)
        windows = _windows(features, self.context)

        def fill(start: int) -> None:
            stop = min(n, start + _BLOCK)
            s = np.ascontiguousarray(windows[start:stop]).reshape(stop - start, -1) @ w
            s += bias
            s -= s.max(axis=1, keepdims=True)
            out[start:stop] = s - np.log(np.exp(s).sum(axis=1, keepdims=True))

        blocks = range(0, n, _BLOCK)
        if len(blocks) < 4:
            for start in blocks:
                fill(start)
        else:  # single-threaded BLAS lets go of the GIL: blocks on every core, same numbers
            with ThreadPoolExecutor(min(4, os.cpu_count() or 1)) as pool:
                list(pool.map(fill, blocks))
        return out


@njit(cache=True, nogil=True)
def _class_sums(x: np.ndarray, labels: np.ndarray, k: int) -> np.ndarray:
    """``(k, D)`` float64 sums of the rows of ``x`` by label, added in row order (the numbers
    of ``np.bincount(labels, weights=x[:, c])`` for every column ``c``, in one pass over
    ``x`` rather than a strided copy of each column: 0.5 s less at 90 minutes)."""
    out = np.zeros((k, x.shape[1]))
    for i in range(x.shape[0]):
        row = out[labels[i]]
        for c in range(x.shape[1]):
            row[c] += x[i, c]
    return out


def warm_up() -> None:
    """Load the compiled kernel from numba's cache, for instance while other work waits."""
    _class_sums(np.zeros((1, 1), np.float32), np.zeros(1, np.int64), 1)


def one_hot(labels: np.ndarray, n_classes: int, dtype=np.float32) -> np.ndarray:
    out = np.zeros((len(labels), n_classes), dtype)
    ok = labels >= 0
    out[np.flatnonzero(ok), labels[ok]] = 1.0
    return out
