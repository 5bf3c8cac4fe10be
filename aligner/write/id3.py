"""A copy of an MP3 with ID3v2.3 chapters: a CHAP frame per chapter (with a TIT2 title)
and a top-level, ordered CTOC listing them, which Apple Podcasts and Overcast read."""

from __future__ import annotations

import shutil
from pathlib import Path

from aligner.align.model import Alignment
from aligner.errors import OutputError
from aligner.write.chapters import chapters


def write_chaptered_mp3(alignment: Alignment, source: str | Path, dest: str | Path) -> Path:
    """Copy ``source`` to ``dest`` (through a temporary file) and add the chapters."""
    from mutagen.id3 import CHAP, CTOC, ID3, TIT2, CTOCFlags, ID3NoHeaderError

    dest = Path(dest)
    tmp = dest.with_name(f".{dest.name}.tmp")
    try:
        shutil.copyfile(source, tmp)
        try:
            tags = ID3(tmp)
        except ID3NoHeaderError:
            tags = ID3()
        tags.delall("CHAP")
        tags.delall("CTOC")
        ids = []
        for k, c in enumerate(chapters(alignment), start=1):
            ids.append(f"chp{k}")
            tags.add(CHAP(element_id=ids[-1], start_time=c.start_ms, end_time=c.end_ms,
                          sub_frames=[TIT2(encoding=3, text=[c.title])]))
        tags.add(CTOC(element_id="toc", flags=CTOCFlags.TOP_LEVEL | CTOCFlags.ORDERED, child_element_ids=ids,
                      sub_frames=[TIT2(encoding=3, text=[alignment.transcript.metadata.title or "Chapitres"])]))
        tags.save(tmp, v2_version=3)
        tmp.replace(dest)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise OutputError(f"{dest}: cannot write the chaptered copy ({exc.strerror})") from None
    return dest
