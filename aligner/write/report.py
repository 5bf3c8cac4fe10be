"""The marker check: every timecode anchor and section marker of the transcript, written
against measured, as JSON (``<stem>.report.json``) and Markdown (``<stem>.report.md``)."""

from __future__ import annotations

import json
from dataclasses import dataclass

from aligner.align.model import Alignment, offset_words
from aligner.transcript.timecodes import format_clock
from aligner.write.chapters import chapters


@dataclass(frozen=True)
class Marker:
    text: str
    line: int | None
    written_ms: int | None
    measured_ms: int
    tolerance_ms: int

    @property
    def delta_ms(self) -> int | None:
        return None if self.written_ms is None else self.measured_ms - self.written_ms

    @property
    def verdict(self) -> str:
        if self.written_ms is None:
            return "no time written"
        return "ok" if abs(self.delta_ms) <= self.tolerance_ms else "off"


def _label(item, written: str) -> str:
    """A section's anchor reads "Title 47' 57"; an anchor inside a turn reads its timecode."""
    title = getattr(item, "title", None)
    return f"{title} {written}" if title else written


def markers(alignment: Alignment, *, tolerance_ms: int) -> list[Marker]:
    items = alignment.transcript.items
    out = [Marker(_label(items[c.anchor.item], c.anchor.written), c.anchor.line, c.anchor.time_ms, c.measured_ms, tolerance_ms)
           for c in alignment.anchors]
    anchored = {c.anchor.line for c in alignment.anchors}
    lines = {getattr(i, "title", None): i.line for i in alignment.transcript.sections}
    for ch in chapters(alignment):
        line = lines.get(ch.title)
        if line not in anchored:
            out.append(Marker(ch.title, line, None, ch.start_ms, tolerance_ms))
    return sorted(out, key=lambda m: m.measured_ms)


def compose_json(alignment: Alignment, *, tolerance_ms: int) -> str:
    rows = [{"text": m.text, "line": m.line, "written": None if m.written_ms is None else m.written_ms / 1000,
             "measured": m.measured_ms / 1000, "delta": None if m.delta_ms is None else m.delta_ms / 1000,
             "verdict": m.verdict} for m in markers(alignment, tolerance_ms=tolerance_ms)]
    offset = alignment.timecode_offset_ms
    return json.dumps({"tolerance": tolerance_ms / 1000, "offset": None if offset is None else offset / 1000,
                       "markers": rows}, ensure_ascii=False, indent=1) + "\n"


def compose_markdown(alignment: Alignment, *, tolerance_ms: int) -> str:
    lines = [f"# Marker check (tolerance {tolerance_ms / 1000:g} s)", "",
             "| marker | line | written | measured | difference | verdict |", "|---|---|---|---|---|---|"]
    for m in markers(alignment, tolerance_ms=tolerance_ms):
        written = format_clock(m.written_ms) if m.written_ms is not None else "—"
        delta = f"{m.delta_ms / 1000:+.1f} s" if m.delta_ms is not None else "—"
        text = m.text.replace("|", "\\|")
        lines.append(f"| {text} | {m.line or '—'} | {written} | {format_clock(m.measured_ms)} | {delta} | {m.verdict} |")
    if alignment.timecode_offset_ms is not None:
        lines += ["", f"Most timecodes are {offset_words(alignment.timecode_offset_ms)}: it may be cut otherwise than "
                      "the show they were written for."]
    return "\n".join(lines) + "\n"
