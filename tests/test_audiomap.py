"""The audio map on signals with known answers: silence, a steady tone chord (music),
and real speech from the bundled sample."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from aligner.audiomap import MUSIC, SILENCE, SPEECH, SPEECH_OVER_MUSIC, MapConfig, map_audio
from aligner.decode import decode
from aligner.features import log_mel

from conftest import ROOT, chord


@pytest.fixture(scope="module")
def sample() -> np.ndarray:
    """The bundled sample, decoded once: mono int16 at 16 kHz (read only)."""
    samples = decode(ROOT / "audio" / "sample.mp3").samples
    samples.setflags(write=False)
    return samples


def test_silence_music_silence():
    rng = np.random.default_rng(0)
    x = np.concatenate([np.zeros(16000 * 3), chord(6.0), np.zeros(16000 * 3)])
    x = x + rng.normal(0, 1e-4, len(x))
    amap = map_audio(log_mel((x * 32767).astype(np.int16), 16000))
    kinds = [r.kind for r in amap.regions]
    assert kinds == ["silence", "music", "silence"]
    music = amap.regions[1]
    assert abs(music.start_ms - 3000) <= 500 and abs(music.end_ms - 9000) <= 500


def test_digital_silence_does_not_set_the_noise_floor(sample):
    """The sample's first minute, then 30 s of digital zeros (a padded end, a gap left for
    an ad): the zeros are silence and the minute is mapped as without them. The zeros used
    to set the noise floor, so that no pause counted as quiet any more and the whole minute
    became speech over music."""
    x = sample[:16000 * 60]
    alone = map_audio(log_mel(x, 16000))
    padded = map_audio(log_mel(np.concatenate([x, np.zeros(16000 * 30, np.int16)]), 16000))
    n = len(alone.labels)
    assert np.mean(padded.labels[:n - 100] == alone.labels[:n - 100]) > 0.99
    assert np.all(padded.labels[n + 100:] == SILENCE)
    assert np.array_equal(padded.quiet[:n - 100], alone.quiet[:n - 100])
    assert alone.has_speech and padded.has_speech


def test_digital_silence_alone_is_silence():
    amap = map_audio(log_mel(np.zeros(16000 * 20, np.int16), 16000))
    assert [r.kind for r in amap.regions] == ["silence"] and not amap.has_speech


def test_speech_squashed_by_a_compressor_is_still_speech(tmp_path, sample):
    """The sample through a broadcast compressor (ratio 8, 16 dB of make-up gain): its
    speech rises and falls over 6-7 dB a second instead of 11, and the measures that tell
    speech from music, read at the usual scale, called the replayed segment's first 8 s
    (105-113 s) music. Read at the recording's own scale, it is speech again."""
    import subprocess

    from aligner.decode import find_ffmpeg

    squashed = tmp_path / "squashed.wav"
    subprocess.run([find_ffmpeg(), "-v", "error", "-i", str(ROOT / "audio" / "sample.mp3"), "-af",
                    "acompressor=threshold=0.02:ratio=8:attack=5:release=80:makeup=6", "-ac", "1", "-ar", "16000",
                    str(squashed)], check=True)
    logmel = log_mel(decode(squashed).samples, 16000)
    replay = slice(10600, 12300)
    assert np.mean(map_audio(logmel).labels[replay] == MUSIC) < 0.05
    unscaled = MapConfig(speech_depth_db=0.1)  # any recording's speech spreads more: scale 1
    assert np.mean(map_audio(logmel, config=unscaled).labels[replay] == MUSIC) > 0.3
    # the sample itself is read at the usual scale: the same map either way
    plain = log_mel(sample, 16000)
    assert np.array_equal(map_audio(plain).labels, map_audio(plain, config=unscaled).labels)


def test_sample_speech_is_speech(sample):
    amap = map_audio(log_mel(sample, 16000))
    # the first turn (8.5 s to 12.4 s in the truth file) is speech
    assert np.mean(amap.labels[900:1200] == SPEECH) > 0.8
    # the opening jingle (0.2 s to 8 s) is music
    assert np.mean(amap.labels[100:700] == MUSIC) > 0.8
    assert not np.any(amap.labels[900:1200] == SILENCE)


def test_short_speech_between_two_stretches_of_music_is_music():
    from aligner.audiomap import _fill_music_islands

    labels = np.array([MUSIC] * 10 + [SPEECH] * 3 + [MUSIC] * 10 + [SPEECH] * 8 + [MUSIC] * 5 + [SPEECH] * 2, np.int8)
    out = _fill_music_islands(labels, 5)
    assert out[10:13].tolist() == [MUSIC] * 3  # 3 frames between music: music
    assert out[23:31].tolist() == [SPEECH] * 8  # long enough to be speech
    assert out[-2:].tolist() == [SPEECH] * 2  # music on one side only


