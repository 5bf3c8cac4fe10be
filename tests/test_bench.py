"""The benchmark's scorer on known perturbations, and a 30-second smoke episode from the
real recordings (fetched from Debian with apt-get download, cached in bench/cache/)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from conftest import ROOT

sys.path.insert(0, str(ROOT / "bench"))

import score  # noqa: E402
from corpus import _GLUED, RATE, speech_bounds  # noqa: E402

TRUTH = {
    "duration_ms": 60_000,
    "turns": [{"start_ms": 1_000, "end_ms": 9_000}, {"start_ms": 20_000, "end_ms": 30_000}, {"start_ms": 40_000, "end_ms": 55_000}],
    "regions": [{"kind": "music", "start_ms": 10_000, "end_ms": 19_000}, {"kind": "replay", "start_ms": 31_000, "end_ms": 39_000}],
    "anchors": [{"line": 5, "corrupted": False}, {"line": 9, "corrupted": True}],
}


def _perfect():
    return [{"start": t["start_ms"] / 1000, "end": t["end_ms"] / 1000} for t in TRUTH["turns"]]


def test_speech_starts_after_a_lone_click_not_at_it():
    import numpy as np

    x = np.zeros(RATE, np.float32)
    x[:80] = 0.5  # a 5 ms click
    rng = np.random.default_rng(0)
    x[RATE // 4:RATE // 2] = rng.normal(0, 0.3, RATE // 4)  # "speech" from 250 to 500 ms
    assert speech_bounds(x) == (RATE // 4, RATE // 2)


def test_perfect_alignment_scores_full_marks():
    s = score.score_turns(_perfect(), TRUTH)["start"]
    assert s["median_ms"] == 0 and s["max_ms"] == 0 and s["within_100ms"] == 1.0
    assert score.caption_overlaps(_perfect(), TRUTH) == 0
    assert score.score_anchors([{"ok": True}, {"ok": False}], TRUTH) == {"anchors": 2, "shifted": 1, "shifted_flagged": 1, "correct_flagged": 0}


def test_known_perturbations():
    shifted = _perfect()
    shifted[0]["start"] += 0.3
    shifted[1]["start"] -= 2.0
    s = score.score_turns(shifted, TRUTH)["start"]
    assert s["median_ms"] == pytest.approx(300) and s["max_ms"] == pytest.approx(2000)
    assert s["within_250ms"] == pytest.approx(1 / 3) and s["within_500ms"] == pytest.approx(2 / 3)
    into_music = _perfect()
    into_music[1]["start"] = 18.0  # one second of music under the caption
    assert score.caption_overlaps(into_music, TRUTH) == 1
    assert score.score_anchors([{"ok": False}, {"ok": True}], TRUTH)["correct_flagged"] == 1


def test_map_accuracy_of_the_truth_itself():
    def region(kind, start, end):
        return {"kind": kind, "start_ms": start * 1000, "end_ms": end * 1000}

    exact = [region("silence", 0, 1), region("speech", 1, 9), region("silence", 9, 10), region("music", 10, 19),
             region("silence", 19, 20), region("speech", 20, 30), region("silence", 30, 31), region("speech", 31, 39),
             region("silence", 39, 40), region("speech", 40, 55), region("silence", 55, 60)]
    result = score.map_accuracy(exact, TRUTH)
    assert result["frame_accuracy"] == 1.0 and result["music_edges"]["max_ms"] == 0
    late = [dict(r) for r in exact]
    late[3]["start_ms"] += 500  # music heard 0.5 s late: 50 frames of 6000 wrong
    late[2]["end_ms"] += 500
    result = score.map_accuracy(late, TRUTH)
    assert result["frame_accuracy"] == pytest.approx(1 - 50 / 6000)
    # 0.5 s late: the first 0.25 s fall inside the collar, the rest still count
    assert result["frame_accuracy_collar"] < 1.0 and result["frame_accuracy_collar"] > result["frame_accuracy"]
    assert result["music_edges"]["max_ms"] == 500


def test_a_long_pause_between_the_utterances_of_a_turn_is_silence():
    truth = {"turns": [{"start_ms": 1_000, "end_ms": 9_000, "utterance_starts_ms": [1_000, 4_500, 7_000],
                        "utterance_ends_ms": [3_000, 6_500, 9_000]}], "regions": []}
    labels = score.truth_labels(truth, 1_000)
    assert labels[:100].tolist() == [0] * 100
    assert labels[100:300].tolist() == [1] * 200
    assert labels[300:450].tolist() == [0] * 150  # 1.5 s between two utterances
    assert labels[450:900].tolist() == [1] * 450  # 0.5 s: a pause inside speech
    assert labels[900:].tolist() == [0] * 100


def test_a_short_pause_between_music_and_speech_is_silence():
    """The truth's music region ends where the music does, and so do its frame labels: a
    pause under 1 s is speech (or music) only with speech (or music) on both sides."""
    truth = {"turns": [{"start_ms": 1_000, "end_ms": 3_000}, {"start_ms": 6_800, "end_ms": 8_000}],
             "regions": [{"kind": "jingle", "start_ms": 3_500, "end_ms": 6_000}]}
    labels = score.truth_labels(truth, 1_000)
    assert labels[300:350].tolist() == [0] * 50 and labels[600:680].tolist() == [0] * 80
    assert labels[350:600].tolist() == [2] * 250 and labels[680:800].tolist() == [1] * 120


@pytest.mark.skipif(shutil.which("apt-get") is None or shutil.which("dpkg-deb") is None, reason="needs apt-get and dpkg-deb")
def test_smoke_episode_builds_aligns_and_scores(tmp_path):
    import corpus
    import episodes

    c = corpus.load()
    assert c.june and c.music and c.english
    audio, text, truth = episodes.build(c, minutes=0.5, seed=3, corrupt_anchor=False, replay=False)
    mp3 = episodes.write(audio, text, truth, tmp_path, "smoke")
    assert 25 <= truth["duration_ms"] / 1000 <= 60 and truth["turns"]
    out = tmp_path / "out"
    subprocess.run([sys.executable, "-m", "aligner", "align", str(mp3), str(tmp_path / "smoke.txt"), "-o", str(out)], check=True)
    import json

    doc = json.loads((out / "smoke.json").read_text(encoding="utf-8"))
    result = score.score_turns(doc["turns"], truth)
    assert result["start"]["n"] == len(truth["turns"])


@pytest.mark.skipif(shutil.which("apt-get") is None or shutil.which("dpkg-deb") is None, reason="needs apt-get and dpkg-deb")
def test_a_mix_changes_the_levels_and_pauses_it_names_and_nothing_else():
    import corpus
    import episodes

    c = corpus.load()
    usual, text, truth = episodes.build(c, minutes=1, seed=3, replay=False, beds=1.0)
    bed, bed_text, bed_truth = episodes.build(c, minutes=1, seed=3, replay=False, beds=1.0, mix="bed")
    assert bed_text == text and bed_truth["turns"] == truth["turns"] and bed_truth["mix"] == "bed"
    (first, *_) = [r for r in truth["regions"] if r["kind"] == "bed"]
    a, b = first["start_ms"] * RATE // 1000, first["end_ms"] * RATE // 1000
    louder = 10 * np.log10(np.mean((bed[a:b] - usual[a:b]).astype(np.float64) ** 2))
    assert -32.0 < louder < -29.5  # the same bed at -27 dBFS instead of -36: their difference at -30.8



@pytest.mark.skipif(shutil.which("apt-get") is None or shutil.which("dpkg-deb") is None, reason="needs apt-get and dpkg-deb")
def test_a_gated_mix_has_pauses_of_digital_silence_and_the_same_sound_elsewhere():
    import corpus
    import episodes

    c = corpus.load()
    usual, text, truth = episodes.build(c, minutes=1, seed=3, replay=False)
    gated, gated_text, gated_truth = episodes.build(c, minutes=1, seed=3, replay=False, mix="gated")
    assert gated_text == text and gated_truth["turns"] == truth["turns"]
    zeros = gated == 0
    assert 0.03 < zeros.mean() < 0.5 and not np.any(usual == 0)
    # the zeros are whole pauses (a tenth of a second at least: the gate holds 20 ms), the rest is the usual mix
    from aligner.audiomap import runs

    pauses = runs(zeros)
    assert len(pauses) > 5 and min(b - a for a, b in pauses) >= RATE // 10
    assert np.array_equal(gated[~zeros], usual[~zeros])


@pytest.mark.skipif(shutil.which("apt-get") is None or shutil.which("dpkg-deb") is None, reason="needs apt-get and dpkg-deb")
def test_a_compressed_mix_is_encoded_with_less_dynamic_range(tmp_path):
    import corpus
    import episodes

    from aligner.audiomap import frame_energy_db
    from aligner.decode import decode
    from aligner.features import log_mel

    c = corpus.load()
    ranges = {}
    for mix in ("", "compressed"):
        audio, text, truth = episodes.build(c, minutes=0.5, seed=3, replay=False, mix=mix)
        mp3 = episodes.write(audio, text, truth, tmp_path, f"mix{mix}")
        low, high = np.quantile(frame_energy_db(log_mel(decode(mp3).samples, 16000)), [0.05, 0.95])
        ranges[mix] = high - low
    assert ranges["compressed"] < ranges[""] - 8.0, ranges


@pytest.mark.skipif(shutil.which("apt-get") is None or shutil.which("dpkg-deb") is None, reason="needs apt-get and dpkg-deb")
def test_a_fast_mix_says_the_same_words_in_two_thirds_of_the_time():
    import corpus
    import episodes

    c = corpus.load()
    _, text, truth = episodes.build(c, minutes=1, seed=3, replay=False)
    _, fast_text, fast_truth = episodes.build(c, minutes=1, seed=3, replay=False, mix="fast")
    turn, quick = truth["turns"][0], fast_truth["turns"][0]  # (later ones: the jingle comes after more turns)
    first_line = next(line for line in text.splitlines() if "\u00a0: " in line)
    assert first_line in fast_text.splitlines() and quick["speaker"] == turn["speaker"]
    assert len(quick["utterance_starts_ms"]) == len(turn["utterance_starts_ms"])
    for a, b, qa, qb in zip(turn["utterance_starts_ms"], turn["utterance_ends_ms"],
                            quick["utterance_starts_ms"], quick["utterance_ends_ms"]):
        assert 0.62 < (qb - qa) / (b - a) < 0.72  # 1 / 1.5, to the 10-ms frames of the speech bounds


@pytest.mark.skipif(shutil.which("apt-get") is None or shutil.which("dpkg-deb") is None, reason="needs apt-get and dpkg-deb")
def test_an_overlap_mix_brings_voices_in_before_the_last_one_ends_and_is_otherwise_the_usual_episode():
    import corpus
    import episodes

    c = corpus.load()
    _, text, _ = episodes.build(c, minutes=5, seed=1, replay=False)
    over, over_text, over_truth = episodes.build(c, minutes=5, seed=1, replay=False, mix="overlap")
    assert over_text.splitlines()[:12] == text.splitlines()[:12]  # the same turns, while they fit
    turns = over_truth["turns"]
    early = [b["start_ms"] - a["end_ms"] for a, b in zip(turns, turns[1:]) if b["start_ms"] < a["end_ms"]]
    assert len(early) >= 3 and all(-460 <= d <= -140 for d in early)
    # only at a change of speaker: one speaker's next turn comes after a pause
    assert all(a["speaker"] != b["speaker"] for a, b in zip(turns, turns[1:]) if b["start_ms"] < a["end_ms"])
    # both voices sound there: the new one from its onset on, the last one up to its end
    a, b = next((a, b) for a, b in zip(turns, turns[1:]) if b["start_ms"] < a["end_ms"])
    both = over[b["start_ms"] * RATE // 1000:a["end_ms"] * RATE // 1000]
    assert np.sqrt(np.mean(both.astype(np.float64) ** 2)) > 10 ** (-30 / 20)  # voices at -20 dBFS


def test_a_tight_mix_has_pauses_a_third_as_long():
    import random

    import episodes

    for mix, lo, hi in (("", 250, 1200), ("tight", 83, 400)):
        track = episodes._Track(random.Random(1), episodes.MIXES[mix])
        for _ in range(200):
            track.silence(250, 1200)
        lengths = [len(x) * 1000 // RATE for x in track.audio]
        assert lo <= min(lengths) and max(lengths) <= hi and max(lengths) - min(lengths) > (hi - lo) * 0.8


@pytest.mark.skipif(shutil.which("apt-get") is None or shutil.which("dpkg-deb") is None, reason="needs apt-get and dpkg-deb")
def test_a_sung_break_has_a_voice_over_its_middle_and_the_music_alone_at_its_ends():
    import random

    import corpus
    import episodes

    c = corpus.load()
    for seed in range(5):
        song = np.zeros(30 * RATE, np.float32)
        episodes._sing(episodes._Track(random.Random(seed), episodes.MIXES["sung"]), c, song, -20.0)
        sounding = np.flatnonzero(np.abs(song) > 1e-3)
        assert 2 * RATE <= sounding[0] < 6 * RATE and 25 * RATE <= sounding[-1] < 28 * RATE
        voiced = song[sounding[0]:sounding[-1]].astype(np.float64)
        assert -26.0 < 10 * np.log10(np.mean(voiced ** 2)) < -19.0  # lines at -20 dBFS, short pauses between
    # a jingle's voice from half a second to a second in, to as long before its end
    jingle = np.zeros(6 * RATE, np.float32)
    episodes._sing(episodes._Track(random.Random(0), episodes.MIXES["voiced"]), c, jingle, -22.0, lead=(0.5, 1.0))
    sounding = np.flatnonzero(np.abs(jingle) > 1e-3)
    assert RATE // 2 <= sounding[0] < 2 * RATE and 4 * RATE <= sounding[-1] < int(5.5 * RATE)
    # the usual mix leaves the breaks and jingles instrumental
    assert episodes.MIXES[""].sung_db is None and episodes.MIXES["sung"].sung_db == 0.0
    assert not episodes.MIXES["sung"].voiced_jingles and episodes.MIXES["voiced"].voiced_jingles


def test_a_shifted_anchor_stays_in_order_and_inside_the_recording():
    import random

    import episodes

    for seed in range(200):
        track = episodes._Track(random.Random(seed))
        track.lines = ["Partie 2 [0:20]", "x", "Partie 3 [4:45]"]
        track.anchors = [{"written": "[0:20]", "written_ms": 20_000, "line": 1},
                         {"written": "[4:45]", "written_ms": 285_000, "line": 3}]
        episodes._corrupt_one(track, track.rng, 300_000)
        shifted = [a for a in track.anchors if a.get("corrupted")]
        assert len(shifted) == 1 and shifted[0]["written"] in track.lines[shifted[0]["line"] - 1]
        first, last = (a["written_ms"] for a in track.anchors)
        assert 0 <= first <= last <= 299_000


def test_totals_sum_the_exact_counts_per_tool_and_kind_of_transcript():
    import run
    import score

    def row(errors_ms, variant="", tool="aligner", shifted=1, flagged=1, correct_flagged=0, overlaps=0):
        out = {"tool": tool, "turns": len(errors_ms), "start": score.error_stats(errors_ms), "caption_overlaps": overlaps}
        if tool == "aligner":
            out["anchors"] = {"anchors": 3, "shifted": shifted, "shifted_flagged": flagged, "correct_flagged": correct_flagged}
        return dict(out, variant=variant) if variant else out

    rows = [row([10, 600, 20], overlaps=1), row([0] * 4, correct_flagged=1, overlaps=2), row([900, 5], tool="aeneas"),
            row([1, 2, 3000], "_late50", shifted=0, flagged=0), {"episode": "x", "variant": "_late50", "error": "boom"},
            dict(row([0, 0], "_unsaid2"), unsaid={"turns": 2, "captioned": 1}, not_found={"unsaid": 1, "said": 0}),
            dict(row([0, 700], "_unsaid2"), unsaid={"turns": 2, "captioned": 2}, not_found={"unsaid": 0, "said": 1})]
    assert run.totals(rows).splitlines() == [
        "Totals:",
        "- aligner whole transcripts: 6 of 7 turn starts within 0.5 s (85.7%), 7 within 1 s (100.0%); "
        "3 captions on music or untranscribed audio; shifted anchors flagged 2/2, correct ones flagged 1/4",
        "- aeneas whole transcripts: 1 of 2 turn starts within 0.5 s (50.0%), 2 within 1 s (100.0%); "
        "0 captions on music or untranscribed audio",
        "- aligner _late50: 2 of 3 turn starts within 0.5 s (66.7%), 2 within 1 s (66.7%); "
        "0 captions on music or untranscribed audio; shifted anchors flagged 0/0, correct ones flagged 0/3; 1 failed",
        "- aligner _unsaid2: 3 of 4 turn starts within 0.5 s (75.0%), 4 within 1 s (100.0%); "
        "0 captions on music or untranscribed audio; shifted anchors flagged 2/2, correct ones flagged 0/4; "
        "3 of 4 turns that the recording lacks given some of it, 1 listed as not found; 1 turns said listed as not found"]


def test_totals_give_the_turn_ends_within_half_a_second_where_the_rows_score_them():
    import run
    import score

    def row(starts_ms, ends_ms=None):
        out = {"tool": "aligner", "turns": len(starts_ms), "start": score.error_stats(starts_ms),
               "caption_overlaps": 0}
        return dict(out, end=score.error_stats(ends_ms)) if ends_ms is not None else out

    line = run.totals([row([0, 10], [-700, 20]), row([0, 0, 0], [0, 499, 501])]).splitlines()[1]
    assert "; 3 of 5 turn ends within 0.5 s (60.0%); 0 captions" in line
    assert "turn ends" not in run.totals([row([0, 10])])


def test_the_word_before_a_pause_inside_a_turn_is_scored_where_its_speech_ends():
    """A turn of three utterances (1-2 s, 2.5-3.5 s, 4-5 s): the word before the second
    ends 100 ms late, the one before the third where its speech ends; a turn whose next
    utterance's first word starts 0.3 s off is not scored but counted, nor is a turn with
    approximate text."""
    truth = {"turns": [{"start_ms": 1000, "end_ms": 5000, "utterance_starts_ms": [1000, 2500, 4000],
                        "utterance_ends_ms": [2000, 3500, 5000]},
                       {"start_ms": 6000, "end_ms": 8000, "utterance_starts_ms": [6000, 7000],
                        "utterance_ends_ms": [6500, 8000]},
                       {"start_ms": 9000, "end_ms": 11000, "utterance_starts_ms": [9000, 10000],
                        "utterance_ends_ms": [9500, 11000], "approximate_text": True}]}

    def turn(*spans):
        return {"start": spans[0][0], "end": spans[-1][1], "words": [{"start": a, "end": b} for a, b in spans]}

    predicted = [turn((1.0, 2.1), (2.5, 3.5), (4.0, 5.0)), turn((6.0, 6.5), (7.3, 8.0)),
                 turn((9.0, 9.9), (10.0, 11.0))]
    s = score.score_utterance_ends(predicted, truth)
    assert (s["n"], s["n_unfound"], s["median_ms"], s["n_within_100ms"]) == (2, 1, pytest.approx(50), 2)
    predicted[0]["words"][0]["end"] = 2.5  # lasting until the next word starts: the pause late
    late = score.score_utterance_ends(predicted, truth)
    assert late["max_ms"] == pytest.approx(500)
    import run

    rows = [{"tool": "aligner", "turns": 3, "start": score.error_stats([0, 0, 0]), "utterance_end": u}
            for u in (s, late)]
    assert "the word before a pause inside a turn ends within 0.1 s of the speech 3 of 4 times (75.0%)" in (
        run.totals(rows))


def test_totals_give_the_maps_accuracy_and_music_edges_over_the_episodes_scored():
    import run
    import score

    def row(accuracy, edges_ms=None):
        out = {"tool": "aligner", "turns": 1, "start": score.error_stats([0]), "caption_overlaps": 0}
        if accuracy is not None:
            out["map"] = {"frame_accuracy": accuracy, "music_edges": score.error_stats(edges_ms)}
        return out

    rows = [row(0.99, [10, 700]), row(0.96, [0, 400, 30, 20]), row(None)]  # the last one's map not scored
    assert run.totals(rows).splitlines()[-1] == (
        "- audio map, 2 episodes: frame accuracy 97.50% on average (lowest 96.0%, 1 under 97 %), "
        "5 of 6 music edges within 0.5 s")
    assert [run._edges_within(r["map"]) for r in rows[:2]] == ["1/2", "4/4"]


def test_a_cut_transcript_keeps_the_first_turns_and_their_truth():
    import episodes

    text = "Titre\n\n[Jingle]\n\nA\u00a0: un [0:05] deux\n\nPause musicale : X par Y.\n\nPartie 2 [1:00]\n\nB\u00a0: trois\n\nA\u00a0: quatre\n"
    truth = {"turns": [{"start_ms": 1}, {"start_ms": 2}, {"start_ms": 3}],
             "anchors": [{"line": 5, "written": "[0:05]"}, {"line": 9, "written": "[1:00]"}], "regions": []}
    cut_text, cut_truth = episodes.cut(text, truth, 0.5)
    assert cut_text == "Titre\n\n[Jingle]\n\nA\u00a0: un [0:05] deux\n"
    assert cut_truth["turns"] == [{"start_ms": 1}] and [a["line"] for a in cut_truth["anchors"]] == [5]


def test_a_late_transcript_keeps_the_later_turns_with_a_timecode_at_the_first():
    import episodes

    text = ("Titre\n\nTranscription\n\n[Jingle]\n\nA\u00a0: un deux.\n\nPause musicale : X par Y.\n\n"
            "Partie 2 [1:00]\n\nB\u00a0: trois [2:00] quatre\n\nA\u00a0: cinq\n")
    truth = {"turns": [{"start_ms": 1000}, {"start_ms": 65_432}, {"start_ms": 130_000}],
             "anchors": [{"line": 11, "written": "[1:00]"}, {"line": 13, "written": "[2:00]"}], "regions": []}
    late_text, late_truth = episodes.late(text, truth, 0.5)
    assert late_text == "Titre\n\nTranscription\n\nB\u00a0: [1:05] trois [2:00] quatre\n\nA\u00a0: cinq\n"
    assert late_truth["turns"] == truth["turns"][1:] and late_truth["covered_turns"] == 2
    assert [(a["written"], a["line"]) for a in late_truth["anchors"]] == [("[1:05]", 5), ("[2:00]", 5)]
    assert late_truth["anchors"][0]["written_ms"] == 65_000 and late_truth["anchors"][0]["true_ms"] == 65_432


def test_a_late_transcript_does_not_start_with_a_sentence_said_before_it():
    import episodes

    said = [f"Phrase numéro {k} assez longue." for k in range(9)]
    said[4] = said[0]  # the bench reuses prompts
    text = "Titre\n\nTranscription\n" + "".join(f"\nA\u00a0: {s}\n" for s in said)
    truth = {"turns": [{"start_ms": k * 10_000} for k in range(9)], "anchors": [], "regions": []}
    late_text, late_truth = episodes.late(text, truth, 0.25)  # 2 turns dropped, then on past the repeat
    assert late_truth["turns"][0]["start_ms"] == 50_000 and "Phrase numéro 5" in late_text.splitlines()[4]


def test_an_offset_transcript_has_every_timecode_moved_and_shifted_in_its_truth():
    """Every timecode moved and shifted, but one shifted by as much the other way, which
    the move sets right."""
    import episodes

    text = "Titre\n\nA\u00a0: un 0' 35 deux\n\nPartie 2 [1 min 00]\n\nB\u00a0: trois\n"
    truth = {"turns": [{"start_ms": 1}, {"start_ms": 2}],
             "anchors": [{"line": 3, "written": "0' 35", "written_ms": 35_000, "true_ms": 35_000, "corrupted": False},
                         {"line": 5, "written": "[1 min 00]", "written_ms": 60_000, "true_ms": 32_000,
                          "corrupted": True}]}
    moved, moved_truth = episodes.offset(text, truth, -30)
    assert moved == "Titre\n\nA\u00a0: un [0:05] deux\n\nPartie 2 [0:30]\n\nB\u00a0: trois\n"
    assert [(a["written"], a["written_ms"], a["corrupted"]) for a in moved_truth["anchors"]] == [
        ("[0:05]", 5_000, True), ("[0:30]", 30_000, False)]
    with pytest.raises(ValueError):
        episodes.offset(text, truth, -40)


def test_an_unanchored_transcript_has_the_same_turns_and_no_timecode():
    import episodes

    from aligner.transcript import parse_transcript

    text = "Titre\n\nA\u00a0: un [0:05] deux\n\nPartie 2 [1:00]\n\nB\u00a0: trois\n"
    truth = {"turns": [{"start_ms": 1}, {"start_ms": 2}],
             "anchors": [{"line": 3, "written": "[0:05]"}, {"line": 5, "written": "[1:00]"}]}
    bare, bare_truth = episodes.unanchored(text, truth)
    assert bare == "Titre\n\nA\u00a0: un deux\n\nPartie 2\n\nB\u00a0: trois\n"
    assert bare_truth["anchors"] == [] and bare_truth["turns"] == truth["turns"]
    parsed = parse_transcript(bare, format="wiki")
    assert not parsed.anchors and [t.text for t in parsed.turns] == ["un deux", "trois"]


def test_an_unsaid_transcript_has_turns_more_that_its_truth_lists_and_the_same_timecodes():
    import episodes

    from aligner.transcript import parse_transcript

    text = "Titre\n\nA\u00a0: un [0:05] deux\n\nPartie 2 [1:00]\n\nB\u00a0: trois\n\nA\u00a0: quatre\n\nB\u00a0: cinq [2:00]\n"
    truth = {"turns": [{"start_ms": k} for k in range(4)],
             "anchors": [{"line": 3, "written": "[0:05]"}, {"line": 5, "written": "[1:00]"}, {"line": 11, "written": "[2:00]"}]}
    more, more_truth = episodes.unsaid(text, truth, 2, seed=3)
    parsed = parse_transcript(more, format="wiki")
    texts = [t.text for t in parsed.turns]
    assert len(texts) == 6 and more_truth["turns"] == truth["turns"]
    unsaid = more_truth["unsaid_turns"]
    assert len(unsaid) == 2 and 0 not in unsaid  # never before the first turn
    assert [t for k, t in enumerate(texts) if k not in unsaid] == ["un deux", "trois", "quatre", "cinq"]
    for k in unsaid:  # two sentences that no recording holds, said by the turn before's speaker
        assert sum(s in texts[k] for s in episodes.UNSAID) == 2
        assert parsed.turns[k].speaker == parsed.turns[k - 1].speaker
    lines = more.splitlines()
    assert [a.time_ms for a in parsed.anchors] == [5_000, 60_000, 120_000]
    assert all(a["written"] in lines[a["line"] - 1] for a in more_truth["anchors"])
    assert all(0 not in episodes.unsaid(text, truth, 2, seed=k)[1]["unsaid_turns"] for k in range(20))
    with pytest.raises(ValueError):
        episodes.unsaid(text, truth, 4)


def test_turns_that_the_recording_lacks_are_scored_apart():
    truth = dict(TRUTH, unsaid_turns=[1, 3])
    predicted = _perfect()
    predicted[1:1] = [{"start": 9.2, "end": 9.5}]  # given 0.3 s: not counted
    predicted[3:3] = [{"start": 30.0, "end": 31.0}]  # given a second: counted
    s = score.score_turns(predicted, truth)["start"]
    assert s["n"] == 3 and s["max_ms"] == 0
    assert score.unsaid_captioned(predicted, truth) == 1
    assert score.unsaid_captioned(_perfect(), TRUTH) == 0
    predicted[3]["placed"] = predicted[0]["placed"] = False  # listed as found nowhere: one right, one wrong
    assert score.not_found(predicted, truth) == {"unsaid": 1, "said": 1}
    assert score.not_found(_perfect(), TRUTH) == {"unsaid": 0, "said": 0}


def test_a_prompt_glued_to_the_next_one_in_the_text_list_keeps_its_own_text():
    line = "vm-record-prepend: Appuyez sur dièse.vm-review-nonurgent: Pour enlever ce message, faites 4."
    assert _GLUED.split(line, 1)[0] == "vm-record-prepend: Appuyez sur dièse."
    colon_in_text = "vm-options: Pour enregistrer: votre message, appuyez sur 1."
    assert _GLUED.split(colon_in_text, 1)[0] == colon_in_text


def test_the_caption_count_runs_on_the_sample(capsys, monkeypatch):
    import captions

    monkeypatch.setattr(sys, "argv", ["captions.py", str(ROOT / "transcripts" / "sample.txt"), "--pace", "300"])
    assert captions.main() == 0
    out = capsys.readouterr().out
    counts = dict(line.strip().rsplit(": ", 1) for line in out.splitlines()[1:])
    assert int(counts["cues"]) > 10 and counts["lines over 42 characters"] == "0"
    assert counts["cut after a leaning word"] == "0"


def test_the_cut_option_runs_the_aligner_with_cut(tmp_path, monkeypatch):
    import run

    (tmp_path / "ep.truth.json").write_text("{}", encoding="utf-8")
    asked = []
    monkeypatch.setattr(run, "EPISODES", tmp_path)
    monkeypatch.setattr(run, "RUNS", tmp_path / "runs")
    monkeypatch.setattr(run, "timed", lambda cmd, **kwargs: asked.append(cmd) or (1, 0.0, 0, b"stopped"))
    for cut in (False, True):
        assert run.run_one(tmp_path / "ep.mp3", cut)["error"] == "stopped"
    assert "--cut" not in asked[0] and asked[1][-1] == "--cut"
    assert asked[0][-1] == str(tmp_path / "runs" / "ep") and asked[1][-2] == str(tmp_path / "runs" / "ep_cut")


def test_alternate_swaps_the_first_version_each_pair_and_sums_up_within_pairs(tmp_path):
    import alternate

    assert alternate.schedule(4) == [("old", "new"), ("new", "old"), ("old", "new"), ("new", "old")]
    times = {"old": [20.0, 10.0, 30.0], "new": [19.0, 9.5, 31.0]}
    report = alternate.summary(times, decode=[10.0, 5.0, 10.0])
    assert report["old_median_s"] == 20.0 and report["new_median_s"] == 19.0
    assert report["paired_difference_median_s"] == -0.5  # of -1, -0.5, +1: not 19 - 20
    assert report["new_ratio_median"] == 1.9 and report["old_ratio_median"] == 2.0
    old, new = tmp_path / "old", tmp_path / "new"
    old.mkdir(), new.mkdir()
    for folder in (old, new):
        (folder / "a.vtt").write_text("WEBVTT\n")
    (old / "b.json").write_text("{}")
    (new / "b.json").write_text("[]")
    (new / "c.srt").write_text("")
    assert alternate._differing(old, new) == ["b.json", "c.srt"]


def test_alternate_times_runs_after_one_untimed_run_of_each_version(tmp_path, monkeypatch, capsys):
    import alternate
    import run

    for ext in ("mp3", "txt"):
        (tmp_path / f"ep.{ext}").write_text("")
    monkeypatch.setattr(run, "EPISODES", tmp_path)
    monkeypatch.setattr(run, "RUNS", tmp_path / "runs")
    monkeypatch.setattr(alternate, "checkout", lambda rev: tmp_path / "old")
    walls = iter([99.0, 98.0, 20.0, 19.0, 18.5, 21.0])  # the first two: a cold start of each
    ran = []

    def timed(cmd, **kw):
        ran.append(kw["cwd"])
        Path(cmd[-1]).mkdir(parents=True, exist_ok=True)  # the outputs' folder (-o)
        return 0, next(walls), 0, b""

    monkeypatch.setattr(run, "timed", timed)
    monkeypatch.setattr(run, "ffmpeg_decode_s", lambda path: 10.0)
    assert alternate.main(["ep", "--rev", "x", "--pairs", "2"]) == 0
    assert ran[:2] == [str(tmp_path / "old"), str(alternate.ROOT)]  # each once, untimed
    out = capsys.readouterr().out
    assert "pair 1: old 20.00 s, new 19.00 s" in out and "pair 2: old 21.00 s, new 18.50 s" in out
    assert "old_median_s 20.5" in out and "new_median_s 18.75" in out


def test_alternate_runs_each_version_from_its_own_tree(tmp_path, monkeypatch):
    """Each version's ``python -m aligner`` imports that version's package, even when the
    comparison is started from a checkout that holds another one."""
    import subprocess

    import alternate

    for name in ("here", "other"):
        package = tmp_path / name / "aligner"
        package.mkdir(parents=True)
        (package / "__init__.py").write_text("")
        (package / "__main__.py").write_text(f"print({name!r})\n")
    monkeypatch.chdir(tmp_path / "here")
    command, where = alternate.version_command(tmp_path / "other", ["align"])
    assert subprocess.run(command, capture_output=True, text=True, **where).stdout.strip() == "other"
    assert where["env"]["PYTHONPATH"] == str(tmp_path / "other")


def test_totals_give_how_far_off_the_audio_puts_right_and_shifted_anchors():
    import run
    import score

    truth = {"anchors": [{"line": 1, "corrupted": False}, {"line": 2, "corrupted": True}, {"line": 3, "corrupted": False}]}
    one = score.score_anchors([{"ok": True, "delta": -0.4}, {"ok": False, "delta": 14.0}, {"ok": False, "delta": 6.2}], truth)
    other = score.score_anchors([{"ok": True, "delta": 1.0}, {"ok": False, "delta": -11.5}, {"ok": True, "delta": 0.0}], truth)
    assert (one["right_max_s"], one["shifted_min_s"], other["right_max_s"], other["shifted_min_s"]) == (6.2, 14.0, 1.0, 11.5)
    rows = [{"tool": "aligner", "turns": 1, "start": score.error_stats([0]), "anchors": a} for a in (one, other)]
    assert run.totals(rows).splitlines()[1].endswith(
        "shifted anchors flagged 2/2, correct ones flagged 1/4; right ones measured 6.2 s off at most, "
        "shifted ones 11.5 s at least")
    shifted_only = dict(rows[0], anchors={k: v for k, v in one.items() if k != "right_max_s"})
    assert run.totals([shifted_only]).splitlines()[1].endswith(
        "correct ones flagged 1/2; shifted ones measured 14.0 s off at least")


def test_the_bench_set_builds_each_recording_once_and_every_variant_from_one_of_them(monkeypatch):
    """``bench/build.py``: the recordings that the README's rows and RESULTS.md's tables are
    measured on, each once, the longest first; every variant made from one of them, by the
    functions run.py makes them with (here recorded, not run)."""
    from pathlib import Path

    import build
    import run

    todo = build.recordings()
    assert len(todo) == len(set(todo))
    assert [m for m, *_ in todo] == sorted((m for m, *_ in todo), reverse=True)
    names = {run.episode_name(*r) for r in todo}
    for expected in ("ep180m_s1", "ep90m_s1", "ep20m_s28", "ep5m_s89", "ep20m_s36_overlap", "ep5m_s45_fast"):
        assert expected in names
    made = []

    def maker(suffix):
        def make(mp3, *args):
            stem = mp3.stem + suffix(*args)
            made.append((mp3.stem, stem))
            return Path(f"{stem}.mp3")
        return make

    for name, suffix in [("partial", lambda share: f"_part{round(share * 100)}"), ("late", lambda share: f"_late{round(share * 100)}"),
                         ("offset", lambda seconds: f"_off{seconds}"), ("unanchored", lambda: "_noanchor"),
                         ("undirected", lambda: "_nodir"), ("unsaid", lambda count: f"_unsaid{count}")]:
        monkeypatch.setattr(run, name, maker(suffix))
    for name, make in build.variants():
        assert name in names
        make(Path(f"{name}.mp3"))
    assert {base for base, _ in made} - {stem for _, stem in made} <= names  # each chain starts at a recording
    assert {"ep90m_s1_nodir", "ep5m_s12_nodir", "ep20m_s77_nodir", "ep20m_s13_late50_noanchor", "ep5m_s20_late10", "ep5m_s13_noanchor",
            "ep5m_s6_unsaid2", "ep90m_s1_unsaid4", "ep90m_s1_off-30", "ep90m_s1_off15", "ep30m_s1_part50_noanchor",
            "ep180m_s1_noanchor"} <= {stem for _, stem in made}


def test_an_episode_whose_build_stopped_before_its_truth_is_built_again(tmp_path, monkeypatch):
    """``run.episode``: an MP3 left without its truth (a build stopped halfway) is built
    again, not read; one with the current builder's truth is kept."""
    import json

    import episodes
    import run

    built = []

    class Builder:  # the build's process, recorded instead of run
        exitcode = 0

        def __init__(self, target, args):
            self.args = args

        def start(self):
            built.append(self.args[2])

        def join(self):
            pass

    class Context:
        Process = Builder

    monkeypatch.setattr(run.multiprocessing, "get_context", lambda method: Context)
    (tmp_path / "ep5m_s1.mp3").write_bytes(b"half")
    run.episode(5, 1, folder=tmp_path)
    assert built == ["ep5m_s1"]
    (tmp_path / "ep5m_s1.truth.json").write_text(json.dumps({"build": list(episodes.BUILD)}))
    run.episode(5, 1, folder=tmp_path)
    assert built == ["ep5m_s1"]


