"""Turn edges moved after the passes: the words that fall across a new edge share the time
left to them, each in proportion to its length."""

from __future__ import annotations

import dataclasses

import numpy as np

from aligner.align.model import TurnTiming, WordTiming


def end_before(turn: TurnTiming, stop_ms: int) -> TurnTiming | None:
    """``turn`` ending at ``stop_ms``: its words from there on, with the last word that
    starts before, share that word's time (each in proportion to its length); None when
    no word starts before ``stop_ms``."""
    last = sum(w.start_ms < stop_ms for w in turn.words) - 1
    if last < 0 or turn.start_ms >= stop_ms:
        return None
    tail = turn.words[last:]
    return dataclasses.replace(turn, end_ms=stop_ms, words=turn.words[:last] + share(tail, tail[0].start_ms, stop_ms))


def start_earlier(turn: TurnTiming, start_ms: int) -> TurnTiming:
    """``turn`` starting at ``start_ms``, before it did: its first word starts there too."""
    first = dataclasses.replace(turn.words[0], start_ms=start_ms)
    return dataclasses.replace(turn, start_ms=start_ms, words=(first,) + turn.words[1:])


def end_later(turn: TurnTiming, stop_ms: int) -> TurnTiming:
    """``turn`` ending at ``stop_ms``, after it did: its last word ends there too."""
    last = dataclasses.replace(turn.words[-1], end_ms=stop_ms)
    return dataclasses.replace(turn, end_ms=stop_ms, words=turn.words[:-1] + (last,))


def start_after(turn: TurnTiming, start_ms: int) -> TurnTiming | None:
    """``turn`` starting at ``start_ms``: its words up to the first that ends after it share
    the time from ``start_ms`` to that word's end; None when no word ends after it."""
    first = next((i for i, w in enumerate(turn.words) if w.end_ms > start_ms), None)
    if first is None or start_ms >= turn.end_ms:
        return None
    head = turn.words[:first + 1]
    return dataclasses.replace(turn, start_ms=start_ms,
                               words=share(head, start_ms, head[-1].end_ms) + turn.words[first + 1:])


def share(words: tuple[WordTiming, ...], start_ms: int, stop_ms: int) -> tuple[WordTiming, ...]:
    """``words`` spread over ``start_ms`` to ``stop_ms``, each in proportion to its length."""
    lengths = np.array([max(1, w.end_ms - w.start_ms) for w in words], np.float64)
    bounds = start_ms + np.round(np.concatenate([[0.0], np.cumsum(lengths)]) / lengths.sum()
                                 * (stop_ms - start_ms)).astype(np.int64)
    return tuple(dataclasses.replace(w, start_ms=int(a), end_ms=int(b)) for w, a, b in zip(words, bounds[:-1], bounds[1:]))


def move_change(before: TurnTiming, turn: TurnTiming, stop_ms: int, start_ms: int) -> tuple[TurnTiming, TurnTiming] | None:
    """``before`` ending at ``stop_ms`` and ``turn`` starting at ``start_ms``: the words that
    fall across the new change share the time left to them. None when a turn would lose all
    its words."""
    if start_ms < turn.start_ms:  # earlier: the turn before gives up its end
        shorter = end_before(before, stop_ms)
        return (shorter, start_earlier(turn, start_ms)) if shorter else None
    # later: the turn gives up its start to the one before, whose last word runs on to the pause
    shorter = start_after(turn, start_ms)
    if shorter is None or not before.words or stop_ms <= before.end_ms:
        return (before, shorter) if shorter else None
    last = dataclasses.replace(before.words[-1], end_ms=stop_ms)
    return dataclasses.replace(before, end_ms=stop_ms, words=before.words[:-1] + (last,)), shorter