def test_short_music_inside_speech_over_music_is_its_bed():
    from aligner.audiomap import _fill_bed_gaps

    B = SPEECH_OVER_MUSIC
    labels = np.array([B] * 10 + [MUSIC] * 4 + [B] * 10 + [MUSIC] * 4 + [SPEECH] * 10
                      + [MUSIC] * 8 + [B] * 5 + [MUSIC] * 4, np.int8)
    out = _fill_bed_gaps(labels, 5)
    assert out[10:14].tolist() == [B] * 4  # the bed between two stretches of talk over it
    assert out[24:28].tolist() == [MUSIC] * 4  # plain speech on one side
    assert out[38:46].tolist() == [MUSIC] * 8  # too long: a piece of its own
    assert out[-4:].tolist() == [MUSIC] * 4  # the end of the file on one side
    assert (_fill_bed_gaps(labels, 0) == labels).all()


def test_music_edges_are_placed_by_the_classifier_learnt_from_the_recording(sample):
    """Real music and speech of the bundled sample spliced with no pause between them: the
    one-second measures alone put two of the three changes 0.46 to 0.86 s off; relabelled near
    each edge by the recording's own speech/music classifier, every change is within 0.3 s."""
    x = sample
    cut = lambda a, b: x[a * 16:b * 16]  # milliseconds of the sample (see its truth file)
    speech, music, jingle = cut(8400, 36100), cut(65400, 90700), cut(37100, 45600)
    for parts in ([music, speech, jingle, speech], [jingle, speech, music, speech]):
        changes = np.cumsum([len(p) for p in parts])[:-1] // 16
        logmel = log_mel(np.concatenate(parts), 16000)
        for config, worst in ((MapConfig(), 300), (MapConfig(edge_zone_ms=0), 450)):
            music_regions = [r for r in map_audio(logmel, config=config).regions if r.kind == "music"]
            found = [music_regions[0].end_ms, music_regions[1].start_ms, music_regions[1].end_ms]
            errors = np.abs(np.array(found) - changes)
            if config.edge_zone_ms:
                assert errors.max() <= worst, (found, changes)
            else:  # the measures alone: the refinement is what this test checks
                assert errors.max() > worst, (found, changes)


def test_short_runs_of_sound_after_a_silence_stay_sound():
    """A staccato jingle after a silence: short runs of music and speech. Merged into the
    longer neighbour one by one, they all became silence (0.8 s of a jingle, on the bench);
    now they merge with each other and the silence keeps its length."""
    from aligner.audiomap import _smooth

    labels = np.array([SILENCE] * 170 + [MUSIC] * 25 + [SPEECH] * 30 + [SPEECH_OVER_MUSIC] * 25 + [MUSIC] * 60, np.int8)
    out = _smooth(labels, 30)
    assert out[:170].tolist() == [SILENCE] * 170
    assert SILENCE not in out[170:].tolist()
    # a short run of silence still merges into the sound around it
    gap = np.array([SPEECH] * 50 + [SILENCE] * 10 + [SPEECH] * 50, np.int8)
    assert _smooth(gap, 30).tolist() == [SPEECH] * 110


def test_short_speech_between_music_and_silence_is_the_music_s_tail():
    """The last notes of a fading piece move from note to note as speech does: on the
    bench, 36 runs of 0.3-1.5 s of "speech" between music and silence were music (a jingle's
    onset or a break's tail), 2 were speech, told apart by the rules below."""
    from aligner.audiomap import _absorb_music_tails

    config = MapConfig(tail_ms=1500, tail_gap_ms=300, music_island_ms=2000)  # 150, 30, 200 frames
    quiet = np.zeros(1000, np.float32)

    def labels(*runs):
        return np.concatenate([np.full(n, kind, np.int8) for kind, n in runs])

    tail = labels((SPEECH, 300), (MUSIC, 400), (SPEECH, 100), (SILENCE, 200))
    assert _absorb_music_tails(tail, quiet, config)[700:800].tolist() == [MUSIC] * 100
    onset = labels((SPEECH, 300), (SILENCE, 200), (SPEECH, 100), (MUSIC, 400))  # and at the file's start:
    assert _absorb_music_tails(onset, quiet, config)[500:600].tolist() == [MUSIC] * 100
    assert _absorb_music_tails(onset[500:], quiet[500:], config)[:100].tolist() == [MUSIC] * 100
    bedded = labels((SILENCE, 200), (SPEECH, 40), (SPEECH_OVER_MUSIC, 100), (MUSIC, 400))  # a jingle's onset, in parts
    assert _absorb_music_tails(bedded, quiet[:740], config)[200:340].tolist() == [MUSIC] * 140
    # speech too long for a tail, speech between music and more speech, music too short for a piece
    for kept in (labels((MUSIC, 400), (SPEECH, 160), (SILENCE, 200)),
                 labels((MUSIC, 400), (SPEECH, 100), (SPEECH_OVER_MUSIC, 100), (SPEECH, 60), (SILENCE, 200)),
                 labels((SPEECH, 300), (MUSIC, 150), (SPEECH, 100), (SILENCE, 200))):
        assert (_absorb_music_tails(kept, quiet[:len(kept)], config) == kept).all()
    # a short turn, a quiet gap that the map counted into the jingle, then the jingle
    turn = labels((SILENCE, 200), (SPEECH, 100), (MUSIC, 400))
    gap = np.zeros(700, np.float32)
    gap[300:370] = 1.0
    assert (_absorb_music_tails(turn, gap, config) == turn).all()
    assert _absorb_music_tails(turn, quiet[:700], config)[200:300].tolist() == [MUSIC] * 100


