"""Stage: write an ``Alignment`` to the files players, editors and people read.

One format, one module: ``vtt`` and ``srt`` (captions), ``podcast_json`` (Podcasting 2.0
transcript), ``labels`` (Audacity), ``chapters`` (WebVTT chapters, JSON Chapters,
ffmetadata, a plain list), ``report`` (the marker check), ``textgrid`` (Praat), ``rss`` (Podcasting 2.0 tags),
``alignment_json`` (everything), and on request ``id3`` (a chaptered copy of an MP3).
``write_all`` writes them into a folder, each atomically (a temporary file renamed into
place), so that a failure leaves no half-written file.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from aligner.align.model import Alignment
from aligner.errors import OutputError
from aligner.write import alignment_json, chapters, labels, page, podcast_json, report, rss, srt, textgrid, vtt


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_atomic(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` through a temporary file in the same folder."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as f:
            f.write(text)
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes 0600; outputs are for sharing
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_all(
    alignment: Alignment, folder: str | Path, stem: str, *, tolerance_ms: int = 5_000, captions: str = "standard",
    audio_href: str | None = None,
) -> list[Path]:
    """Write every output of ``alignment`` into ``folder`` as ``stem.*``; returns the paths.
    All texts are composed before the first file is written."""
    folder = Path(folder)
    profile = vtt.PROFILES[captions]
    per_turn = vtt.turn_cues(alignment, profile)
    standard = per_turn if profile is vtt.PROFILES["standard"] else None  # the podcast JSON's cues
    captions_vtt = vtt.compose(alignment, profile, per_turn=per_turn)
    outputs = {
        folder / f"{stem}.vtt": captions_vtt,
        folder / f"{stem}.srt": srt.compose(alignment, profile, per_turn=per_turn),
        folder / f"{stem}.transcript.json": podcast_json.compose(alignment, per_turn=standard),
        folder / f"{stem}.json": alignment_json.compose(alignment),
        folder / f"{stem}.labels.txt": labels.compose(alignment),
        folder / f"{stem}.chapters.vtt": chapters.compose_vtt(alignment),
        folder / f"{stem}.chapters.json": chapters.compose_json(alignment),
        folder / f"{stem}.ffmetadata": chapters.compose_ffmetadata(alignment),
        folder / f"{stem}.chapters.txt": chapters.compose_list(alignment),
        folder / f"{stem}.report.json": report.compose_json(alignment, tolerance_ms=tolerance_ms),
        folder / f"{stem}.report.md": report.compose_markdown(alignment, tolerance_ms=tolerance_ms),
        folder / f"{stem}.TextGrid": textgrid.compose(alignment),
        folder / f"{stem}.rss.xml": rss.compose(stem),
        folder / f"{stem}.html": page.compose(alignment, captions_vtt, audio_href or alignment.audio_source),
    }
    try:
        for path, text in outputs.items():
            write_atomic(path, text)
    except OSError as exc:
        raise OutputError(f"{folder}: cannot write the outputs ({exc.strerror}); choose another folder with -o") from None
    return list(outputs)
