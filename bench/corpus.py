"""Real recordings for the benchmark, from Debian packages (fetched with `apt-get download`,
unpacked with `dpkg-deb -x`, cached under bench/cache/; no root install needed).

- French speech with exact texts: asterisk-core-sounds-fr-wav (June Wallack, Canadian French;
  texts in core-sounds-fr.txt of asterisk-core-sounds-fr), CC-BY-SA 3.0.
- French speech, a second voice: asterisk-prompt-fr-armelle (Armelle Desjardins, France
  French; raw GSM 6.10), BSD-style licence. Its texts are not shipped: the benchmark gives
  it the June text of the same prompt, i.e. an approximate transcript for one speaker.
- Music: asterisk-moh-opsound-wav (opsound.org artists), CC-BY-SA 3.0.
- English read speech: pocketsphinx-testdata (LibriVox, public domain) for replayed segments.
"""

from __future__ import annotations

import gzip
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from scipy.signal import butter, sosfiltfilt

RATE = 16_000
# 2: speech bounds ignore lone clicks; 3: a prompt glued to another one in the text list
# loses the other one's text
VERSION = 3
PACKAGES = (
    "asterisk-core-sounds-fr-wav",
    "asterisk-core-sounds-fr",
    "asterisk-prompt-fr-armelle",
    "asterisk-moh-opsound-wav",
    "pocketsphinx-testdata",
)
CACHE = Path(__file__).resolve().parent / "cache"


@dataclass(frozen=True)
class Clip:
    """A real recording at 16 kHz, float32, with speech from ``onset`` to ``offset``
    (samples) and its exact (or, for the second voice, approximate) text."""

    name: str
    voice: str
    samples: np.ndarray
    text: str
    onset: int
    offset: int


@dataclass(frozen=True)
class Corpus:
    june: tuple[Clip, ...]
    armelle: tuple[Clip, ...]
    english: tuple[Clip, ...]
    music: tuple[Clip, ...]


def fetch(cache: Path = CACHE) -> Path:
    """Download and unpack the packages once; returns the unpacked root."""
    root = cache / "root"
    debs = cache / "debs"
    debs.mkdir(parents=True, exist_ok=True)
    for name in PACKAGES:
        if not list(debs.glob(f"{name}_*.deb")):
            subprocess.run(["apt-get", "download", "-q", name], cwd=debs, check=True, capture_output=True)
    marker = root / ".unpacked"
    if not marker.exists():
        for deb in sorted(debs.glob("*.deb")):
            subprocess.run(["dpkg-deb", "-x", str(deb), str(root)], check=True)
        marker.touch()
    return root


def _ffmpeg() -> str:
    import imageio_ffmpeg

    return shutil.which("ffmpeg") or imageio_ffmpeg.get_ffmpeg_exe()


def load_audio(path: Path, *, raw_gsm: bool = False) -> np.ndarray:
    """Any file as 16 kHz mono float32, high-passed (the prompts start with a slow DC drift)."""
    cmd = [_ffmpeg(), "-v", "error", "-nostdin"]
    if raw_gsm:
        cmd += ["-f", "gsm", "-ar", "8000"]
    cmd += ["-i", str(path), "-ac", "1", "-ar", str(RATE), "-f", "f32le", "-"]
    x = np.frombuffer(subprocess.run(cmd, check=True, capture_output=True).stdout, np.float32)
    return sosfiltfilt(_HIGHPASS, x).astype(np.float32) if len(x) > 64 else x.copy()


_HIGHPASS = butter(4, 70, btype="highpass", fs=RATE, output="sos")


