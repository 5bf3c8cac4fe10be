"""The linear discriminant that the map and the aligner train on the recording itself."""

from __future__ import annotations

import numpy as np
import pytest

from aligner.discriminant import LinearDiscriminant, one_hot, stack


def _runs(rng, n_runs=300):
    """Frames in runs of 5 to 15 of one class each; class k centred on 2 * e_k, noisy."""
    labels = np.repeat(rng.integers(0, 3, n_runs), rng.integers(5, 16, n_runs))
    means = 2.0 * np.eye(3, 4, dtype=np.float32)
    return (means[labels] + rng.normal(0, 1.0, (len(labels), 4))).astype(np.float32), labels


def test_stack_puts_neighbours_side_by_side_and_repeats_edges():
    x = np.arange(5, dtype=np.float32)[:, None]
    assert stack(x, 1, np.array([0, 2, 4])).tolist() == [[0, 0, 1], [1, 2, 3], [3, 4, 4]]
    pairs = np.hstack([x, 10 * x])  # frame by frame, its values side by side
    assert stack(pairs, 1, np.array([0, 4])).tolist() == [[0, 0, 0, 0, 1, 10], [3, 30, 4, 40, 4, 40]]


def test_learns_classes_from_labelled_frames_and_gives_log_probabilities():
    rng = np.random.default_rng(0)
    x, labels = _runs(rng)
    train = rng.random(len(x)) < 0.5
    clf = LinearDiscriminant(3, context=2).fit(x, np.flatnonzero(train), labels[train])
    lp = clf.log_proba(x)
    assert lp.shape == (len(x), 3) and lp.dtype == np.float32
    np.testing.assert_allclose(np.exp(lp).sum(axis=1), 1.0, rtol=1e-4)
    # the context window averages the noise out: one frame alone gets 87 %
    assert np.mean(lp[~train].argmax(axis=1) == labels[~train]) > 0.95


def test_log_probabilities_are_the_plain_stacked_ones_over_every_block():
    """The blocked product of each frame's window equals the textbook one: the frames
    shifted by each offset side by side, times the weights, plus the bias, normalised; blocks over 4 cores."""
    from aligner.discriminant import _BLOCK

    rng = np.random.default_rng(4)
    x, labels = _runs(rng)
    x = np.tile(x, (-(-(4 * _BLOCK + 7) // len(x)), 1))[:4 * _BLOCK + 7]  # 5 blocks, the last short
    labels = np.resize(labels, len(x))
    clf = LinearDiscriminant(3, context=2).fit(x, np.arange(0, len(x), 3), labels[::3])
    frames = np.arange(len(x))
    stacked = np.hstack([x[np.clip(frames + d, 0, len(x) - 1)] for d in range(-2, 3)])
    scores = stacked.astype(np.float64) @ clf.weights.T + clf.bias
    plain = scores - np.log(np.exp(scores - scores.max(axis=1, keepdims=True)).sum(axis=1, keepdims=True)) \
        - scores.max(axis=1, keepdims=True)
    np.testing.assert_allclose(clf.log_proba(x), plain, atol=1e-3)


def test_survives_wrong_labels_on_a_minority_of_frames():
    # the first alignment is wrong in places: a fifth of the labels shuffled
    rng = np.random.default_rng(1)
    x, labels = _runs(rng)
    noisy = labels.copy()
    wrong = rng.random(len(x)) < 0.2
    noisy[wrong] = rng.integers(0, 3, int(wrong.sum()))
    clf = LinearDiscriminant(3, context=2).fit(x, np.arange(len(x)), noisy)
    assert np.mean(clf.log_proba(x).argmax(axis=1) == labels) > 0.9


def test_one_hot_leaves_unlabelled_frames_empty():
    assert one_hot(np.array([1, -1, 0]), 2).tolist() == [[0, 1], [0, 0], [1, 0]]


def test_class_sums_are_bincounts_bit_for_bit():
    from aligner.discriminant import _class_sums

    rng = np.random.default_rng(3)
    x = rng.standard_normal((5000, 13)).astype(np.float32) * 1e3
    labels = rng.integers(0, 7, 5000)
    labels[labels == 4] = 5  # a class without frames sums to 0
    sums = _class_sums(x, labels, 7)
    expected = np.stack([np.bincount(labels, weights=x[:, c], minlength=7) for c in range(13)], axis=1)
    assert sums.tobytes() == expected.tobytes()


def test_labels_outside_the_classes_are_refused():
    x = np.zeros((4, 2), np.float32)
    for labels in ([0, 1, 2, 1], [0, -1, 1, 1]):
        with pytest.raises(ValueError, match="labels must lie"):
            LinearDiscriminant(2, context=0).fit(x, np.arange(4), np.array(labels))
