"""MP3 through libmpg123: ffmpeg's samples at about half its CPU time, in two halves as in
one go, and ffmpeg whenever libmpg123 would decode a file differently."""

from __future__ import annotations

import subprocess

import numpy as np
import pytest
import soundfile as sf

from aligner.decode import decode, find_ffmpeg, mpg123
from aligner.errors import AudioError

# CI installs libmpg123 (.ci/run checks that it loads); elsewhere it is optional
pytestmark = pytest.mark.skipif(not mpg123.available(), reason="no libmpg123 on this system")


def _mp3(tmp_path, name: str, *, seconds: float = 3.0, rate: int = 44100, channels: int = 2, args=()) -> str:
    """A chirp with noise bursts (no two stretches alike), encoded by ffmpeg."""
    t = np.arange(int(rate * seconds)) / rate
    x = 0.3 * np.sin(2 * np.pi * (200 + 10 * t) * t) + 0.05 * np.random.default_rng(0).normal(size=len(t)) * (np.sin(3 * t) > 0)
    wav, mp3 = tmp_path / f"{name}.wav", tmp_path / f"{name}.mp3"
    sf.write(wav, np.stack([x * (1 - 0.3 * c) for c in range(channels)], axis=1).astype(np.float32), rate)
    subprocess.run([find_ffmpeg(), "-v", "error", "-i", str(wav), *args, str(mp3)], check=True)
    return mp3


def _below(x: np.ndarray, hz: float) -> np.ndarray:
    spectrum = np.fft.rfft(x.astype(np.float64))
    spectrum[np.fft.rfftfreq(len(x), 1 / 16000) >= hz] = 0
    return np.fft.irfft(spectrum, len(x))


@pytest.mark.parametrize("rate,channels", [(44100, 2), (48000, 1), (22050, 2)])
def test_the_same_samples_as_ffmpeg(tmp_path, rate, channels):
    """The same length and time, the same samples up to 7 kHz (the features use 4): the two
    resamplers differ only in how their filters fall off between 7.3 and 8 kHz."""
    path = _mp3(tmp_path, "x", rate=rate, channels=channels)
    ours, theirs = decode(path, decoder="mpg123").samples, decode(path, decoder="ffmpeg").samples
    assert len(ours) == len(theirs)  # gapless: the encoder's delay and padding cut as ffmpeg cuts them
    diff, level = _below(ours, 7000) - _below(theirs, 7000), np.sqrt(np.mean(theirs.astype(np.float64) ** 2))
    assert np.sqrt(np.mean(diff ** 2)) < 0.002 * level


def test_auto_takes_libmpg123_for_an_mp3_only(tmp_path, monkeypatch):
    calls = []
    real = mpg123.decode_range
    monkeypatch.setattr(mpg123, "decode_range", lambda *a, **k: calls.append(a[0]) or real(*a, **k))
    mp3 = _mp3(tmp_path, "x")
    ogg = tmp_path / "x.ogg"
    subprocess.run([find_ffmpeg(), "-v", "error", "-i", str(mp3), str(ogg)], check=True)
    decode(mp3), decode(ogg)
    assert calls == [mp3]
    with pytest.raises(AudioError, match="not an MP3 file"):
        decode(ogg, decoder="mpg123")


def test_a_long_mp3_decodes_in_halves_as_in_one_go(tmp_path, monkeypatch):
    path = _mp3(tmp_path, "long", seconds=130.0)
    one_go = mpg123.decode_range(path, 16000, np.empty(131 * 16000, np.int16))
    calls = []
    real = mpg123.decode_range
    monkeypatch.setattr(mpg123, "decode_range", lambda *a, **k: calls.append(k) or real(*a, **k))
    halves = decode(path).samples
    assert sorted(k.get("start") is not None for k in calls) == [False, True]  # two halves, no third decoding
    assert len(halves) == len(one_go) and np.abs(halves.astype(np.int32) - one_go).max() <= 1


def test_what_libmpg123_cannot_decode_goes_to_ffmpeg(tmp_path, monkeypatch):
    path = _mp3(tmp_path, "x")

    def refuse(*a, **k):
        raise mpg123.Unsupported("a rate that changes")

    monkeypatch.setattr(mpg123, "decode_range", refuse)
    assert np.array_equal(decode(path).samples, decode(path, decoder="ffmpeg").samples)
    with pytest.raises(AudioError, match="libmpg123 cannot decode it"):
        decode(path, decoder="mpg123")


def test_without_libmpg123_ffmpeg_decodes(tmp_path, monkeypatch):
    path = _mp3(tmp_path, "x")
    monkeypatch.setattr(mpg123, "available", lambda: False)
    assert np.array_equal(decode(path).samples, decode(path, decoder="ffmpeg").samples)
    with pytest.raises(AudioError, match="no libmpg123"):
        decode(path, decoder="mpg123")


def test_mp3s_stitched_together_go_to_ffmpeg(tmp_path, monkeypatch):
    """Joined encodes (inserted ads): libmpg123 plays each later encode's info frame as 26 ms
    of silence, which ffmpeg skips; such a file is decoded by ffmpeg."""
    parts = [_mp3(tmp_path, name) for name in "ab"]
    path = tmp_path / "stitched.mp3"
    path.write_bytes(parts[0].read_bytes() + parts[1].read_bytes())
    assert mpg123.stitched(path) and not mpg123.stitched(parts[0])
    joined = decode(path, decoder="mpg123").samples
    assert len(joined) > len(decode(path, decoder="ffmpeg").samples) + 300  # what it would do
    monkeypatch.setattr(mpg123, "decode_range", lambda *a, **k: pytest.fail("libmpg123 used"))
    assert np.array_equal(decode(path).samples, decode(path, decoder="ffmpeg").samples)


def test_an_mp3_without_info_frame_is_not_stitched(tmp_path):
    path = _mp3(tmp_path, "x", args=("-write_xing", "0"))
    assert not mpg123.stitched(path)
    ours, theirs = decode(path).samples, decode(path, decoder="ffmpeg").samples
    assert len(ours) == len(theirs)


def test_garbage_named_mp3_is_an_audio_error(tmp_path):
    path = tmp_path / "x.mp3"
    path.write_bytes(b"ID3junk" * 100)
    with pytest.raises(AudioError, match="cannot be decoded"):
        decode(path)