def speech_bounds(x: np.ndarray, *, threshold_db: float = -35.0, min_frames: int = 3) -> tuple[int, int]:
    """First and last sample of speech: the first and last runs of ``min_frames`` 10 ms
    frames within ``threshold_db`` of the peak. A lone loud frame is not speech: most of
    Armelle's prompts open with a click, 0.1 to 0.4 s before her voice."""
    hop = RATE // 100
    n = len(x) // hop
    if n == 0:
        return 0, len(x)
    energy = 10 * np.log10((x[: n * hop].reshape(n, hop) ** 2).mean(axis=1) + 1e-12)
    loud = energy > energy.max() + threshold_db
    runs = np.flatnonzero(np.convolve(loud, np.ones(min_frames), "valid") >= min_frames)
    if len(runs) == 0:  # nothing sustained: the loud frames themselves
        runs, min_frames = np.flatnonzero(loud), 1
    return int(runs[0]) * hop, int(runs[-1] + min_frames) * hop


_GLUED = re.compile(r"(?<=[.!?])[a-z][a-z0-9/-]*-[a-z0-9/-]*: ")


def _texts(root: Path) -> dict[str, str]:
    path = root / "usr/share/doc/asterisk-core-sounds-fr/core-sounds-fr.txt.gz"
    out = {}
    for line in gzip.open(path, "rt", encoding="utf-8"):
        if line.startswith(";") or ": " not in line:
            continue
        # a line may hold two prompts glued together ("...sur dièse.vm-review-nonurgent: Pour
        # enlever..."): the second one is not in the first one's recording
        line = _GLUED.split(line.rstrip("\n"), 1)[0]
        name, text = line.split(": ", 1)
        text = text.strip().strip("“”\"").strip()
        # sentences only: single words and spelled letters are often said otherwise than
        # written in this list (folder names, phonetic alphabet)
        if len(text.split()) >= 3 and not any(c in text for c in "[]()<>…") and not text.endswith("..."):
            out[name.strip()] = text
    return out


def _clip(name, voice, x, text) -> Clip | None:
    if len(x) < RATE // 5:
        return None
    on, off = speech_bounds(x)
    return Clip(name, voice, x, text, on, off)


def _loud_only(name: str, x: np.ndarray) -> Clip:
    """A music track without its silent stretches (fades between pieces, silent ends), so
    that a jingle cut from it is never silence."""
    hop = RATE // 10
    n = len(x) // hop
    energy = 10 * np.log10((x[: n * hop].reshape(n, hop) ** 2).mean(axis=1) + 1e-12)
    loud = energy > np.median(energy) - 15.0
    kept = x[: n * hop].reshape(n, hop)[loud].reshape(-1)
    return Clip(name, "music", kept, "", 0, len(kept))


def load(cache: Path = CACHE) -> Corpus:
    """The corpus, decoded once and kept in ``cache/corpus-v<VERSION>.pkl``."""
    import pickle

    pickled = cache / f"corpus-v{VERSION}.pkl"
    if pickled.exists():
        with open(pickled, "rb") as f:
            return pickle.load(f)
    corpus = _load(cache)
    with open(pickled, "wb") as f:
        pickle.dump(corpus, f)
    return corpus


def _load(cache: Path) -> Corpus:
    root = fetch(cache)
    texts = _texts(root)
    june_dir = root / "usr/share/asterisk/sounds/fr_CA_f_June"
    arm_dir = root / "usr/share/asterisk/sounds/fr"
    june, armelle = [], []
    for name, text in sorted(texts.items()):
        wav = june_dir / f"{name}.wav"
        if wav.exists() and (c := _clip(name, "june", load_audio(wav), text)):
            june.append(c)
        gsm = arm_dir / f"{name}.gsm"
        if gsm.exists() and (c := _clip(name, "armelle", load_audio(gsm, raw_gsm=True), text)):
            armelle.append(c)
    eng_dir = root / "usr/share/pocketsphinx/test/data/librivox"
    english = [c for w in sorted(eng_dir.glob("*.wav")) if (c := _clip(w.stem, "librivox", load_audio(w), ""))]
    moh = root / "usr/share/asterisk/moh"
    music = [_loud_only(w.stem, load_audio(w)) for w in sorted(moh.glob("*.wav"))]
    return Corpus(tuple(june), tuple(armelle), tuple(english), tuple(music))
