"""Both decoders on small generated signals with known content."""

from __future__ import annotations

import numpy as np
import pytest
import soundfile as sf

from aligner.decode import decode, find_ffmpeg
from aligner.errors import AudioError


def _tone(rate: int, seconds: float, freq: float = 440.0, channels: int = 2) -> np.ndarray:
    t = np.arange(int(rate * seconds)) / rate
    x = 0.5 * np.sin(2 * np.pi * freq * t)
    return np.stack([x] * channels, axis=1).astype(np.float32)


@pytest.mark.parametrize("decoder", ["ffmpeg", "soundfile"])
@pytest.mark.parametrize("suffix,rate", [(".wav", 44100), (".flac", 48000), (".ogg", 44100)])
def test_decoders_give_mono_16k(tmp_path, decoder, suffix, rate):
    path = tmp_path / f"tone{suffix}"
    sf.write(path, _tone(rate, 2.0), rate)
    audio = decode(path, decoder=decoder)
    assert audio.rate == 16000 and audio.samples.dtype == np.int16 and audio.samples.ndim == 1
    assert abs(audio.duration_ms - 2000) <= 30
    spectrum = np.abs(np.fft.rfft(audio.samples[4000:20000].astype(np.float64)))
    peak_hz = np.argmax(spectrum) * 16000 / 16000
    assert abs(peak_hz - 440) <= 2


def test_mp3_through_ffmpeg(tmp_path):
    import subprocess

    wav = tmp_path / "t.wav"
    sf.write(wav, _tone(44100, 1.0), 44100)
    mp3 = tmp_path / "t.mp3"
    subprocess.run([find_ffmpeg(), "-v", "error", "-i", str(wav), str(mp3)], check=True)
    audio = decode(mp3)
    assert abs(audio.duration_ms - 1000) <= 60


@pytest.mark.parametrize("decoder", ["ffmpeg", "soundfile"])
def test_garbage_is_an_audio_error(tmp_path, decoder):
    path = tmp_path / "x.wav"
    path.write_bytes(b"RIFF\x00\x00junk" * 10)
    with pytest.raises(AudioError, match="cannot be decoded"):
        decode(path, decoder=decoder)


def test_missing_file():
    with pytest.raises(AudioError, match="no such audio file"):
        decode("/nonexistent.mp3")