def test_a_longer_tail_is_music_when_it_sounds_like_music():
    """1.5 to 4 s of "speech" between a silence and music is the music's onset when the
    classifier learnt from the recording calls half of its sounding frames music, and a
    short turn before a jingle when it does not."""
    from aligner.audiomap import _absorb_music_tails

    config = MapConfig(tail_ms=1500, checked_tail_ms=4000, tail_gap_ms=300, music_island_ms=2000)
    onset = np.array([SILENCE] * 200 + [SPEECH] * 300 + [MUSIC] * 400, np.int8)
    quiet = np.zeros(len(onset), np.float32)
    asked = []

    def musical(share):
        def call(s, e):
            asked.append((s, e))
            return share
        return call

    assert _absorb_music_tails(onset, quiet, config, musical(0.6))[200:500].tolist() == [MUSIC] * 300
    assert asked == [(200, 500)]
    assert (_absorb_music_tails(onset, quiet, config, musical(0.4)) == onset).all()
    assert (_absorb_music_tails(onset, quiet, config) == onset).all()  # no classifier: a turn
    longer = np.array([SILENCE] * 200 + [SPEECH] * 450 + [MUSIC] * 400, np.int8)
    assert (_absorb_music_tails(longer, np.zeros(len(longer), np.float32), config, musical(1.0)) == longer).all()
    # a piece's last quiet bars, 4.5 s of "speech" before a pause, within a longer reach
    fading = longer[::-1].copy()
    wider = dataclasses.replace(config, checked_tail_ms=5000)
    assert _absorb_music_tails(fading, np.zeros(len(fading), np.float32), wider, musical(0.6))[400:850].tolist() == [MUSIC] * 450
    assert (_absorb_music_tails(fading, np.zeros(len(fading), np.float32), wider, musical(0.4)) == fading).all()


def test_a_short_pause_parts_music_from_speech(sample):
    """Real speech, a pause too short to be a silence (0.4 or 0.8 s), real music, the same
    pause, speech: the music region ends where the music does, and the pauses are silence
    (the one-second measures alone put both changes 0.12-0.13 s off, inside speech)."""
    x = sample.astype(np.float32)
    speech, music = x[8400 * 16:28400 * 16], x[65400 * 16:90700 * 16]
    for pause in (0.4, 0.8):
        gap = np.zeros(int(pause * 16000), np.float32)
        y = np.concatenate([speech, gap, music, gap, speech])
        y += np.random.default_rng(0).normal(0, 3, len(y)).astype(np.float32)
        regions = map_audio(log_mel(np.clip(y, -32768, 32767).astype(np.int16), 16000)).regions
        a = len(speech) // 16
        b, c = a + len(gap) // 16, a + (len(gap) + len(music)) // 16
        k = next(i for i, r in enumerate(regions) if r.kind == "music")
        assert [r.kind for r in regions[k - 2:k + 3]] == ["speech", "silence", "music", "silence", "speech"]
        assert abs(regions[k].start_ms - b) <= 50 and abs(regions[k].end_ms - c) <= 50
        assert abs(regions[k - 1].start_ms - a) <= 100 and abs(regions[k + 1].end_ms - (c + b - a)) <= 100


def test_a_click_does_not_break_a_silence_in_the_regions(sample):
    """Real speech, 1.5 s of quiet with a 30-ms click in its middle, speech: the regions
    call the whole quiet stretch silence and list no pause there; the labels the aligner
    weighs keep the click as sound. A 150-ms sound there is not a click: two pauses."""
    x = sample.astype(np.float32)
    speech = x[8400 * 16:28400 * 16]
    rng = np.random.default_rng(0)
    for sound_ms, silent in ((30, True), (150, False)):
        half = np.zeros(int((1.5 - sound_ms / 1000) / 2 * 16000), np.float32)
        sound = rng.normal(0, 3000, sound_ms * 16).astype(np.float32)
        y = np.concatenate([speech, half, sound, half, speech])
        y += rng.normal(0, 3, len(y)).astype(np.float32)
        amap = map_audio(log_mel(np.clip(y, -32768, 32767).astype(np.int16), 16000))
        a, b = len(speech) // 16, (len(speech) + 2 * len(half) + len(sound)) // 16
        inside = [r for r in amap.regions if r.start_ms < b - 100 and r.end_ms > a + 100]
        pauses = [p for p in amap.pauses if a - 100 <= p.start_ms and p.end_ms <= b + 100]
        if silent:
            assert [r.kind for r in inside] == ["silence"] and not pauses
            assert abs(inside[0].start_ms - a) <= 100 and abs(inside[0].end_ms - b) <= 100
            click = (a + b) // 2 // 10
            assert SILENCE not in amap.labels[click - 1:click + 2].tolist()
        else:
            assert "silence" not in [r.kind for r in inside] and len(pauses) == 2


