"""What the transcript announces between two turns sets the cost of untranscribed audio there."""

from __future__ import annotations

from dataclasses import replace
from types import SimpleNamespace

from aligner.align.config import AlignConfig
from aligner.align.directions import _gap_scales
from aligner.transcript import parse_transcript

TEXT = """Anne Martin : Bonjour.

[Jingle]

Paul Durand : Merci.

Anne Martin : Une suite.

https://radio.example.org/chronique#rediffusion

Paul Durand : Après la rediffusion.

Pause musicale : Un titre par Un groupe.

Anne Martin : Après la musique.
"""


def test_gap_costs_follow_the_stage_directions():
    transcript = parse_transcript(TEXT)
    turns = [i for i, item in enumerate(transcript.items) if hasattr(item, "speaker")]
    config = AlignConfig(music_gap_on_speech=2.0, replay_gap_on_speech=0.5, unannounced_gap=3.0, voice_over_music_gap=1.0)
    scales = _gap_scales(transcript, [SimpleNamespace(item=i) for i in turns], config)
    # (on speech, on music, on speech over music)
    assert scales == [
        (1.0, 0.5, 1.0),  # the start: anything may come first
        (2.0, 0.5, 1.0),  # after a jingle: cheap on music, dear on speech, less on speech over music
        (3.0, 1.5, 3.0),  # nothing announced: dear on both
        (0.5, 0.5, 0.5),  # after a replay: cheap on speech
        (2.0, 0.5, 1.0),  # after a music break: a song's voice over the music costs less
    ]
    plain = _gap_scales(transcript, [SimpleNamespace(item=i) for i in turns], replace(config, voice_over_music_gap=None))
    assert plain[1] == plain[-1] == (2.0, 0.5, 2.0)


def test_speech_over_music_is_what_a_music_break_may_sing():
    import numpy as np

    from aligner.align.engine import _over_music
    from aligner.audiomap import MUSIC, SILENCE, SPEECH, SPEECH_OVER_MUSIC

    labels = np.array([SILENCE, MUSIC, SPEECH_OVER_MUSIC, SPEECH_OVER_MUSIC, MUSIC, SPEECH, SPEECH_OVER_MUSIC], np.int8)
    assert _over_music(SimpleNamespace(labels=labels)).tolist() == [0, 0, 1, 1, 0, 0, 1]


def test_phoneme_variants_and_pauses_are_merged():
    from aligner.align.engine import _phoneme_class

    assert [_phoneme_class(p) for p in ("z2", "@-", "t2", "A~", "_!", ";", "(en)", "", "e")] == \
        ["z", "@", "t", "A~", "_", "_", "_", "_", "e"]


def test_anchors_pin_the_word_they_are_written_before():
    from aligner.align.anchors import _pins

    text = """Anne Martin : Bonjour. [2 min 10] Deuxième phrase.

Partie 2 5' 00

Paul Durand : Merci.
"""
    transcript = parse_transcript(text)
    turns = [i for i, item in enumerate(transcript.items) if hasattr(item, "speaker")]
    words = {turns[0]: ["Bonjour", "Deuxième", "phrase"], turns[1]: ["Merci"]}

    def block(i):
        text = transcript.items[i].text
        return SimpleNamespace(item=i, words=[SimpleNamespace(start=text.index(w)) for w in words[i]])

    pins = _pins(transcript, [block(i) for i in turns], AlignConfig(anchor_window_ms=60_000))
    assert pins == [(0, 1, 13_000, 6_000), (1, 0, 30_000, 6_000)]


def test_untranscribed_audio_is_learnt_from_what_the_path_left_out():
    """Voices as three clusters: the text's speaker (frames the path gave to turns), a
    replayed voice and music (frames it left out). Every frame of the latter two is likely
    untranscribed, every frame of the text's voice unlikely; with too little left out to
    learn from, nothing is weighed."""
    import numpy as np

    from aligner.align.engine import _untranscribed

    rng = np.random.default_rng(0)
    centres = rng.normal(0, 3, size=(3, 8))
    kind = np.repeat([0, 1, 2, 0, 1], 400)  # text, replay, music, text, replay
    voice = (centres[kind] + rng.normal(0, 1, size=(len(kind), 8))).astype(np.float32)
    nonspeech = (kind == 2).astype(np.float32)
    said, unsaid = np.flatnonzero(kind == 0)[::2], np.flatnonzero(kind > 0)[::2]
    log_p = _untranscribed(voice, said, unsaid, nonspeech)
    assert np.median(log_p[kind == 0]) < -5
    assert np.median(log_p[kind > 0]) > -0.01
    assert (_untranscribed(voice, said, unsaid[:100], nonspeech) == 0).all()


def test_the_phoneme_passes_look_further_when_the_transcript_names_no_music(monkeypatch):
    """A transcript that names no music and no replay leaves the first pass to guess where
    they are: the phoneme passes start with a coarser level that looks
    ``unmarked_phone_radius_ms`` around it, where one that names them looks
    ``phone_radius_ms`` at their usual first level."""
    from aligner.align import engine
    from aligner.audiomap import map_audio
    from aligner.decode import decode
    from aligner.features import log_mel, mfcc
    from aligner.speak import speak

    from conftest import ROOT, undirected_sample

    logmel = log_mel(decode(ROOT / "audio" / "sample.mp3").samples, 16000)
    cepstra, audio_map = mfcc(logmel), map_audio(logmel)
    config = AlignConfig()
    search = engine._search
    for text, radius in (((ROOT / "transcripts" / "sample.txt").read_text(encoding="utf-8"), config.phone_radius_ms[0]),
                         (undirected_sample(), config.unmarked_phone_radius_ms)):
        transcript = parse_transcript(text)
        levels = []
        monkeypatch.setattr(engine, "_search", lambda *a, **k: levels.append((k.get("factors"), k.get("radius_ms")))
                            or search(*a, **k))
        engine.align(transcript, speak(transcript), cepstra, audio_map, config=config)
        phoneme = {(f[0], r[0]) for f, r in levels if r is not None}
        assert phoneme == {(config.phone_factors[0] * (1 if radius == config.phone_radius_ms[0] else 2), radius)}
