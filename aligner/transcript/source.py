"""Bytes of a transcript file to text: encoding, BOM, line endings, binary files."""

from __future__ import annotations

import logging
from pathlib import Path

from aligner.errors import TranscriptError

log = logging.getLogger(__name__)

_BINARY_SAMPLE = 4096


def read_text(path: str | Path) -> str:
    """The text of a transcript file, with ``\\n`` line endings and no BOM.

    UTF-8 (with or without BOM) and UTF-16 with BOM are read as such; anything else is
    read as cp1252 (Latin-1 where cp1252 has a hole), with a warning.
    """
    path = Path(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise TranscriptError("no such file; check the path", path=str(path)) from None
    except IsADirectoryError:
        raise TranscriptError("is a folder, not a transcript file", path=str(path)) from None
    except OSError as exc:
        raise TranscriptError(f"cannot be read ({exc.strerror})", path=str(path)) from None
    return decode_text(data, name=str(path))


def decode_text(data: bytes, *, name: str = "<transcript>") -> str:
    """Decode transcript bytes; see :func:`read_text`."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = data.decode("utf-16")
    elif b"\x00" in data[:_BINARY_SAMPLE]:
        raise TranscriptError(
            "looks like a binary file, not a text transcript; give a .txt, .srt, .vtt or .json file",
            path=name,
        )
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            line = data[: exc.start].count(b"\n") + 1
            text = data.decode("cp1252", errors="strict") if _is_cp1252(data) else data.decode("latin-1")
            log.warning(
                "%s:%d: not UTF-8; read as %s. Save the file as UTF-8 to silence this warning.",
                name, line, "cp1252" if _is_cp1252(data) else "Latin-1",
            )
    text = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise TranscriptError("is empty; give the transcript text", path=name)
    return text


def _is_cp1252(data: bytes) -> bool:
    try:
        data.decode("cp1252")
    except UnicodeDecodeError:
        return False
    return True
