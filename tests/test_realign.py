"""bench/realign.py: the alignment stage again on kept stage outputs, scored as run.py
scores a whole run; the kept outputs are those of the same episode files and stage code."""

from __future__ import annotations

import json
import shutil
import sys

import pytest

from conftest import ROOT

sys.path.insert(0, str(ROOT / "bench"))

import realign  # noqa: E402


def test_the_variant_is_what_follows_the_seed_and_the_mix():
    assert realign.variant("ep90m_s1") == ""
    assert realign.variant("ep5m_s1_part50_noanchor") == "_part50_noanchor"
    assert realign.variant("ep20m_s31_bed_nodir") == "_nodir"
    assert realign.variant("ep0.5m_s3_unsaid2") == "_unsaid2"
    assert [realign.mix(n) for n in ("ep90m_s1", "ep20m_s31_bed_nodir", "ep5m_s40_overlap")] == ["plain", "bed", "overlap"]


def test_by_mix_sums_the_whole_transcripts_of_each_mix_apart():
    def row(name, ok, variant=""):
        return {"episode": name, "variant": variant, "turns": 10, "start": {"n_within_500ms": ok, "n_within_1000ms": ok}}

    rows = [row("ep5m_s1", 10), row("ep20m_s2", 9), row("ep5m_s31_bed", 7), row("ep5m_s1_nodir", 1, "_nodir"),
            row("ep5m_s32_bed", 8)]
    lines = realign.by_mix(rows).splitlines()
    assert lines[0] == "Totals:" and len(lines) == 3
    assert lines[1].startswith("- aligner plain mix: 19 of 20 turn starts within 0.5 s")
    assert lines[2].startswith("- aligner bed mix: 15 of 20 turn starts within 0.5 s")


def test_only_whole_episodes_that_match_are_listed(tmp_path):
    for name in ("ep5m_s1", "ep5m_s1_nodir", "ep20m_s2"):
        for suffix in (".mp3", ".txt", ".truth.json"):
            (tmp_path / f"{name}{suffix}").write_text("x")
    (tmp_path / "ep5m_s9.mp3").write_text("x")  # no transcript, no truth: not built
    assert realign.episode_names([], tmp_path) == ["ep20m_s2", "ep5m_s1", "ep5m_s1_nodir"]
    assert realign.episode_names(["ep5m_*"], tmp_path) == ["ep5m_s1", "ep5m_s1_nodir"]
    assert realign.episode_names(["*_nodir", "ep20m_s2"], tmp_path) == ["ep20m_s2", "ep5m_s1_nodir"]


def test_the_stage_version_follows_the_stages_before_the_alignment_only(tmp_path, monkeypatch):
    package = tmp_path / "aligner"
    for part in ("decode", "align", "write"):
        (package / part).mkdir(parents=True)
        (package / part / "code.py").write_text("x = 1\n")
    monkeypatch.setattr(realign, "PACKAGE", package)
    first = realign.stage_version()
    (package / "align" / "code.py").write_text("x = 2\n")
    (package / "write" / "code.py").write_text("x = 2\n")
    assert realign.stage_version() == first
    (package / "decode" / "code.py").write_text("x = 2\n")
    assert realign.stage_version() != first


def _episode(folder, name="ep5m_s1"):
    """The bundled sample as an episode, its truth the turns of a first alignment."""
    shutil.copy(ROOT / "audio" / "sample.mp3", folder / f"{name}.mp3")
    shutil.copy(ROOT / "transcripts" / "sample.txt", folder / f"{name}.txt")
    (folder / f"{name}.truth.json").write_text(json.dumps({"minutes": 5, "turns": [], "regions": [], "anchors": []}))
    return name


