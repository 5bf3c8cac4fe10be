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


def _plain_mono(path) -> np.ndarray:
    """ffmpeg's own "-ac 1 -ar 16000" of ``path``."""
    import subprocess

    out = subprocess.run([find_ffmpeg(), "-v", "error", "-i", str(path), "-ac", "1", "-ar", "16000", "-f", "s16le", "-"],
                         capture_output=True, check=True).stdout
    return np.frombuffer(out, "<i2").astype(np.int32)


@pytest.mark.parametrize("channels", [1, 2, 3])
def test_channels_are_mixed_down_as_ffmpeg_does(tmp_path, channels):
    """Every layout is mixed down before it is resampled (a cheaper filter chain): the same
    samples as ffmpeg's own "-ac 1" but for rounding."""
    from aligner import decode as module

    rate = 44100
    t = np.arange(rate) / rate
    x = np.stack([0.4 * np.sin(2 * np.pi * (300 + 200 * c) * t) for c in range(channels)], axis=1)
    path = tmp_path / f"c{channels}.wav"
    sf.write(path, x.astype(np.float32), rate, subtype="PCM_16")
    assert module._mixes_down_first(find_ffmpeg())  # the path under test: ffmpeg 5.1 or later
    samples, plain = decode(path).samples, _plain_mono(path)
    assert len(samples) == len(plain) and np.abs(samples - plain).max() <= 1
    if channels == 2:  # the mean of the two: 300 and 500 Hz at half their level
        spectrum = np.abs(np.fft.rfft(samples[2000:14000].astype(np.float64))) * 2 / 12000
        assert abs(spectrum[int(300 * 12000 / 16000)] / 32768 - 0.2) < 0.01


def test_a_mono_stretch_inside_a_stereo_mp3_keeps_its_level(tmp_path):
    """A mono ad stitched between two stereo parts: mixed down as "-ac 1" does, not halved
    (as a "pan" of the two channels left it) and not an error."""
    import subprocess

    rate = 44100
    t = np.arange(3 * rate) / rate
    tone = 0.4 * np.sin(2 * np.pi * 440 * t)
    parts = []
    for k, channels in enumerate((2, 1, 2)):
        wav, mp3 = tmp_path / f"p{k}.wav", tmp_path / f"p{k}.mp3"
        sf.write(wav, np.stack([tone] * channels, axis=1).astype(np.float32), rate)
        subprocess.run([find_ffmpeg(), "-v", "error", "-i", str(wav), str(mp3)], check=True)
        parts.append(mp3.read_bytes())
    path = tmp_path / "stitched.mp3"
    path.write_bytes(b"".join(parts))
    samples, plain = decode(path).samples.astype(np.float64), _plain_mono(path)
    assert len(samples) == len(plain) and np.abs(samples - plain).max() <= 1
    level = lambda a, b: np.sqrt(np.mean(samples[a * 16000:b * 16000] ** 2))
    assert abs(level(4, 5) / level(1, 2) - 1) < 0.05  # the mono part as loud as the stereo one


def test_an_older_ffmpeg_resamples_and_mixes_down_at_once(tmp_path, monkeypatch):
    from aligner import decode as module

    path = tmp_path / "tone.wav"
    sf.write(path, _tone(44100, 1.0), 44100)
    monkeypatch.setattr(module, "_mixes_down_first", lambda ffmpeg: False)
    command = module._command(path, find_ffmpeg(), 16000)
    assert command[command.index("-ac"):command.index("-ac") + 4] == ["-ac", "1", "-ar", "16000"]
    assert np.abs(decode(path).samples - _plain_mono(path)).max() == 0


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


def _long_recording(tmp_path, suffix: str, seconds: float = 130.0):
    """A chirp with noise bursts (no two seconds alike), encoded by ffmpeg."""
    import subprocess

    rate = 44100
    tmp_path.mkdir(exist_ok=True)
    t = np.arange(int(rate * seconds)) / rate
    x = 0.3 * np.sin(2 * np.pi * (200 + 10 * t) * t) + 0.05 * np.random.default_rng(0).normal(size=len(t)) * (np.sin(t) > 0)
    wav = tmp_path / "long.wav"
    sf.write(wav, np.stack([x, x], axis=1).astype(np.float32), rate)
    out = tmp_path / f"long{suffix}"
    subprocess.run([find_ffmpeg(), "-v", "error", "-i", str(wav), str(out)], check=True)
    return out


def _in_one_go(path):
    from aligner import decode as module

    ffmpeg = find_ffmpeg()
    seconds, _ = module._probe(path, ffmpeg)
    return module._ffmpeg_into(path, ffmpeg, 16000, np.empty(int(seconds * 16000) + 16000, np.int16))


def _decodings(monkeypatch) -> list:
    """The ffmpeg command of every decoding that ``decode`` runs from now on (None: one go)."""
    from aligner import decode as module

    commands = []
    real_into = module._ffmpeg_into
    monkeypatch.setattr(module, "_ffmpeg_into", lambda *a, **k: commands.append(k.get("command")) or real_into(*a, **k))
    return commands


@pytest.mark.parametrize("suffix", [".mp3", ".ogg", ".flac"])
def test_long_files_decode_in_halves_as_in_one_go(tmp_path, suffix, monkeypatch):
    path = _long_recording(tmp_path, suffix)
    commands = _decodings(monkeypatch)
    halves = decode(path, decoder="ffmpeg").samples
    assert len(commands) == 2 and all("-ss" in (c or []) or "-t" in (c or []) for c in commands)
    assert np.array_equal(halves, _in_one_go(path))


def _seek_off(monkeypatch, seconds: float) -> None:
    """The second half's ffmpeg seeks ``seconds`` later than asked."""
    from aligner import decode as module

    real_command = module._command
    monkeypatch.setattr(module, "_command", lambda *a, start=None, **k: real_command(*a, start=start and start + seconds, **k))


def test_halves_that_do_not_meet_fall_back_to_one_go(tmp_path, monkeypatch):
    path = _long_recording(tmp_path, ".mp3")
    _seek_off(monkeypatch, 3)  # its pre-roll is not the end of the first half
    assert np.array_equal(decode(path, decoder="ffmpeg").samples, _in_one_go(path))


def test_mp3s_stitched_together_decode_in_halves_as_in_one_go(tmp_path, monkeypatch):
    """Two MP3 files joined end to end (as podcast hosts insert ads): seeking past the join
    lands a frame away from where one-go decoding has that time; the halves still meet."""
    parts = [_long_recording(tmp_path / name, ".mp3", seconds=70.0) for name in ("a", "b")]
    path = tmp_path / "stitched.mp3"
    path.write_bytes(parts[0].read_bytes() + parts[1].read_bytes())
    commands = _decodings(monkeypatch)
    halves = decode(path).samples
    assert len(commands) == 2  # no third, one-go decoding
    assert np.array_equal(halves, _in_one_go(path))


@pytest.mark.parametrize("slip", [-0.05, 0.05])
def test_a_seek_a_little_off_still_meets_the_first_half(tmp_path, monkeypatch, slip):
    path = _long_recording(tmp_path, ".mp3")
    _seek_off(monkeypatch, slip)
    commands = _decodings(monkeypatch)
    halves = decode(path, decoder="ffmpeg").samples
    assert len(commands) == 2
    assert np.array_equal(halves, _in_one_go(path))
