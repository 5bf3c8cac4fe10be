"""Ready-to-paste Podcasting 2.0 tags for an RSS item: ``<podcast:transcript>`` for each
caption file and ``<podcast:chapters>``. The URLs are the file names: replace
``BASE_URL/`` with where the files are published."""

from __future__ import annotations

from xml.sax.saxutils import quoteattr

BASE = "BASE_URL/"


def compose(stem: str, *, language: str = "fr") -> str:
    tags = [
        f"<podcast:transcript url={quoteattr(BASE + stem + '.vtt')} type=\"text/vtt\" language=\"{language}\" rel=\"captions\" />",
        f"<podcast:transcript url={quoteattr(BASE + stem + '.srt')} type=\"application/x-subrip\" language=\"{language}\" rel=\"captions\" />",
        f"<podcast:transcript url={quoteattr(BASE + stem + '.transcript.json')} type=\"application/json\" language=\"{language}\" />",
        f"<podcast:chapters url={quoteattr(BASE + stem + '.chapters.json')} type=\"application/json+chapters\" />",
    ]
    return "<!-- xmlns:podcast=\"https://podcastindex.org/namespace/1.0\" -->\n" + "\n".join(tags) + "\n"