def test_the_held_out_set_is_apart_from_the_bench_and_listed_from_its_own_folder(tmp_path, monkeypatch, capsys):
    """``bench/build.py --held-out``: seeds 120-223 at 5 and 20 minutes, in every mix, none of
    them a recording of the bench's set, built and looked for in bench/held_out/."""
    import build
    import episodes
    import run

    held = build.held_out()
    assert len(held) == len(set(held)) == 628
    assert not set(held) & set(build.recordings())
    assert {s for _, s, _ in held} == set(range(120, 224))
    assert {mix for *_, mix in held} == set(episodes.MIXES)
    assert {m for m, *_ in held} == {5, 20} and [m for m, *_ in held] == sorted((m for m, *_ in held), reverse=True)
    monkeypatch.setattr(run, "HELD_OUT", tmp_path / "held_out")
    monkeypatch.setattr(run, "EPISODES", tmp_path / "episodes")
    (tmp_path / "held_out").mkdir()
    (tmp_path / "held_out" / "ep20m_s120.truth.json").write_text("{}")
    (tmp_path / "episodes").mkdir()
    (tmp_path / "episodes" / "ep20m_s121.truth.json").write_text("{}")  # not the held-out folder: not built there
    assert build.main(["--held-out", "--list"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 628 and lines[:2] == ["ep20m_s120 built", "ep20m_s121 -"]


def test_the_tails_summary_counts_each_side_and_truth_by_the_detectors_peak():
    import tails

    def tail(side, peak, music, said, given):
        return {"side": side, "peak": peak, "music": music, "said": said, "given": given}

    found = [tail("after music", 0.02, 1.0, 0.0, True), tail("after music", 0.12, 1.0, 0.0, False),
             tail("after music", 0.10, 0.36, 0.37, False), tail("before music", 0.9, 1.0, 0.0, False),
             tail("before music", 0.4, 0.0, 0.1, False)]
    assert [tails.kind(t) for t in found] == ["music", "music", "speech", "music", "silence"]
    assert [tails.peak_bin(t["peak"]) for t in found] == ["0-0.1", "0.1-0.3", "0.1-0.3", ">=0.5", "0.3-0.5"]
    rows = [line.split() for line in tails.summary(found).splitlines()[1:]]
    assert rows == [["after", "music", "music", "2", "1", "1", "1", "0", "0"],
                    ["after", "music", "speech", "1", "0", "0", "1", "0", "0"],
                    ["before", "music", "music", "1", "0", "0", "0", "0", "1"],
                    ["before", "music", "silence", "1", "0", "0", "0", "1", "0"]]


def test_a_turn_that_goes_on_with_the_same_speakers_talk_is_scored_apart_from_changes_of_speaker():
    """The third turn goes on with the second one's speaker, nothing between them: its start
    counts in the starts but not in those at a change of speaker or after a break. The
    fifth follows the fourth's speaker across a jingle (a break): it counts in both."""
    import run

    def turn(speaker, start_s):
        return {"speaker": speaker, "start_ms": start_s * 1000, "end_ms": start_s * 1000 + 4_000}

    truth = {"minutes": 1, "turns": [turn("A", 0), turn("B", 5), turn("B", 10), turn("A", 15), turn("A", 30)],
             "regions": [{"kind": "bed", "start_ms": 9_500, "end_ms": 14_000},
                         {"kind": "jingle", "start_ms": 20_000, "end_ms": 29_000}], "anchors": []}
    assert score.paragraph_turns(truth) == [2]
    predicted = [{"start": t["start_ms"] / 1000, "end": t["end_ms"] / 1000} for t in truth["turns"]]
    predicted[2]["start"] += 3.0  # the paragraph's start missed
    predicted[4]["start"] += 1.0  # the start after the jingle missed
    scores = score.score_turns(predicted, truth)
    assert (scores["start"]["n"], scores["start"]["n_within_500ms"]) == (5, 3)
    assert (scores["start_at_changes"]["n"], scores["start_at_changes"]["n_within_500ms"]) == (4, 3)
    row = run.scored("ep", {"turns": predicted, "anchors": []}, truth, "aligner")
    assert run.totals([row]).splitlines()[1].startswith(
        "- aligner whole transcripts: 3 of 5 turn starts within 0.5 s (60.0%), 4 within 1 s (80.0%); "
        "at a change of speaker or after a break 3 of 4 within 0.5 s (75.0%); ")
