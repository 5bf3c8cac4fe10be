"""Word starts that the path leaves in a pause move to where speech resumes."""

from __future__ import annotations

import numpy as np

from aligner.align.engine import _edges, _out_of_pauses


def test_a_word_started_in_a_pause_starts_where_speech_resumes():
    quiet = np.array([0, 0, 1, 1, 1, 1, 0, 0, 0, 0], np.float32)  # speech, pause at 2-5, speech
    onsets, _, q = _edges(quiet)
    assert onsets.tolist() == [6]
    assert _out_of_pauses([0, 3, 8], 10, onsets, q) == [0, 6, 8]


def test_it_stays_when_speech_resumes_only_after_the_next_word():
    # the word at 2 stays (speech resumes at 8, after the next word at 5); the last word,
    # with the turn ending at 10, moves to 8
    quiet = np.array([0, 1, 1, 1, 1, 1, 1, 1, 0, 0], np.float32)
    onsets, _, q = _edges(quiet)
    assert _out_of_pauses([0, 2, 5], 10, onsets, q) == [0, 2, 8]
