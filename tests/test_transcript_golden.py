"""Edge cases of the wiki reader, one small transcript per case with its expected model.

Run with ALIGNER_UPDATE_GOLDEN=1 to rewrite the expected files after a deliberate change,
then read the diff."""

from __future__ import annotations

import json
import os

import pytest

from aligner.jsonable import to_jsonable
from aligner.transcript import read_transcript

from conftest import DATA

CASES = sorted((DATA / "transcripts").glob("*.txt"))


@pytest.mark.parametrize("case", CASES, ids=[c.stem for c in CASES])
def test_golden(case):
    model = to_jsonable(read_transcript(case))
    model["source"] = None
    expected_path = case.with_suffix(".expected.json")
    if os.environ.get("ALIGNER_UPDATE_GOLDEN"):
        expected_path.write_text(json.dumps(model, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    assert model == json.loads(expected_path.read_text(encoding="utf-8"))
