"""Batch runs: a folder and manifests of small real-speech episodes, failures isolated,
resumable, outputs identical to single runs, unsafe names refused."""

from __future__ import annotations

import json
import shutil

import pytest

from aligner.batch import plan
from aligner.cli import main

from conftest import ROOT

AUDIO = ROOT / "audio" / "sample.mp3"
TEXT = ROOT / "transcripts" / "sample.txt"


@pytest.fixture
def archive(tmp_path):
    src = tmp_path / "archive"
    src.mkdir()
    for name in ("ep1", "ep2"):
        shutil.copy(AUDIO, src / f"{name}.mp3")
        shutil.copy(TEXT, src / f"{name}.txt")
    (src / "corrupt.mp3").write_bytes(b"not audio" * 50)
    shutil.copy(TEXT, src / "corrupt.txt")
    shutil.copy(AUDIO, src / "lonely.mp3")
    return src


def _summary(out):
    return {e["name"]: e for e in json.loads((out / "batch-summary.json").read_text(encoding="utf-8"))["episodes"]}


def test_folder_batch_isolates_failures_and_resumes(archive, tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["batch", str(archive), "-o", str(out), "-j", "2"]) == 8
    s = _summary(out)
    assert {n: e["status"] for n, e in s.items()} == {"corrupt": "failed", "ep1": "ok", "ep2": "ok", "lonely": "failed"}
    assert "cannot be decoded as audio" in s["corrupt"]["message"] and "no transcript" in s["lonely"]["message"]
    assert s["ep1"]["turns"] == 10
    assert "2 of 4 episode(s) failed" in capsys.readouterr().err

    # outputs match a single `aligner align` run byte for byte
    single = tmp_path / "single"
    assert main(["align", str(archive / "ep1.mp3"), str(archive / "ep1.txt"), "-o", str(single)]) == 0
    for name in ("ep1.vtt", "ep1.srt", "ep1.json", "ep1.chapters.json", "ep1.transcript.json"):
        assert (out / "ep1" / name).read_bytes() == (single / name).read_bytes(), name

    # a second run skips what is done; an interrupted episode (no marker) is redone alone
    (out / "ep2" / ".aligner-done.json").unlink()
    main(["batch", str(archive), "-o", str(out), "-j", "1"])
    s = _summary(out)
    assert s["ep1"]["status"] == "skipped" and s["ep2"]["status"] == "ok"

    # a changed transcript is redone; --force redoes everything
    (archive / "ep1.txt").write_text(TEXT.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    main(["batch", str(archive), "-o", str(out), "-j", "1"])
    assert _summary(out)["ep1"]["status"] == "ok" and _summary(out)["ep2"]["status"] == "skipped"
    main(["batch", str(archive), "-o", str(out), "-j", "1", "--force"])
    assert _summary(out)["ep2"]["status"] == "ok"


def test_manifest_refuses_names_that_escape(tmp_path):
    manifest = tmp_path / "m.csv"
    manifest.write_text(
        "audio,transcript,name\n"
        f"{AUDIO},{TEXT},good-one\n"
        f"{AUDIO},{TEXT},../escape\n"
        f"{AUDIO},{TEXT},/etc/passwd\n"
        f"{AUDIO},{TEXT},a/b\n"
        f"missing.mp3,{TEXT},gone\n",
        encoding="utf-8",
    )
    episodes = plan(manifest)
    assert [e.problem == "" for e in episodes] == [True, False, False, False, True]
    assert all("unsafe output name" in e.problem for e in episodes[1:4])
    out = tmp_path / "out"
    assert main(["batch", str(manifest), "-o", str(out), "-j", "1"]) == 8
    s = _summary(out)
    assert s["good-one"]["status"] == "ok" and s["gone"]["status"] == "failed"
    assert not (tmp_path / "escape").exists() and sorted(p.name for p in out.iterdir()) == ["batch-summary.json", "good-one"]


def test_jsonl_manifest_with_relative_paths(tmp_path):
    shutil.copy(AUDIO, tmp_path / "a.mp3")
    shutil.copy(TEXT, tmp_path / "a.txt")
    manifest = tmp_path / "m.jsonl"
    manifest.write_text(json.dumps({"audio": "a.mp3", "transcript": "a.txt"}) + "\n", encoding="utf-8")
    (episode,) = plan(manifest)
    assert episode.name == "a" and episode.audio == str(tmp_path / "a.mp3") and not episode.problem


def test_missing_source(capsys):
    assert main(["batch", "/nonexistent/folder", "-o", "/tmp/never"]) == 2
    assert "no such folder or manifest" in capsys.readouterr().err