def test_an_episode_is_prepared_once_then_aligned_again_from_what_was_kept(tmp_path, monkeypatch):
    from aligner import pipeline
    from aligner.align.engine import align

    monkeypatch.setattr(realign, "STAGES", tmp_path / "stages")
    name = _episode(tmp_path)
    ready = realign.prepared(name, "v1", tmp_path)
    assert (tmp_path / "stages" / f"{name}.pkl").exists()
    starts = [t.start_ms for t in align(ready.transcript, ready.spoken, ready.cepstra, ready.audio_map).turns]
    truth = {"minutes": 5, "regions": [], "turns": [{"start_ms": s, "end_ms": s + 1000} for s in starts],
             "anchors": [{"line": a.line, "corrupted": False} for a in ready.transcript.anchors],
             "duration_ms": len(ready.cepstra) * 10}
    (tmp_path / f"{name}.truth.json").write_text(json.dumps(truth))

    def refused(*args, **kwargs):
        raise AssertionError("prepared again")

    monkeypatch.setattr(pipeline, "prepare", refused)
    first = realign.realign(name, "v1", {}, tmp_path)
    again = realign.realign(name, "v1", {}, tmp_path)
    assert again["digest"] == first["digest"] and again["tool"] == "aligner"
    assert again["turns"] == len(starts) > 3 and again["starts"] == [s / 1000 for s in starts]
    assert again["start"]["n_within_500ms"] == again["turns"]  # scored against its own starts
    # the map too, from the kept stages, once for the recording: with its whole transcript
    assert again["map"] == realign.score.map_accuracy(
        [{"kind": r.kind, "start_ms": r.start_ms, "end_ms": r.end_ms} for r in ready.audio_map.regions], truth)
    assert "audio map, 1 episode: frame accuracy" in realign.run.totals([again])
    assert realign.realign(name, "v1", {"cut": True}, tmp_path)["tool"] == "aligner --cut"
    with pytest.raises(AssertionError, match="prepared again"):
        realign.realign(name, "v2", {}, tmp_path)  # the stages' code changed
    (tmp_path / f"{name}.txt").write_text((ROOT / "transcripts" / "sample.txt").read_text() + "\n")
    with pytest.raises(AssertionError, match="prepared again"):
        realign.realign(name, "v1", {}, tmp_path)  # the episode's transcript changed


