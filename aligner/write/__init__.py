"""Stage: write an ``Alignment`` to the files players, editors and people read.

One format, one module: ``vtt`` (captions), ``alignment_json`` (everything, documented).
``write_all`` writes them into a folder, each atomically (a temporary file renamed into
place), so that a failure leaves no half-written file.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from aligner.align.model import Alignment
from aligner.errors import OutputError
from aligner.write import alignment_json, vtt


def write_atomic(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` through a temporary file in the same folder."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as f:
            f.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_all(alignment: Alignment, folder: str | Path, stem: str) -> list[Path]:
    """Write every output of ``alignment`` into ``folder`` as ``stem.*``; returns the paths."""
    folder = Path(folder)
    outputs = {
        folder / f"{stem}.vtt": vtt.compose(alignment),
        folder / f"{stem}.json": alignment_json.compose(alignment),
    }
    try:
        for path, text in outputs.items():
            write_atomic(path, text)
    except OSError as exc:
        raise OutputError(f"{folder}: cannot write the outputs ({exc.strerror}); choose another folder with -o") from None
    return list(outputs)
