from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from aligner.transcript.timecodes import STYLES, find_timecodes, format_timecode, parse_timecode

WRITTEN = [
    ("47' 57", 2877), ("47‘ 57", 2877), ("47’57", 2877), ("[32 min 50]", 1970),
    ("[1 h 05 min 12]", 3912), ("1 h 05' 12", 3912), ("[01:02:03]", 3723), ("[32:50]", 1970),
    ("[32\u00a0min 50]", 1970), ("[130:07]", 7807), ("130' 07", 7807), ("[130 min 07]", 7807),
    ("(32:50)", 1970), ("(01:02:03)", 3723), ("32:50", 1970), ("01:02:03", 3723), ("[01:02:03.500]", 3723.5),
    ("[01:02:03,5]", 3723.5), ("[32m50s]", 1970), ("[1h02m03s]", 3723), ("[1 h 02 m 03 s]", 3723),
    ("[12 mn 34]", 754), ("[12 min 34 s]", 754), ("[1 h 05 mn 12 sec]", 3912), ("(32 min 50)", 1970),
    ("32 min 50", 1970), ("1 h 05 min 12", 3912),
]


@pytest.mark.parametrize("written,seconds", WRITTEN)
def test_forms_people_write(written, seconds):
    assert parse_timecode(written) == round(seconds * 1000)


@pytest.mark.parametrize("text", [
    "pendant 32 min 50 environ",  # a duration said in the text, not a marker
    "l’émission de 10:30",  # a clock time said in the text
    "en 2014, 47 ans",
    "[75 min 61]",  # 61 seconds
    "[1 h 75 min 00]",
    "[1:75:00]",
    "Jean (3:16) le dit",  # a verse, not a marker: parentheses take two-digit minutes
    "à 32:50 on en parle",  # a colon form inside a line is said
    "(32:50 environ)",
    "il a 12 mn 30 de retard",  # "mn" as "min": said inside a line
    "32 min 50 secondes plus tard",
    "(2 min 30 environ)",
    "[12 mn]",  # no seconds
])
def test_not_timecodes(text):
    assert find_timecodes(text) == []


def test_inline_position():
    (m,) = find_timecodes("qui était à l’époque ??? [32 min 50], etc.")
    assert m.written == "[32 min 50]" and m.time_ms == 1970_000
    assert m.start == len("qui était à l’époque ??? ")
    (m,) = find_timecodes("le logiciel libre (2 mn 10 s) aujourd’hui")
    assert m.written == "(2 mn 10 s)" and m.time_ms == 130_000


@given(st.integers(min_value=0, max_value=3 * 3600 - 1), st.sampled_from(STYLES))
def test_format_parse_round_trip(seconds, style):
    written = format_timecode(seconds * 1000, style)
    assert parse_timecode(written) == seconds * 1000
    (m,) = find_timecodes(f"Texte avant {written} et après.")
    assert m.time_ms == seconds * 1000 and m.written == written


def test_unknown_style():
    with pytest.raises(ValueError, match="unknown timecode style"):
        format_timecode(0, "roman")
