"""Chapters from the transcript's section titles and music breaks, in the formats players
read: a WebVTT chapters track, JSON Chapters 1.2.0, an ffmpeg metadata file
(``TIMEBASE=1/1000``) and a plain list for an episode description (``0:00 Title``).

A section starts with the first turn after its title; a music break where the turn before
it ends. The first chapter starts at 0:00 (the show's title, or "Début", names an opening
that no section title covers)."""

from __future__ import annotations

import json
from dataclasses import dataclass

from aligner.align.model import Alignment
from aligner.transcript.model import Direction, DirectionKind, Section
from aligner.transcript.timecodes import format_clock
from aligner.write.timefmt import clock, seconds
from aligner.write.vtt import escape


@dataclass(frozen=True)
class Chapter:
    start_ms: int
    end_ms: int
    title: str


def chapters(alignment: Alignment) -> list[Chapter]:
    items = alignment.transcript.items
    turn_at = {t.item: t for t in alignment.turns}
    marks: list[tuple[int, str]] = []
    for index, item in enumerate(items):
        if isinstance(item, Section):
            following = [t for i, t in sorted(turn_at.items()) if i > index]
            if following:
                marks.append((following[0].start_ms, item.title))
        elif isinstance(item, Direction) and item.kind is DirectionKind.MUSIC_BREAK:
            before = [t for i, t in sorted(turn_at.items()) if i < index]
            title = "Pause musicale" + (f" : {item.title}" if item.title else "") + (f" par {item.artist}" if item.artist else "")
            marks.append((before[-1].end_ms if before else 0, title))
    marks.sort(key=lambda m: m[0])
    if not marks or marks[0][0] > 0:
        opening = alignment.transcript.metadata.title or "Début"
        if marks and marks[0][0] <= 5_000:
            marks[0] = (0, marks[0][1])
        else:
            marks.insert(0, (0, opening))
    out = []
    for k, (start, title) in enumerate(marks):
        end = marks[k + 1][0] if k + 1 < len(marks) else alignment.duration_ms
        if end > start:
            out.append(Chapter(start, end, " ".join(title.split())))
    return out


def compose_vtt(alignment: Alignment) -> str:
    lines = ["WEBVTT", ""]
    for k, c in enumerate(chapters(alignment), start=1):
        lines += [f"chapter-{k}", f"{clock(c.start_ms)} --> {clock(c.end_ms)}", escape(c.title).replace("-->", "--&gt;"), ""]
    return "\n".join(lines)


def compose_json(alignment: Alignment) -> str:
    doc = {"version": "1.2.0", "chapters": [{"startTime": seconds(c.start_ms), "endTime": seconds(c.end_ms), "title": c.title}
                                            for c in chapters(alignment)]}
    return json.dumps(doc, ensure_ascii=False, indent=1) + "\n"


def _ff_escape(text: str) -> str:
    for ch in ("\\", "=", ";", "#", "\n"):
        text = text.replace(ch, "\\" + ch)
    return text


def compose_ffmetadata(alignment: Alignment) -> str:
    lines = [";FFMETADATA1"]
    title = alignment.transcript.metadata.title
    if title:
        lines.append(f"title={_ff_escape(title)}")
    for c in chapters(alignment):
        lines += ["[CHAPTER]", "TIMEBASE=1/1000", f"START={c.start_ms}", f"END={c.end_ms}", f"title={_ff_escape(c.title)}"]
    return "\n".join(lines) + "\n"


def compose_list(alignment: Alignment) -> str:
    return "".join(f"{format_clock(c.start_ms)} {c.title}\n" for c in chapters(alignment))
