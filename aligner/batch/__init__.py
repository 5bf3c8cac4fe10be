"""Align whole archives: many episodes, resumable, each isolated from the others.

    plan(INPUT)  -> episodes (a folder of audio and transcripts paired by stem, or a CSV /
                    JSON Lines manifest with audio, transcript and an optional name)
    run(...)     -> one result per episode: ok, skipped (inputs and settings unchanged since
                    its last success), or failed (with the reason), never stopping the rest

An episode's outputs are those of ``aligner align``, in ``OUTDIR/<name>/``; a marker file
written after them records the content hashes of its inputs and settings.
"""

from __future__ import annotations

import csv
import hashlib
import json
import logging
import multiprocessing
import os
import re
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Callable

from aligner import __version__
from aligner.errors import AlignerError

log = logging.getLogger(__name__)

AUDIO_SUFFIXES = (".mp3", ".ogg", ".opus", ".m4a", ".aac", ".flac", ".wav")
TRANSCRIPT_SUFFIXES = (".txt", ".srt", ".vtt", ".json")
DONE = ".aligner-done.json"
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,120}$")


class ManifestError(AlignerError):
    """Raised when a batch input cannot be read at all (no such folder, unreadable manifest)."""

    exit_code = 2


@dataclass(frozen=True)
class Episode:
    """One episode to align; ``problem`` says why it cannot be (an unsafe name, a file
    without its pair), in which case it fails alone."""

    name: str
    audio: str
    transcript: str
    problem: str = ""


@dataclass(frozen=True)
class Result:
    name: str
    status: str  # "ok", "skipped" or "failed"
    message: str = ""
    duration_s: float = 0.0
    turns: int = 0
    anchors_off: int = 0
    not_found: int = 0  # turns found nowhere in the audio (``Alignment.unplaced``)
    wall_s: float = 0.0


def plan(source: str | Path) -> list[Episode]:
    """The episodes of a folder or a manifest (``.csv`` or ``.jsonl``)."""
    source = Path(source)
    if source.is_dir():
        return _from_folder(source)
    if not source.is_file():
        raise ManifestError(f"{source}: no such folder or manifest; give a folder of episodes or a .csv/.jsonl manifest")
    rows = _manifest_rows(source)
    return [_episode(row, source.parent, n) for n, row in enumerate(rows, start=1)]


def _from_folder(folder: Path) -> list[Episode]:
    audio = {p.stem: p for p in sorted(folder.iterdir()) if p.suffix.lower() in AUDIO_SUFFIXES}
    texts = {p.stem: p for p in sorted(folder.iterdir()) if p.suffix.lower() in TRANSCRIPT_SUFFIXES}
    episodes = []
    for stem in sorted(set(audio) | set(texts)):
        a, t = audio.get(stem), texts.get(stem)
        problem = "" if a and t else ("no transcript with the same name" if a else "no audio with the same name")
        episodes.append(Episode(_safe(stem), str(a or ""), str(t or ""), problem))
    return episodes


def _safe(stem: str) -> str:
    """A folder name from a file stem: other characters become underscores."""
    return re.sub(r"[^A-Za-z0-9._-]", "_", stem).lstrip(".-_") or "episode"


def _manifest_rows(path: Path) -> list[dict]:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise ManifestError(f"{path}: cannot read the manifest ({exc}); give a UTF-8 .csv or .jsonl file") from None
    if path.suffix.lower() == ".jsonl":
        rows = []
        for n, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError as exc:
                raise ManifestError(f"{path}:{n}: not JSON ({exc.msg})") from None
            rows.append(row if isinstance(row, dict) else {})
        return rows
    return list(csv.DictReader(text.splitlines()))


def _episode(row: dict, base: Path, n: int) -> Episode:
    audio, transcript = str(row.get("audio") or "").strip(), str(row.get("transcript") or "").strip()
    name = str(row.get("name") or "").strip() or Path(audio).stem or f"episode-{n}"
    if not _NAME.match(name) or ".." in name:
        return Episode(f"row-{n}", audio, transcript,
                       f"unsafe output name {name!r}: use letters, digits, '.', '_' or '-' only (no folders, no '..')")
    if not audio or not transcript:
        return Episode(name, audio, transcript, "the manifest row needs both 'audio' and 'transcript'")
    resolve = lambda p: str(Path(p) if Path(p).is_absolute() else base / p)
    return Episode(name, resolve(audio), resolve(transcript))


def _sha256(path: str) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def fingerprint(episode: Episode, settings: dict) -> dict:
    """What an episode's outputs depend on: its inputs' contents and the settings."""
    return {"audio": _sha256(episode.audio), "transcript": _sha256(episode.transcript),
            "settings": settings, "version": __version__}


