"""MediaWiki source, as a transcriber types it in the wiki's editor, to the text of the
rendered page (what the wiki reader reads), line for line:

    '''Titre :''' …                      ->  Titre : …
    <b>Name : </b>text<br/>              ->  Name : text
    ==Title==   ==47’ 57==               ->  a heading: a section title, or a timecode anchor
    [[Page|shown]]   [https://… shown]   ->  shown
    [[Catégorie:…]] {{…}} <ref>…</ref> <!-- … -->   ->  nothing
    &nbsp; &amp; …                       ->  the characters

Stage directions in single brackets (``[Jingle]``) and bare URLs stay as they are. Lines
keep their numbers, so that messages point at the source's lines.
"""

from __future__ import annotations

import html
import re

_HEADING = re.compile(r"^(=+)[ \t]*(?P<title>[^=].*?)[ \t]*\1[ \t]*$")
_SIGNS = re.compile(r"'''|</?(?:b|i|em|strong)>|<br ?/?>|^=+[^=].*=+[ \t]*$|\[\[|\{\{", re.MULTILINE)

_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
_REF = re.compile(r"<ref\b[^>/]*/>|<ref\b[^>]*>.*?</ref>", re.DOTALL | re.IGNORECASE)
_TEMPLATE = re.compile(r"\{\{[^{}]*\}\}")
_HIDDEN_LINK = re.compile(r"\[\[:?(?:cat[ée]gor(?:y|ie)|fichier|file|image|media)\s*:[^\]]*\]\]", re.IGNORECASE)
_WIKI_LINK = re.compile(r"\[\[(?:[^\]|]*\|)?(?P<shown>[^\]|]*)\]\]")
_WEB_LINK = re.compile(r"\[(?:https?://|www\.)[^\s\]]+(?:[ \t]+(?P<shown>[^\]]*))?\]")
_BREAK = re.compile(r"<br[ \t]*/?>", re.IGNORECASE)
_TAG = re.compile(r"</?(?:b|i|em|strong|u|s|del|ins|small|big|sup|sub|span|font|code|tt|nowiki|center|div|p|"
                  r"blockquote|q|abbr|poem)\b[^>]*>", re.IGNORECASE)
_QUOTES = re.compile(r"'{2,5}")
_ENTITY = re.compile(r"&(?:#\d{1,6}|#x[0-9a-fA-F]{1,6}|[a-zA-Z]{2,8});")
_LIST = re.compile(r"^[*#:;]+[ \t]*")
_SPACES = re.compile(r"[ \t]{2,}")
_MAGIC = re.compile(r"^(?:-{4,}|__[A-Z]+__)[ \t]*$")


def is_wikitext(text: str) -> bool:
    """Whether ``text`` holds MediaWiki markup (bold, headings, links, templates, tags)."""
    return _SIGNS.search(text) is not None


def to_rendered(text: str) -> tuple[str, frozenset[int]]:
    """The text as the wiki shows it, and the (0-based) indices of its heading lines."""
    keep_lines = lambda m: "\n" * m.group(0).count("\n")  # noqa: E731
    text = _REF.sub(keep_lines, _COMMENT.sub(keep_lines, text))
    lines, headings = [], set()
    for index, line in enumerate(text.split("\n")):
        m = _HEADING.match(line.strip())
        if m:
            line = m.group("title")
            headings.add(index)
        lines.append(_inline(line))
    return "\n".join(lines), frozenset(headings)


def _inline(line: str) -> str:
    for _ in range(3):  # templates inside templates
        line = _TEMPLATE.sub("", line)
    line = _HIDDEN_LINK.sub("", line)
    line = _WIKI_LINK.sub(lambda m: m.group("shown"), line)
    line = _WEB_LINK.sub(lambda m: m.group("shown") or "", line)
    line = _BREAK.sub(" ", line)
    line = _QUOTES.sub("", _TAG.sub("", line))
    line = _ENTITY.sub(lambda m: html.unescape(m.group(0)), line)
    line = _MAGIC.sub("", _LIST.sub("", line.strip()))
    return _SPACES.sub(" ", line).strip()  # as the wiki shows them: a removed link leaves one space