def test_the_held_out_episodes_are_aligned_from_their_own_folder_alone(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(realign, "STAGES", tmp_path / "stages")
    for folder in ("held_out", "episodes"):
        (tmp_path / folder).mkdir()
    monkeypatch.setattr(realign.run, "HELD_OUT", tmp_path / "held_out")
    monkeypatch.setattr(realign.run, "EPISODES", tmp_path / "episodes")
    from aligner.transcript import read_transcript

    held = tmp_path / "held_out"
    name = _episode(held, "ep5m_s120")
    # a truth with every turn at 0 s: the turns are listed off, from the held-out folder
    # (``--jobs 1``: in this process, where the folders are patched)
    transcript = read_transcript(held / f"{name}.txt")
    truth = {"minutes": 5, "regions": [], "turns": [{"start_ms": 0, "end_ms": 1000} for _ in transcript.turns],
             "anchors": [{"line": a.line, "corrupted": False} for a in transcript.anchors], "duration_ms": 180_000}
    (held / f"{name}.truth.json").write_text(json.dumps(truth))
    assert realign.main(["--held-out", "--jobs", "1", "--misses", "--captions"]) == 0
    out = capsys.readouterr().out
    n = len(transcript.turns)
    assert out.startswith(f"ep5m_s120 {n:25d} turns") and f"of {n} turn starts off by more than 0.5 s" in out
    assert out.rstrip().endswith("0 turns on music or untranscribed audio")  # the truth has no music
    assert (tmp_path / "stages" / f"{name}.pkl").exists()
    with pytest.raises(SystemExit):  # the bench's own folder holds none
        realign.main(["--jobs", "1"])
    assert "build them with bench/run.py first" in capsys.readouterr().err
    shutil.rmtree(held)
    held.mkdir()
    with pytest.raises(SystemExit):
        realign.main(["--held-out"])
    assert "bench/build.py --held-out" in capsys.readouterr().err


def test_the_digest_is_the_alignment_s_wherever_the_episode_was_read_from():
    def doc(folder, start=1.0):
        return {"audio": {"path": f"{folder}/ep5m_s1.mp3", "sha256": "ab", "duration": 300.0},
                "transcript": {"path": f"{folder}/ep5m_s1.txt", "format": "wiki", "title": "T", "date": None},
                "turns": [{"speaker": "A", "start": start, "words": [{"text": "oui", "start": start}]}],
                "anchors": [], "uncovered": []}

    here = realign.alignment_digest(doc("/work/main/bench/episodes"))
    assert realign.alignment_digest(doc("/tmp/worktree/bench/episodes")) == here
    assert realign.alignment_digest(doc("/work/main/bench/episodes", start=1.01)) != here


def _row(name, digest, starts, off=0):
    return {"episode": name, "tool": "aligner", "variant": "", "turns": len(starts), "digest": digest, "starts": starts,
            "start": {"n_within_500ms": len(starts) - off, "n_within_1000ms": len(starts) - off},
            "caption_overlaps": 0, "not_found": {"said": 0, "unsaid": 0},
            "anchors": {"anchors": 1, "shifted": 1, "shifted_flagged": 1, "correct_flagged": 0}}


def test_changes_list_the_alignments_that_differ_and_the_turns_they_moved():
    before = [_row("ep5m_s1", "a", [1.0, 5.0, 9.0], off=1), _row("ep5m_s2", "b", [2.0, 4.0])]
    now = [_row("ep5m_s1", "c", [1.0, 5.5, 9.02]), _row("ep5m_s2", "b", [2.0, 4.0]), _row("ep5m_s3", "d", [1.0])]
    text = realign.changes(now, before)
    assert text.startswith("1 of 2 alignments the same as in the earlier run")
    assert "ep5m_s1: 1 turn starts moved" in text and "ep5m_s2:" not in text
    assert "ep5m_s3: not in the earlier run" in text
    assert "4 of 5 turn starts within 0.5 s" in text  # the earlier run's totals, on the same episodes


def test_an_episode_the_aligner_refuses_is_a_row_with_its_error(tmp_path, monkeypatch):
    monkeypatch.setattr(realign, "STAGES", tmp_path / "stages")
    name = _episode(tmp_path)
    (tmp_path / f"{name}.txt").write_text("Sophie Laurent : [59:00] Bonjour à tous.\n", encoding="utf-8")
    row = realign.realign(name, "v1", {}, tmp_path)
    assert "past the end of the audio" in row["error"] and row["tool"] == "aligner"
    assert realign._line(row).endswith(row["error"])
    assert "1 failed" in realign.run.totals([row])
    assert not (tmp_path / "stages" / f"{name}.pkl").exists()


def test_misses_lists_each_turn_start_off_with_what_lies_around_it(tmp_path):
    truth = {"turns": [{"start_ms": 1_000, "end_ms": 5_000, "voice": "june"},
                       {"start_ms": 6_000, "end_ms": 9_000, "voice": "june"},
                       {"start_ms": 30_000, "end_ms": 35_000, "voice": "armelle", "approximate_text": True}],
             "regions": [{"kind": "jingle", "start_ms": 22_000, "end_ms": 29_000}, {"kind": "bed", "start_ms": 0, "end_ms": 60_000}],
             "unsaid_turns": [2]}
    (tmp_path / "ep5m_s1.truth.json").write_text(json.dumps(truth))
    # the first start 0.5 s late, not more; the transcript's third turn is not said: its fourth is the truth's third
    rows = [{"episode": "ep5m_s1", "starts": [1.5, 6.7, 12.0, 29.0]}, {"episode": "ep5m_s2", "error": "refused"}]
    assert realign.misses(rows, tmp_path).splitlines() == [
        "ep5m_s1                    turn   1   +0.70 s at     6.00 june, same voice after 1.00 s",
        "ep5m_s1                    turn   2   -1.00 s at    30.00 armelle (approximate), new voice after 21.00 s, "
        "jingle 22.0-29.0",
        "2 of 3 turn starts off by more than 0.5 s",
    ]


def test_captions_lists_each_turn_on_untranscribed_audio_with_its_true_span(tmp_path):
    truth = {"turns": [{"start_ms": 1_000, "end_ms": 5_000, "voice": "june"},
                       {"start_ms": 30_000, "end_ms": 35_000, "voice": "armelle"}],
             "regions": [{"kind": "replay", "start_ms": 6_000, "end_ms": 28_000},
                         {"kind": "bed", "start_ms": 0, "end_ms": 60_000}],
             "unsaid_turns": [1]}
    (tmp_path / "ep5m_s1.truth.json").write_text(json.dumps(truth))
    # the first turn runs 2 s into the replay; the second, not said, lies inside it, 0.5 s
    # over it only at the third's head (not counted: no more than 0.5 s); a bed is no gap
    rows = [{"episode": "ep5m_s1", "starts": [1.0, 10.0, 27.5], "ends": [8.0, 12.0, 35.0]},
            {"episode": "ep5m_s2", "error": "refused"}, {"episode": "ep5m_s3", "starts": [1.0]}]
    assert realign.overlaps(rows, tmp_path).splitlines() == [
        "ep5m_s1                    turn   0     1.00-    8.00 over replay 6.00-28.00 by 2.00 s; true turn 1.00-5.00",
        "ep5m_s1                    turn   1    10.00-   12.00 over replay 6.00-28.00 by 2.00 s; true turn not said",
        "2 turns on music or untranscribed audio",
    ]
    assert realign.score.caption_overlaps(
        [{"start": s, "end": e} for s, e in zip(rows[0]["starts"], rows[0]["ends"])], truth) == 2