def test_speech_over_a_loud_bed_is_not_music(sample):
    """The sample's first turns (real speech) over its music break's music 7 dB under them,
    between two stretches of that music alone: the speech moves from sound to sound less
    than alone (the bed's notes hold under it) and its loudness spreads less, but it keeps
    dipping out of the bed's spectrum several times a second, which music does not. Without
    that measure none of it is speech; with it, most of it (its pauses are the bed alone)."""
    x = sample.astype(np.float32)
    speech, music = x[8400 * 16:28400 * 16], x[65400 * 16:90700 * 16]
    rms = lambda a: np.sqrt(np.mean(a ** 2))
    bed = music[:len(speech)] * (rms(speech) / rms(music) * 10 ** (-7 / 20))
    mixed = np.concatenate([music[-10 * 16000:] * 0.5, speech + bed, music[:10 * 16000] * 0.5])
    logmel = log_mel(np.clip(mixed, -32768, 32767).astype(np.int16), 16000)
    inside = slice(1000 + 100, 1000 + len(speech) // 160 - 100)  # a second away from the edges
    labels = map_audio(logmel).labels[inside]
    assert np.mean((labels == SPEECH) | (labels == SPEECH_OVER_MUSIC)) > 0.5
    before = map_audio(logmel, config=MapConfig(dip_share=2.0)).labels[inside]  # without the dips
    assert np.mean(before == MUSIC) > 0.95


def test_a_run_of_speech_beside_music_that_the_detector_hears_as_no_speech_is_music():
    """A piece's sparse intro or last bars called speech by the one-second measures: the
    speech detector is asked about runs of plain speech next to music, up to 15 s, and
    they become music when it hears no speech on most of their sounding frames."""
    from aligner.audiomap import _heard_as_music

    config = MapConfig(asked_run_ms=15_000, not_speech_below=0.1, not_speech_share=0.8)
    labels = np.array([SPEECH] * 300 + [SILENCE] * 50 + [SPEECH] * 600 + [MUSIC] * 400 + [SPEECH] * 1600, np.int8)
    quiet = np.zeros(len(labels), np.float32)
    asked = []

    def detector(probability):
        def call(start, stop):
            asked.append((start, stop))
            return np.full(stop - start, probability, np.float32)
        return call

    heard = _heard_as_music(labels, quiet, detector(0.02), config)
    assert heard[350:950].tolist() == [MUSIC] * 600  # next to the music, short enough
    assert (heard[:350] == labels[:350]).all()  # not next to music
    assert (heard[1350:] == labels[1350:]).all()  # longer than 15 s
    assert asked == [(350, 950)]
    assert (_heard_as_music(labels, quiet, detector(0.5), config) == labels).all()  # speech to it
    # quiet frames do not count: 30 % of the run sounding, all of it no speech
    mostly_quiet = quiet.copy()
    mostly_quiet[350:770] = 1.0
    assert _heard_as_music(labels, mostly_quiet, detector(0.02), config)[350:950].tolist() == [MUSIC] * 600


def test_a_short_run_before_music_with_no_sure_voice_in_it_is_music():
    """A pause, 2 s called speech, then music: the first bars of a piece, in noise, that
    the detector hears as half a voice (0.3 to 0.6) are music; with a sure voice in them
    (0.95 for 200 ms: a short turn before the break) they stay speech. After music (a
    turn's first words, which the detector hears late) the same run stays speech."""
    from aligner.audiomap import _heard_as_music

    config = MapConfig()
    labels = np.array([SILENCE] * 100 + [SPEECH] * 200 + [MUSIC] * 400, np.int8)
    quiet = np.zeros(len(labels), np.float32)
    quiet[:100] = 1.0

    def detector(sure: bool):
        def call(start, stop):
            frames = np.arange(start, stop)
            p = 0.3 + 0.3 * (frames % 20 < 8)  # 0.6 for 80 ms, 0.3 for 120 ms, over and over
            if sure:
                p[(frames >= 150) & (frames < 170)] = 0.95
            return p.astype(np.float32)
        return call

    assert _heard_as_music(labels, quiet, detector(False), config)[100:300].tolist() == [MUSIC] * 200
    assert (_heard_as_music(labels, quiet, detector(True), config) == labels).all()
    after_music = labels[::-1].copy()
    assert (_heard_as_music(after_music, quiet[::-1].copy(), detector(False), config) == after_music).all()


def _voice_from(frame: int, asked: list):
    """A fake detector: no speech before ``frame``, speech from it on; it notes what it is asked."""
    def call(start, stop):
        asked.append((start, stop))
        return np.where(np.arange(start, stop) < frame, 0.02, 0.95).astype(np.float32)
    return call


def test_music_runs_up_to_the_pause_before_the_voice_the_detector_hears():
    """A piece's last 3 s called speech, a pause, then the turn: the music ends where its
    sound does, before the pause; the detector is asked about 1.5 s, then 5 s."""
    from aligner.audiomap import _music_heard_up_to_voice

    config = MapConfig()
    labels = np.array([MUSIC] * 500 + [SPEECH] * 1000, np.int8)
    quiet = np.zeros(len(labels), np.float32)
    quiet[800:840] = 1.0  # a 400-ms pause after the music's last bars (500-800)
    asked = []
    heard = _music_heard_up_to_voice(labels, quiet, _voice_from(840, asked), config)
    assert heard[:800].tolist() == [MUSIC] * 800 and heard[800:].tolist() == [SPEECH] * 700
    assert asked == [(500, 650), (500, 1000)]
    # mirrored: the turn, a pause, the first bars of a piece called speech
    turned = labels[::-1].copy()
    assert (_music_heard_up_to_voice(turned, quiet[::-1].copy(), _voice_from(10**6, []), config) == turned).all()  # no voice
    voice_until = lambda start, stop: np.where(np.arange(start, stop) < 660, 0.95, 0.02).astype(np.float32)  # noqa: E731
    backwards = _music_heard_up_to_voice(turned, quiet[::-1].copy(), voice_until, config)
    assert backwards[:700].tolist() == [SPEECH] * 700 and backwards[700:].tolist() == [MUSIC] * 800


def test_a_music_onset_that_makes_the_detector_waver_is_not_the_last_word():
    """The turn, a pause, then a piece whose first bars the measures call speech, and the
    detector, unsettled by their onset, over 0.5 (at 0.7) for 100 ms just after the pause:
    that is no voice, the music starts where its sound does. A sure voice there (0.95 for
    200 ms) ends the speech, and nothing moves."""
    from aligner.audiomap import _music_heard_up_to_voice

    config = MapConfig()
    labels = np.array([SPEECH] * 700 + [MUSIC] * 800, np.int8)  # the voice ends at 500
    quiet = np.zeros(len(labels), np.float32)
    quiet[500:540] = 1.0  # a 400-ms pause, then the music's first bars (540-700) called speech

    def detector(blip: float, blip_frames: int):
        def call(start, stop):
            frames = np.arange(start, stop)
            p = np.where(frames < 500, 0.95, 0.02)
            p[(frames >= 560) & (frames < 560 + blip_frames)] = blip
            return p.astype(np.float32)
        return call

    wavering = _music_heard_up_to_voice(labels, quiet, detector(0.7, 10), config)
    assert wavering[:500].tolist() == [SPEECH] * 500 and wavering[540:].tolist() == [MUSIC] * 960
    assert (_music_heard_up_to_voice(labels, quiet, detector(0.95, 20), config) == labels).all()


def test_music_is_not_moved_into_sound_that_runs_on_into_the_voice_or_past_a_click():
    """No quiet stretch between the "speech" and the voice: the detector's late onset is no
    edge, nothing moves. Too little to move (under a second) where the detector hears half
    a voice: nothing moves. A click in the pause is not the music's; a last note just after
    the piece's last bars is."""
    from aligner.audiomap import _music_heard_up_to_voice

    config = MapConfig()
    labels = np.array([MUSIC] * 500 + [SPEECH] * 1000, np.int8)
    unbroken = np.zeros(len(labels), np.float32)
    assert (_music_heard_up_to_voice(labels, unbroken, _voice_from(700, []), config) == labels).all()
    short = np.zeros(len(labels), np.float32)
    short[560:600] = 1.0  # 0.6 s of the music's tail, then the pause
    assert (_music_heard_up_to_voice(labels, short, _faint_then_voice(0.3, 600), config) == labels).all()
    click = np.zeros(len(labels), np.float32)
    click[800:900] = 1.0
    click[850:860] = 0.0  # 100 ms of sound inside the pause
    heard = _music_heard_up_to_voice(labels, click, _voice_from(900, []), config)
    assert heard[:800].tolist() == [MUSIC] * 800 and heard[800:].tolist() == [SPEECH] * 700
    # a last note after a short quiet (under 200 ms) is the music's: it runs on across it
    note = np.zeros(len(labels), np.float32)
    note[780:790] = 1.0  # 100 ms between the piece's last bars and its last note (790-810)
    note[810:900] = 1.0
    heard = _music_heard_up_to_voice(labels, note, _voice_from(900, []), config)
    assert heard[:810].tolist() == [MUSIC] * 810 and heard[810:].tolist() == [SPEECH] * 690
    # the voice heard at once: asked about 1.5 s only, nothing moves
    asked = []
    assert (_music_heard_up_to_voice(labels, click, _voice_from(0, asked), config) == labels).all()
    assert asked == [(500, 650)]


def _faint_then_voice(faint: float, frame: int):
    """A fake detector: ``faint`` before ``frame``, speech from it on."""
    return lambda start, stop: np.where(np.arange(start, stop) < frame, faint, 0.95).astype(np.float32)


def test_a_short_tail_after_music_with_no_voice_heard_in_it_is_the_musics():
    """A jingle, 0.6 s of its last notes called speech, a 0.4-s pause, then the turn: when
    the detector hears nothing in those notes (0.02) they are the music's, and the music
    ends where their sound does; when it hears a little there (0.15: a first word it heard
    late) they stay speech. Where a turn meets music after it, such a tail stays speech."""
    from aligner.audiomap import _music_heard_up_to_voice

    config = MapConfig()
    labels = np.array([MUSIC] * 500 + [SPEECH] * 1000, np.int8)
    quiet = np.zeros(len(labels), np.float32)
    quiet[560:600] = 1.0
    heard = _music_heard_up_to_voice(labels, quiet, _faint_then_voice(0.02, 600), config)
    assert heard[:560].tolist() == [MUSIC] * 560 and heard[560:].tolist() == [SPEECH] * 940
    assert (_music_heard_up_to_voice(labels, quiet, _faint_then_voice(0.15, 600), config) == labels).all()
    turned, voice_until = labels[::-1].copy(), lambda start, stop: np.where(np.arange(start, stop) < 900, 0.95, 0.02)
    assert (_music_heard_up_to_voice(turned, quiet[::-1].copy(), voice_until, config) == turned).all()


def _no_voice_within(lo: int, hi: int, asked: list):
    """A fake detector: no speech from ``lo`` to ``hi``, speech elsewhere; it notes what it is asked."""
    def call(start, stop):
        asked.append((start, stop))
        frames = np.arange(start, stop)
        return np.where((frames >= lo) & (frames < hi), 0.02, 0.95).astype(np.float32)
    return call


def _jingle_in_talk(soft_from: int, soft_to: int):
    """40 s of "speech" with pauses at 11-11.5 s and 19-19.5 s, and a soft music score of
    0.9 from ``soft_from`` to ``soft_to`` (0.1 elsewhere)."""
    labels = np.full(4000, SPEECH, np.int8)
    quiet = np.zeros(len(labels), np.float32)
    quiet[1100:1150] = quiet[1900:1950] = 1.0
    soft = np.full(len(labels), 0.1, np.float32)
    soft[soft_from:soft_to] = 0.9
    return labels, quiet, soft


def test_a_jingle_inside_talk_that_the_detector_hears_as_no_voice_is_music():
    """A jingle that the measures took for speech, joined to the turns on either side: where
    the soft music score stays high, the detector is asked, around that stretch only; the
    sound it hears no voice in becomes music, between the pauses that part it from the voices."""
    from aligner.audiomap import _music_heard_inside_speech

    config = MapConfig()
    labels, quiet, soft = _jingle_in_talk(1200, 1900)
    asked = []
    heard = _music_heard_inside_speech(labels, quiet, soft, _no_voice_within(1100, 1950, asked), config)
    assert heard[1150:1900].tolist() == [MUSIC] * 750
    assert (heard[:1150] == SPEECH).all() and (heard[1900:] == SPEECH).all()
    assert asked and all(500 <= a and b <= 2100 for a, b in asked)  # around the stretch, not the whole run
    # the detector hears a voice there: nothing moves
    assert (_music_heard_inside_speech(labels, quiet, soft, _no_voice_within(0, 0, []), config) == labels).all()
    # a soft music score that stays low: the detector is not asked
    asked = []
    assert (_music_heard_inside_speech(labels, quiet, np.full(len(labels), 0.2, np.float32),
                                       _no_voice_within(1100, 1950, asked), config) == labels).all()
    assert asked == []


def test_a_staccato_jingle_whose_music_score_stays_under_a_half_is_asked_about_too():
    """A jingle of short notes with quiet between them can score only 0.4-0.5 as music (its
    notes too short for stationarity, its beat under the music's): the detector is asked
    where the score stays over 0.3 too, and the jingle it hears no voice in is music. Under
    0.3 it is not asked."""
    from aligner.audiomap import _music_heard_inside_speech

    config = MapConfig()
    labels, quiet, soft = _jingle_in_talk(1200, 1900)
    soft[1200:1900] = 0.35
    heard = _music_heard_inside_speech(labels, quiet, soft, _no_voice_within(1100, 1950, []), config)
    assert heard[1150:1900].tolist() == [MUSIC] * 750
    assert (heard[:1150] == SPEECH).all() and (heard[1900:] == SPEECH).all()
    soft[1200:1900] = 0.25
    asked = []
    assert (_music_heard_inside_speech(labels, quiet, soft, _no_voice_within(1100, 1950, asked), config) == labels).all()
    assert asked == []


def _unsure_within(lo: int, hi: int, unsure_every: int):
    """A fake detector: speech outside ``lo``..``hi``; inside, no speech (0.02) but for one
    frame in ``unsure_every`` that it is unsure of (0.3, still no voice)."""
    def call(start, stop):
        frames = np.arange(start, stop)
        inside = (frames >= lo) & (frames < hi)
        return np.where(inside, np.where(frames % unsure_every == 0, 0.3, 0.02), 0.95).astype(np.float32)
    return call


def test_a_jingle_the_detector_is_unsure_of_between_two_voices_is_music_all_the_same():
    """Between two voices, a jingle's staccato notes keep the detector unsure (0.1 to 0.5)
    on a third of their frames: still music, the stretch heard without a voice on two
    thirds of its sound. Unsure on half of them: left to the speech."""
    from aligner.audiomap import _music_heard_inside_speech

    config = MapConfig()
    labels, quiet, soft = _jingle_in_talk(1200, 1900)
    heard = _music_heard_inside_speech(labels, quiet, soft, _unsure_within(1100, 1950, 3), config)
    assert heard[1150:1900].tolist() == [MUSIC] * 750
    assert (heard[:1150] == SPEECH).all() and (heard[1900:] == SPEECH).all()
    assert (_music_heard_inside_speech(labels, quiet, soft, _unsure_within(1100, 1950, 2), config) == labels).all()


def test_the_detector_is_asked_on_until_a_voice_ends_the_stretch_and_needs_the_pause_before_it():
    """The soft score high over the stretch's first 3 s only: the span is widened until the
    voice after it is heard, and the music runs to the pause before that voice. No quiet
    stretch before the next voice (the detector late on a first word): nothing moves."""
    from aligner.audiomap import _music_heard_inside_speech

    config = MapConfig()
    labels, quiet, soft = _jingle_in_talk(1200, 1500)
    asked = []
    heard = _music_heard_inside_speech(labels, quiet, soft, _no_voice_within(1100, 1950, asked), config)
    assert heard[1150:1900].tolist() == [MUSIC] * 750 and (heard[1900:] == SPEECH).all()
    assert max(b for _, b in asked) >= 1950
    unparted = quiet.copy()
    unparted[1900:1950] = 0.0
    assert (_music_heard_inside_speech(labels, unparted, soft, _no_voice_within(1100, 1950, []), config) == labels).all()


def test_a_voice_that_the_music_edge_cuts_through_goes_to_the_speech():
    """The edge put half a second into the turn's first word: the voice heard across it,
    back to the pause before it, is the speech's. No pause before that voice (a song's
    line running into the turn), or too little of it: nothing moves. Mirrored at the
    music's start."""
    from aligner.audiomap import _voice_across_music_edges

    config = MapConfig()
    labels = np.array([MUSIC] * 500 + [SPEECH] * 500, np.int8)
    quiet = np.zeros(len(labels), np.float32)
    quiet[380:420] = 1.0  # the pause between the jingle's end and the turn
    asked = []
    heard = _voice_across_music_edges(labels, quiet, _voice_from(420, asked), config)
    assert heard[:420].tolist() == [MUSIC] * 420 and heard[420:].tolist() == [SPEECH] * 580
    assert asked == [(350, 510)]  # the music's last 1.5 s and the speech's first 0.1 s
    unparted = np.zeros(len(labels), np.float32)
    assert (_voice_across_music_edges(labels, unparted, _voice_from(420, []), config) == labels).all()
    brief = np.zeros(len(labels), np.float32)
    brief[450:495] = 1.0
    voice = lambda start, stop: np.where(  # noqa: E731
        (np.arange(start, stop) >= 495) & (np.arange(start, stop) < 505), 0.95, 0.02).astype(np.float32)
    assert (_voice_across_music_edges(labels, brief, voice, config) == labels).all()  # 100 ms of voice
    # mirrored: the turn's last word runs 0.8 s into what the map calls music, then a pause
    turned, turned_quiet = labels[::-1].copy(), quiet[::-1].copy()
    voice_until = lambda start, stop: np.where(np.arange(start, stop) < 580, 0.95, 0.02).astype(np.float32)  # noqa: E731
    heard = _voice_across_music_edges(turned, turned_quiet, voice_until, config)
    assert heard[:580].tolist() == [SPEECH] * 580 and heard[580:].tolist() == [MUSIC] * 420


def test_talk_over_a_bed_after_the_music_stops_goes_to_the_speech():
    """The music stops (a pause), the next turn starts over a bed and the map calls its
    first seconds music: the voice heard from the pause to the speech goes to the speech.
    A song's voice with no pause before it, or instrumental bars between the voice and the
    speech, stay music. Mirrored at the music's start."""
    from aligner.audiomap import _voice_after_music_stops

    config = MapConfig()
    labels = np.array([MUSIC] * 800 + [SPEECH_OVER_MUSIC] * 400, np.int8)
    quiet = np.zeros(len(labels), np.float32)
    quiet[500:560] = 1.0  # the music stops for 0.6 s
    asked = []
    heard = _voice_after_music_stops(labels, quiet, _voice_from(560, asked), config)
    assert heard[:560].tolist() == [MUSIC] * 560 and (heard[560:] == SPEECH_OVER_MUSIC).all()
    assert asked == [(560, 800)]  # from the pause on, within the music's last 5 s
    # no pause: a song's voice running into the turn (the detector not even asked)
    asked = []
    assert (_voice_after_music_stops(labels, np.zeros(len(labels), np.float32), _voice_from(560, asked), config)
            == labels).all() and asked == []
    # the voice stops two seconds before the speech: the song's last bars
    song = lambda start, stop: np.where((np.arange(start, stop) >= 560) & (np.arange(start, stop) < 600), 0.95,  # noqa: E731
                                        0.02).astype(np.float32)
    assert (_voice_after_music_stops(labels, quiet, song, config) == labels).all()
    # mirrored: a turn's end over a bed called music, then the music starts after a pause
    turned = np.array([SPEECH] * 400 + [MUSIC] * 800, np.int8)
    turned_quiet = quiet[::-1].copy()  # the pause at 640-700
    voice_until = lambda start, stop: np.where(np.arange(start, stop) < 640, 0.95, 0.02).astype(np.float32)  # noqa: E731
    heard = _voice_after_music_stops(turned, turned_quiet, voice_until, config)
    assert (heard[:640] == SPEECH).all() and (heard[640:] == MUSIC).all()


def test_a_short_turn_between_a_jingle_and_a_silence_is_speech():
    """A jingle, a pause, a second of talk, then a silence (before the next jingle): the
    measures join the talk to the jingle; the voice heard from the pause to the silence is
    speech (``voice_before_silence``), the jingle's notes stay music, and without that
    voice (the jingle's last notes after a pause) nothing moves. Mirrored: a turn said
    after a silence, then a pause and a jingle."""
    from aligner.audiomap import _voice_after_music_stops

    config = MapConfig()
    labels = np.array([SILENCE] * 200 + [MUSIC] * 700 + [SILENCE] * 200, np.int8)
    quiet = np.zeros(len(labels), np.float32)
    quiet[:200] = quiet[900:] = 1.0
    quiet[760:800] = 1.0  # the jingle ends, a 0.4-s pause, then the turn up to the silence
    asked = []
    heard = _voice_after_music_stops(labels, quiet, _voice_from(800, asked), config)
    assert heard[200:800].tolist() == [MUSIC] * 600 and heard[800:900].tolist() == [SPEECH] * 100
    assert (heard[900:] == SILENCE).all() and (heard[:200] == SILENCE).all()
    assert (_voice_after_music_stops(labels, quiet, _voice_from(800, []),
                                     dataclasses.replace(config, voice_before_silence=False)) == labels).all()
    notes = lambda start, stop: np.full(stop - start, 0.02, np.float32)  # noqa: E731
    assert (_voice_after_music_stops(labels, quiet, notes, config) == labels).all()
    turned, turned_quiet = labels[::-1].copy(), quiet[::-1].copy()
    voice_until = lambda start, stop: np.where(np.arange(start, stop) < 300, 0.95, 0.02).astype(np.float32)  # noqa: E731
    heard = _voice_after_music_stops(turned, turned_quiet, voice_until, config)
    assert heard[200:300].tolist() == [SPEECH] * 100 and heard[300:900].tolist() == [MUSIC] * 600


def test_the_speech_detector_hears_real_speech_and_not_a_chord(sample):
    """Silero VAD as shipped: the bundled sample's speech (its first turn, 8.8-13 s) against
    a steady chord; the probabilities cover the frames asked, from any start."""
    from aligner.audiomap.voice_activity import speech_probability

    speech = speech_probability(sample, 880, 1300)
    assert len(speech) == 420 and np.mean(speech > 0.5) > 0.7
    music = (chord(5.0) * 32767).astype(np.int16)
    tone = speech_probability(music, 0, 500)
    assert len(tone) == 500 and np.mean(tone < 0.1) > 0.9
    assert len(speech_probability(sample, 0, 3)) == 3  # shorter than one window, no context before


def test_the_map_asks_the_detector_only_about_runs_beside_music(sample):
    """The sample mapped with the detector: asked about the runs of speech beside its
    jingles and music break (15 s at most each), where the voice starts after them and
    where the map's music score stays over 0.3 inside speech, it hears speech in all of
    them and moves nothing. (It hears 62 % of this three-minute sample, with its six
    pieces of music, 43 % before the score's threshold went from 0.5 to 0.3; 21 % of the
    bench's 90-minute episode.)"""
    from aligner.audiomap.voice_activity import speech_probability

    logmel = log_mel(sample, 16000)
    asked = []

    def speech(start, stop):
        asked.append(stop - start)
        return speech_probability(sample, start, stop)

    with_it, without = map_audio(logmel, speech=speech), map_audio(logmel)
    assert 0 < sum(asked) < 0.7 * len(logmel) and max(asked) <= 1500
    assert (with_it.labels == without.labels).all()


def test_the_detector_hears_two_stretches_at_once_and_each_answer_stays_with_its_stretch(monkeypatch):
    """The detector runs outside Python's lock: the map asks it about two stretches at a
    time (``ASKED_AT_ONCE``), on two threads. Each stretch's answer is then read for that
    stretch: the labels are those made one stretch at a time."""
    import threading

    import aligner.audiomap as audiomap

    config = MapConfig(asked_run_ms=15_000, not_speech_below=0.1, not_speech_share=0.8)
    # runs of speech between pieces of music; the detector hears no voice in every other one
    labels = np.array(([MUSIC] * 400 + [SPEECH] * 300) * 6 + [MUSIC] * 400, np.int8)
    quiet = np.zeros(len(labels), np.float32)
    met = threading.Barrier(2, timeout=10)  # the first two calls wait for each other (broken: alone)
    threads, calls = set(), []

    def detector(start, stop):
        threads.add(threading.get_ident())
        calls.append((start, stop))
        if len(calls) <= 2:
            met.wait()
        return np.full(stop - start, 0.02 if (start // 700) % 2 else 0.9, np.float32)

    together = audiomap._heard_as_music(labels, quiet, detector, config)
    assert len(threads) == 2
    monkeypatch.setattr(audiomap, "ASKED_AT_ONCE", 1)
    threads.clear()
    calls.clear()
    met = threading.Barrier(1)
    alone = audiomap._heard_as_music(labels, quiet, detector, config)
    assert len(threads) == 1 and (together == alone).all()
    assert together.tolist() == ([MUSIC] * 400 + [SPEECH] * 300 + [MUSIC] * 700) * 3 + [MUSIC] * 400
