from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
REFERENCE = ROOT / "transcripts" / "libre-a-vous-2024-07-02.txt"


@pytest.fixture(scope="session")
def reference_path() -> Path:
    return REFERENCE