def previous_marker(outdir: str | Path, episode: Episode) -> dict:
    """The marker of the episode's last success in ``outdir`` ({} when there is none)."""
    done = Path(outdir) / episode.name / DONE
    try:
        return json.loads(done.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def align_episode(
    episode: Episode, outdir: str, settings: dict, force: bool = False, previous: dict | None = None,
    fetch: bool = False,
) -> tuple[Result, dict[str, bytes]]:
    """Align one episode unless its last success (``previous`` marker, read from ``outdir``
    when None) had the same fingerprint. Never raises for a bad episode: the failure is the
    result. With ``fetch``, the outputs are made in a temporary folder and returned (file
    name to bytes, the marker included) instead of left in ``outdir``."""
    import tempfile

    from aligner.align.config import AlignConfig
    from aligner.pipeline import run
    from aligner.write import write_all, write_atomic

    started = time.perf_counter()
    if episode.problem:
        return Result(episode.name, "failed", episode.problem), {}
    try:
        mark = fingerprint(episode, settings)
    except OSError as exc:
        return Result(episode.name, "failed", f"cannot read {exc.filename}: {exc.strerror}"), {}
    previous = previous_marker(outdir, episode) if previous is None else previous
    if not force and previous.get("fingerprint") == mark:
        return Result(episode.name, "skipped", "unchanged since its last success", **previous.get("summary", {})), {}
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch if fetch else outdir) / episode.name
        try:
            alignment = run(episode.audio, episode.transcript, config=AlignConfig(cut=bool(settings.get("cut", False))))
            href = os.path.relpath(os.path.abspath(episode.audio), os.path.abspath(Path(outdir) / episode.name))
            write_all(alignment, folder, Path(episode.audio).stem, tolerance_ms=int(settings.get("tolerance_ms", 5000)),
                      audio_href=href)
        except AlignerError as exc:
            return Result(episode.name, "failed", str(exc), wall_s=round(time.perf_counter() - started, 2)), {}
        summary = {"duration_s": round(alignment.duration_ms / 1000, 1), "turns": len(alignment.turns),
                   "anchors_off": sum(1 for a in alignment.anchors if not a.ok), "not_found": len(alignment.unplaced)}
        write_atomic(folder / DONE, json.dumps({"fingerprint": mark, "summary": summary}, indent=1) + "\n")
        files = {p.name: p.read_bytes() for p in folder.iterdir()} if fetch else {}
    return Result(episode.name, "ok", "", wall_s=round(time.perf_counter() - started, 2), **summary), files


def _keep(outdir: str | Path, name: str, files: dict[str, bytes]) -> None:
    """Write the files a worker returned; the marker last, so that a crash redoes it."""
    folder = Path(outdir) / name
    folder.mkdir(parents=True, exist_ok=True)
    for fname in sorted(files, key=lambda f: f == DONE):
        tmp = folder / f".{fname}.part"
        tmp.write_bytes(files[fname])
        tmp.replace(folder / fname)


def run_batch(
    episodes: list[Episode], outdir: str | Path, *, jobs: int = 0, force: bool = False,
    settings: dict | None = None, progress: Callable[[Result], None] = lambda r: None,
    cluster: str | None = None, fetch: bool = False,
) -> list[Result]:
    """Align every episode on ``jobs`` local processes (0: one per core), or on the Dask
    cluster whose scheduler is at ``cluster`` ("local" starts one on this machine).

    On a cluster, workers read the inputs and write the outputs through paths they share
    with this machine, or, with ``fetch``, send the outputs back to be written here. An
    episode whose worker is lost is retried on another (twice at most)."""
    settings = settings or {}
    jobs = jobs or os.cpu_count() or 1
    Path(outdir).mkdir(parents=True, exist_ok=True)
    outdir = str(Path(outdir).resolve())
    calls = [(e, outdir, settings, force, previous_marker(outdir, e), fetch) for e in episodes]
    results = []

    def collect(result: Result, files: dict[str, bytes]) -> None:
        if files:
            _keep(outdir, result.name, files)
        results.append(result)
        progress(result)

    if cluster is not None:
        _on_cluster(calls, cluster, jobs, collect)
    elif jobs == 1:
        for call in calls:
            collect(*align_episode(*call))
    else:
        # fresh interpreters, not forks: a process that has aligned before holds GNU OpenMP
        # threads (the DTW kernel's), and a fork of it is killed ("fork() called from a
        # process already using GNU OpenMP")
        with ProcessPoolExecutor(max_workers=jobs, mp_context=multiprocessing.get_context("spawn")) as pool:
            for future in [pool.submit(align_episode, *call) for call in calls]:
                collect(*future.result())
    return results


def _on_cluster(calls: list[tuple], address: str, jobs: int, collect) -> None:
    try:
        from dask.distributed import Client, LocalCluster
    except ImportError:
        raise AlignerError("--cluster needs Dask: pip install 'aligner[cluster]'") from None
    local = LocalCluster(n_workers=jobs, threads_per_worker=1, processes=True) if address == "local" else None
    try:
        with Client(local or address, timeout="30s") as client:
            futures = [client.submit(align_episode, *call, key=f"align-{call[0].name}-{os.getpid()}-{time.time_ns()}",
                                     retries=2, pure=False) for call in calls]
            for future in futures:
                collect(*future.result())
    except OSError as exc:
        raise AlignerError(f"cannot reach the Dask scheduler at {address} ({exc}); check the address and that it runs") from None
    finally:
        if local is not None:
            local.close()


def summary_json(results: list[Result]) -> str:
    return json.dumps({"episodes": [asdict(r) for r in results],
                       "failed": sum(r.status == "failed" for r in results)}, ensure_ascii=False, indent=1) + "\n"
