from __future__ import annotations

import logging
import re
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
REFERENCE = ROOT / "transcripts" / "libre-a-vous-2024-07-02.txt"


@pytest.fixture(autouse=True)
def _aligner_logger_as_found():
    """The command line's main() sets the "aligner" logger up for a terminal (its own
    handler, no propagation): put it back after each test, so that a later test's caplog,
    which listens at the root, still hears the library's warnings."""
    logger = logging.getLogger("aligner")
    state = (logger.handlers[:], logger.propagate, logger.level)
    yield
    logger.handlers[:], logger.propagate, logger.level = state


@pytest.fixture(scope="session")
def reference_path() -> Path:
    return REFERENCE


def unnamed_sample() -> str:
    """The sample's transcript with every speaker's name taken off its turns."""
    text = (ROOT / "transcripts" / "sample.txt").read_text(encoding="utf-8")
    return re.sub(r"^(Claire Dubois|Sophie Laurent)[ \u00a0]*:[ \u00a0]*", "", text, flags=re.MULTILINE)


def undirected_sample() -> str:
    """The sample's transcript without its stage directions (its jingles, sting, music
    break and replay), as a transcription service exports it; its timecode stays."""
    text = (ROOT / "transcripts" / "sample.txt").read_text(encoding="utf-8")
    return "\n".join(line for line in text.splitlines() if not (
        (line.startswith("[") and not line.startswith("[1")) or line.startswith(("Pause musicale", "https://")))) + "\n"


def chord(seconds: float, rate: int = 16000) -> np.ndarray:
    """A steady four-note chord (music to the audio map), amplitude 0.4 at most."""
    t = np.arange(int(rate * seconds)) / rate
    return sum(np.sin(2 * np.pi * f * t) for f in (220.0, 277.2, 329.6, 440.0)) * 0.1
