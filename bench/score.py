"""Scores of an alignment against an episode's ground truth.

- turn starts and ends: median, p90 and max absolute error, share within 0.1/0.25/0.5/1 s;
- the ends of the words before the pauses inside turns, the same;
- captions (turns) overlapping music or untranscribed audio by more than 0.5 s;
- anchors: shifted ones flagged (right) and correct ones flagged (wrong);
- audio map: frame accuracy of speech / music / silence.
"""

from __future__ import annotations

import numpy as np

THRESHOLDS_MS = (100, 250, 500, 1000)


def error_stats(errors_ms) -> dict:
    e = np.abs(np.asarray(errors_ms, dtype=np.float64))
    if len(e) == 0:
        return {"n": 0}
    out = {"n": int(len(e)), "median_ms": float(np.median(e)), "p90_ms": float(np.quantile(e, 0.9)), "max_ms": float(e.max())}
    for t in THRESHOLDS_MS:
        out[f"within_{t}ms"] = float(np.mean(e <= t))
        out[f"n_within_{t}ms"] = int(np.sum(e <= t))
    return out


def score_turns(predicted: list[dict], truth: dict) -> dict:
    """``predicted``: the aligner's turns in transcript order, each with ``start``/``end``
    in seconds (the alignment JSON's shape). Turns it did not place count as misses; the
    transcript's turns that the recording does not hold (``unsaid_turns``) are not scored
    here (see ``unsaid_captioned``). ``start_at_changes``: the starts but those of
    ``paragraph_turns``."""
    gold = truth["turns"]
    predicted = said_turns(predicted, truth)
    if len(predicted) != len(gold):
        raise ValueError(f"{len(predicted)} predicted turns for {len(gold)} true turns")
    starts = [p["start"] * 1000 - g["start_ms"] for p, g in zip(predicted, gold)]
    ends = [p["end"] * 1000 - g["end_ms"] for p, g in zip(predicted, gold)]
    paragraphs = set(paragraph_turns(truth))
    at_changes = [e for k, e in enumerate(starts) if k not in paragraphs]
    return {"start": error_stats(starts), "end": error_stats(ends), "start_at_changes": error_stats(at_changes)}


def score_utterance_ends(predicted: list[dict], truth: dict, *, found_ms: int = 250) -> dict:
    """Where the word before each pause between two utterances of a turn ends, against
    where the first utterance's speech ends: in the turns whose text is exact (not
    ``approximate_text``), each utterance but the last, whose next one's first word the
    aligner starts within ``found_ms`` of where that utterance begins (``predicted``: the
    alignment JSON's turns, with their words); the others are counted as ``n_unfound``.
    A word that lasts until the next one starts ends a pause late."""
    errors, unfound = [], 0
    for p, g in zip(said_turns(predicted, truth), truth["turns"]):
        if g.get("approximate_text"):
            continue
        words = p.get("words") or []
        starts = np.array([w["start"] * 1000 for w in words])
        for end_ms, next_ms in zip(g.get("utterance_ends_ms", [])[:-1], g.get("utterance_starts_ms", [])[1:]):
            j = int(np.argmin(np.abs(starts - next_ms))) if len(starts) else 0
            if j < 1 or abs(starts[j] - next_ms) > found_ms:
                unfound += 1
                continue
            errors.append(words[j - 1]["end"] * 1000 - end_ms)
    return {**error_stats(errors), "n_unfound": unfound}


def paragraph_turns(truth: dict) -> list[int]:
    """The true turns (indices) that go on with the talk of the turn before them: the same
    speaker's name, and no music, jingle or replay between them. The episodes write one
    speaker's consecutive paragraphs as turns of their own; a real transcript keeps them
    as one turn (the reference page has no turn after one by the same name), so a start
    there is a boundary that users' transcripts do not have."""
    gold, breaks = truth["turns"], untranscribed(truth)
    return [k for k in range(1, len(gold))
            if gold[k].get("speaker") is not None and gold[k].get("speaker") == gold[k - 1].get("speaker")
            and not any(r["start_ms"] < gold[k]["start_ms"] and r["end_ms"] > gold[k - 1]["end_ms"] for r in breaks)]


def said_turns(predicted: list[dict], truth: dict) -> list[dict]:
    """``predicted`` without the turns that the recording does not hold."""
    unsaid = set(truth.get("unsaid_turns", ()))
    return [p for k, p in enumerate(predicted) if k not in unsaid]


def unsaid_captioned(predicted: list[dict], truth: dict, *, tolerance_ms: int = 500) -> int:
    """The transcript's turns that the recording does not hold (``unsaid_turns``) and that
    were given more than ``tolerance_ms`` of it anyway (the alignment JSON's turns)."""
    return sum(1 for k in truth.get("unsaid_turns", ())
               if k < len(predicted) and (predicted[k]["end"] - predicted[k]["start"]) * 1000 > tolerance_ms)


def not_found(predicted: list[dict], truth: dict) -> dict:
    """The turns that the aligner lists as found nowhere in the audio (``"placed": false``
    in the alignment JSON): those the recording lacks (``unsaid_turns``: right) and those it
    holds (wrong)."""
    unsaid = set(truth.get("unsaid_turns", ()))
    listed = {k for k, p in enumerate(predicted) if p.get("placed", True) is False}
    return {"unsaid": len(listed & unsaid), "said": len(listed - unsaid)}


UNTRANSCRIBED = ("music", "jingle", "replay")  # the truth's regions that no caption may cover


