"""Stage: read the transcript into a ``Transcript``.

``read_transcript(path)`` detects the format (wiki page, as shown or as its MediaWiki
source, plain text, SRT, WebVTT, Podcasting 2.0 JSON); ``format=`` overrides the detection.
"""

from __future__ import annotations

import re
from pathlib import Path

from aligner.errors import TranscriptError
from aligner.transcript.captions import read_cues, read_plain, read_podcast_json
from aligner.transcript.model import Anchor, Direction, DirectionKind, Metadata, Section, Span, Transcript, Turn
from aligner.transcript.source import read_text
from aligner.transcript.timecodes import find_timecodes
from aligner.transcript.wiki import read_wiki, speaker_heads
from aligner.transcript.wikitext import is_wikitext, to_rendered

FORMATS = ("wiki", "plain", "srt", "vtt", "podcast-json")

__all__ = [
    "FORMATS", "Anchor", "Direction", "DirectionKind", "Metadata", "Section", "Span",
    "Transcript", "Turn", "detect_format", "parse_transcript", "read_transcript",
]

_SRT_START = re.compile(r"^\s*\d+\s*\n\s*\d{1,2}:\d{2}:\d{2},\d{3}\s+-->", re.MULTILINE)
_TURN_LIKE = re.compile(r"^[^:\n\[\]]{1,60}?[ \u00a0\u202f]*:[ \u00a0\u202f]+\S", re.MULTILINE)
# a line that is only a bracketed note: a stage direction ("[Jingle]") or a timecode ("[12:30]")
_BRACKETED_LINE = re.compile(r"^[ \t]*\[[^\]\n]{1,60}\][ \t]*$", re.MULTILINE)


def detect_format(text: str, *, name: str = "") -> str:
    """The transcript format that ``text`` (read from a file called ``name``) is in."""
    suffix = Path(name).suffix.lower()
    head = text.lstrip()[:2000]
    if head.startswith("WEBVTT") or suffix == ".vtt":
        return "vtt"
    if suffix == ".srt" or _SRT_START.match(head):
        return "srt"
    if suffix == ".json" or head.startswith("{"):
        return "podcast-json"
    rendered = to_rendered(text)[0] if is_wikitext(text) else text
    if _TURN_LIKE.search(rendered) or _BRACKETED_LINE.search(rendered) or _timecode_leads_a_line(rendered):
        return "wiki"  # the wiki reader also reads a page that names no speaker (as "plain")
    if speaker_heads(rendered) >= 2:  # "Name:" or "Name  1:05" on lines of their own, the text below
        return "wiki"
    return "plain"


def _timecode_leads_a_line(text: str) -> bool:
    """A line starts with a timecode ("[00:01:10] Suite…"): a marker, not words to say."""
    return any(found[0].start == 0 for line in text.splitlines() if (found := find_timecodes(line.strip())))


_READERS = {
    "wiki": read_wiki,
    "plain": read_plain,
    "srt": lambda text, source=None: read_cues(text, source=source, fmt="srt"),
    "vtt": lambda text, source=None: read_cues(text, source=source, fmt="vtt"),
    "podcast-json": read_podcast_json,
}


def parse_transcript(text: str, *, format: str | None = None, source: str | None = None) -> Transcript:
    """Read transcript ``text`` in ``format`` (detected when ``None``)."""
    fmt = format or detect_format(text, name=source or "")
    if fmt not in _READERS:
        raise TranscriptError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}", path=source)
    return _READERS[fmt](text, source=source)


def read_transcript(path: str | Path, *, format: str | None = None) -> Transcript:
    """Read the transcript file at ``path``; see :func:`parse_transcript`."""
    return parse_transcript(read_text(path), format=format, source=str(path))
