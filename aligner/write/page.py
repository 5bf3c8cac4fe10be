"""One self-contained HTML page to review an alignment: the audio with the captions track,
the chapter list, the transcript with each turn clickable to seek (coloured by confidence),
and a timeline of speech, music and untranscribed audio. Everything taken from the
transcript is escaped; the captions are embedded as a data URL; the audio is linked."""

from __future__ import annotations

import base64
import html
from pathlib import Path

from aligner import __version__
from aligner.align.model import Alignment
from aligner.transcript.timecodes import format_clock
from aligner.write.chapters import chapters

_STYLE = """
body{font:15px/1.5 system-ui,sans-serif;margin:0 auto;max-width:60rem;padding:1rem;color:#222}
audio{width:100%;position:sticky;top:0;background:#fff;padding:.5rem 0}
.timeline{position:relative;height:18px;background:#eee;margin:.5rem 0 1rem}
.timeline span{position:absolute;top:0;height:100%}
.speech{background:#6a9}.music,.speech_over_music{background:#c96}.untranscribed,.not_transcribed{background:#c66}
.turn{cursor:pointer;padding:.3rem .5rem;border-left:6px solid;margin:.3rem 0}
.turn:hover{background:#f4f4f4}.who{font-weight:600}.at{color:#666;font-size:.85em;margin-right:.5em}
.chapters li{cursor:pointer}
"""

_SCRIPT = """
const audio = document.getElementById('audio');
document.querySelectorAll('[data-start]').forEach(el => el.addEventListener('click', () => {
  audio.currentTime = parseFloat(el.dataset.start);
  document.querySelectorAll('.current').forEach(c => c.classList.remove('current'));
  el.classList.add('current');
}));
"""


def _colour(confidence: float) -> str:
    """Red (0) through amber to green (1)."""
    return f"hsl({int(max(0.0, min(1.0, confidence)) * 120)},60%,45%)"


def _timeline(alignment: Alignment) -> str:
    total = max(1, alignment.duration_ms)
    spans = [(r.start_ms, r.end_ms, r.kind) for r in alignment.map_regions if r.kind != "silence"]
    spans += [(r.start_ms, r.end_ms, r.kind) for r in alignment.uncovered]
    parts = [f'<span class="{html.escape(kind)}" title="{html.escape(kind)} {format_clock(a)}–{format_clock(b)}" '
             f'style="left:{100 * a / total:.3f}%;width:{100 * (b - a) / total:.3f}%"></span>' for a, b, kind in spans]
    return '<div class="timeline" aria-label="timeline">' + "".join(parts) + "</div>"


def compose(alignment: Alignment, captions_vtt: str, audio_href: str) -> str:
    title = alignment.transcript.metadata.title or Path(audio_href).stem
    track = "data:text/vtt;base64," + base64.b64encode(captions_vtt.encode("utf-8")).decode("ascii")
    chapter_items = "".join(
        f'<li data-start="{c.start_ms / 1000:.3f}"><span class="at">{format_clock(c.start_ms)}</span>{html.escape(c.title)}</li>'
        for c in chapters(alignment)
    )
    turns = "".join(
        f'<div class="turn" data-start="{t.start_ms / 1000:.3f}" style="border-color:{_colour(t.confidence)}" '
        f'title="{f"confidence {t.confidence:.2f}" if t.placed else "not found in the audio"}">'
        f'<span class="at">{format_clock(t.start_ms)}</span>'
        f'<span class="who">{html.escape(t.speaker)}</span> {html.escape(t.text)}</div>'
        for t in alignment.turns
    )
    return f"""<!DOCTYPE html>
<html lang="fr"><head><meta charset="utf-8"><title>{html.escape(title)}</title>
<meta name="generator" content="aligner {__version__}"><style>{_STYLE}</style></head>
<body>
<h1>{html.escape(title)}</h1>
<audio id="audio" controls preload="metadata" src="{html.escape(audio_href, quote=True)}">
<track kind="captions" srclang="fr" label="Transcription" src="{track}" default></audio>
{_timeline(alignment)}
<h2>Chapitres</h2><ol class="chapters">{chapter_items}</ol>
<h2>Transcription</h2><div id="transcript">{turns}</div>
<script>{_SCRIPT}</script>
</body></html>
"""