def untranscribed(truth: dict) -> list[dict]:
    """The truth's regions that no caption may cover."""
    return [r for r in truth["regions"] if r["kind"] in UNTRANSCRIBED]


def covered(turn: dict, regions: list[dict], *, tolerance_ms: int = 500) -> list[tuple[dict, float]]:
    """(region, ms) for each of ``regions`` that ``turn``'s span (``start``, ``end``, in
    seconds) covers by more than ``tolerance_ms``."""
    s, e = turn["start"] * 1000, turn["end"] * 1000
    over = [(r, min(e, r["end_ms"]) - max(s, r["start_ms"])) for r in regions]
    return [(r, o) for r, o in over if o > tolerance_ms]


def caption_overlaps(predicted: list[dict], truth: dict, *, tolerance_ms: int = 500) -> int:
    """Turns whose span covers music or untranscribed audio by more than ``tolerance_ms``."""
    regions = untranscribed(truth)
    return sum(1 for p in predicted if covered(p, regions, tolerance_ms=tolerance_ms))


def score_anchors(predicted: list[dict], truth: dict) -> dict:
    """``predicted``: the alignment JSON's anchors (``written``, ``ok``), in order."""
    gold = sorted(truth["anchors"], key=lambda a: a["line"])
    if len(predicted) != len(gold):
        raise ValueError(f"{len(predicted)} predicted anchors for {len(gold)} true anchors")
    shifted_flagged = sum(1 for p, g in zip(predicted, gold) if g["corrupted"] and not p["ok"])
    correct_flagged = sum(1 for p, g in zip(predicted, gold) if not g["corrupted"] and not p["ok"])
    out = {"anchors": len(gold), "shifted": sum(g["corrupted"] for g in gold),
           "shifted_flagged": shifted_flagged, "correct_flagged": correct_flagged}
    # how far the tolerance stands from each kind: the right anchor the audio puts furthest
    # off, the shifted one it puts closest (when the JSON gives the measured offsets)
    off = [(g["corrupted"], abs(p["delta"])) for p, g in zip(predicted, gold) if p.get("delta") is not None]
    right, shifted = [d for c, d in off if not c], [d for c, d in off if c]
    if right:
        out["right_max_s"] = max(right)
    if shifted:
        out["shifted_min_s"] = min(shifted)
    return out


def truth_labels(truth: dict, frames: int, hop_ms: int = 10) -> np.ndarray:
    """0 silence, 1 speech, 2 music per frame; a pause under 1 s between sounds of one kind
    takes their label (a turn's utterances are speech, the pauses between them too when
    shorter than 1 s); between music and speech it is silence, as the regions have it (a
    music region ends where its sound does)."""
    labels = np.zeros(frames, np.int8)
    for t in truth["turns"]:
        for start, end in zip(t.get("utterance_starts_ms", [t["start_ms"]]), t.get("utterance_ends_ms", [t["end_ms"]])):
            labels[start // hop_ms:end // hop_ms] = 1
    for r in truth["regions"]:
        if r["kind"] in ("music", "jingle"):
            labels[r["start_ms"] // hop_ms:r["end_ms"] // hop_ms] = 2
        elif r["kind"] == "replay":
            labels[r["start_ms"] // hop_ms:r["end_ms"] // hop_ms] = 1
    cuts = np.flatnonzero(np.diff(labels)) + 1
    bounds = np.concatenate([[0], cuts, [frames]])
    for s, e in zip(bounds[:-1], bounds[1:]):
        if labels[s] == 0 and (e - s) * hop_ms < 1000 and s > 0 and (e == frames or labels[e] == labels[s - 1]):
            labels[s:e] = labels[s - 1]
    return labels


def map_accuracy(predicted_regions: list[dict], truth: dict, hop_ms: int = 10, collar_ms: int = 250) -> dict:
    """Frame accuracy of speech / music / silence (speech over music counts as speech), on
    every frame and without the frames within ``collar_ms`` of a change of label in the
    truth (the usual collar of speech activity scoring: a pause between a jingle and a turn
    has no right label), and the error of each music region's edges."""
    frames = truth["duration_ms"] // hop_ms
    gold = truth_labels(truth, frames, hop_ms)
    code = {"silence": 0, "speech": 1, "speech_over_music": 1, "music": 2}
    pred = np.zeros(frames, np.int8)
    for r in predicted_regions:
        pred[r["start_ms"] // hop_ms:r["end_ms"] // hop_ms] = code[r["kind"]]
    edges = []
    for r in truth["regions"]:
        if r["kind"] != "music":
            continue
        music = [p for p in predicted_regions if p["kind"] == "music"
                 and min(p["end_ms"], r["end_ms"]) - max(p["start_ms"], r["start_ms"]) > 0]
        if music:
            edges += [abs(min(p["start_ms"] for p in music) - r["start_ms"]), abs(max(p["end_ms"] for p in music) - r["end_ms"])]
        else:
            edges += [float("inf"), float("inf")]
    scored = np.ones(frames, bool)
    for change in np.flatnonzero(np.diff(gold)) + 1:
        scored[max(0, change - collar_ms // hop_ms):change + collar_ms // hop_ms] = False
    return {"frame_accuracy": float(np.mean(pred == gold)),
            "frame_accuracy_collar": float(np.mean(pred[scored] == gold[scored])) if scored.any() else 1.0,
            "music_edges": error_stats(edges) if edges else {"n": 0}}
