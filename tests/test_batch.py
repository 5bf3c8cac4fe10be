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


def _two_episodes(tmp_path):
    src = tmp_path / "archive"
    src.mkdir()
    for name in ("ep1", "ep2"):
        shutil.copy(AUDIO, src / f"{name}.mp3")
        shutil.copy(TEXT, src / f"{name}.txt")
    return src


@pytest.fixture
def archive(tmp_path):
    src = _two_episodes(tmp_path)
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
    assert s["ep1"]["turns"] == 10 and s["ep1"]["not_found"] == 0
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


def test_local_dask_cluster_returns_the_files(tmp_path):
    pytest.importorskip("dask.distributed")
    src = _two_episodes(tmp_path)
    out = tmp_path / "out"
    assert main(["batch", str(src), "-o", str(out), "--cluster", "local", "-j", "2", "--fetch"]) == 0
    assert {e["status"] for e in _summary(out).values()} == {"ok"}
    single = tmp_path / "single"
    assert main(["align", str(src / "ep2.mp3"), str(src / "ep2.txt"), "-o", str(single)]) == 0
    assert (out / "ep2" / "ep2.vtt").read_bytes() == (single / "ep2.vtt").read_bytes()
    assert (out / "ep2" / ".aligner-done.json").exists()


@pytest.fixture
def scheduler_with_two_workers():
    """A Dask scheduler and two workers, each a separate process on 127.0.0.1."""
    pytest.importorskip("dask.distributed")
    import socket
    import subprocess
    import sys
    import time

    from dask.distributed import Client

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    address = f"tcp://127.0.0.1:{port}"
    procs = [subprocess.Popen([sys.executable, "-m", "distributed.cli.dask_scheduler", "--host", "127.0.0.1",
                               "--port", str(port), "--no-dashboard"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)]
    try:
        time.sleep(2)
        for _ in range(2):
            procs.append(subprocess.Popen([sys.executable, "-m", "distributed.cli.dask_worker", address, "--nthreads", "1",
                                           "--no-dashboard", "--host", "127.0.0.1", "--no-nanny"],
                                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        with Client(address, timeout="30s") as client:
            client.wait_for_workers(2, timeout=60)
        yield address, procs
    finally:
        for p in procs[::-1]:
            p.kill()
        for p in procs:
            p.wait(timeout=30)


def test_scheduler_and_two_workers_as_processes(tmp_path, scheduler_with_two_workers):
    address, _ = scheduler_with_two_workers
    src = _two_episodes(tmp_path)
    (src / "corrupt.mp3").write_bytes(b"not audio")
    shutil.copy(TEXT, src / "corrupt.txt")
    out = tmp_path / "out"
    assert main(["batch", str(src), "-o", str(out), "--cluster", address]) == 8
    s = _summary(out)
    assert s["ep1"]["status"] == "ok" and s["ep2"]["status"] == "ok" and s["corrupt"]["status"] == "failed"
    assert (out / "ep1" / "ep1.json").exists()  # written by a worker through the shared path
    assert main(["batch", str(src), "-o", str(out), "--cluster", address]) == 8
    assert _summary(out)["ep1"]["status"] == "skipped"


def test_a_worker_lost_mid_run_has_its_episodes_retried(tmp_path, scheduler_with_two_workers):
    import threading
    import time

    address, procs = scheduler_with_two_workers
    src = tmp_path / "archive"
    src.mkdir()
    for k in range(4):
        shutil.copy(AUDIO, src / f"ep{k}.mp3")
        shutil.copy(TEXT, src / f"ep{k}.txt")
    out = tmp_path / "out"
    codes = []
    runner = threading.Thread(target=lambda: codes.append(main(["batch", str(src), "-o", str(out), "--cluster", address])))
    runner.start()
    time.sleep(3)  # both workers are busy with their first episode
    procs[1].kill()
    runner.join(timeout=300)
    assert codes == [0]
    assert {e["status"] for e in _summary(out).values()} == {"ok"} and len(_summary(out)) == 4


def test_unreachable_scheduler(tmp_path, capsys):
    pytest.importorskip("dask.distributed")
    src = _two_episodes(tmp_path)
    assert main(["batch", str(src), "-o", str(tmp_path / "o"), "--cluster", "tcp://127.0.0.1:9"]) != 0
    err = capsys.readouterr().err
    assert "Dask scheduler" in err and err.count("\n") == 1
