"""A recording that lacks some of its transcript's turns (a podcast cut from a broadcast,
with the broadcast's transcript): with ``--cut`` the alignment leaves them out, lists them
as not found and writes no caption for them; the other turns are placed as in the whole
transcript's alignment."""

from __future__ import annotations

import json

import numpy as np

from aligner.align.model import TurnTiming
from aligner.cli import main

from conftest import DATA, ROOT

SAMPLE_AUDIO = ROOT / "audio" / "sample.mp3"
SAMPLE_TEXT = ROOT / "transcripts" / "sample.txt"
# turns that the sample's recording does not hold, put before its 2nd and 9th turns
LACKED = {
    1: "Sophie Laurent\u00a0: Ce passage a été coupé au montage pour tenir dans la durée du podcast. "
       "On en reparlera dans une prochaine émission, avec les développeurs du projet.",
    8: "Claire Dubois\u00a0: La mairie a voté un budget pour renouveler ses postes de travail. "
       "Les associations du quartier organisent des ateliers le samedi matin.",
}


def _cut_transcript(tmp_path):
    """The sample's transcript with the ``LACKED`` turns, and their line numbers."""
    lines = SAMPLE_TEXT.read_text(encoding="utf-8").splitlines()
    turns = [i for i, line in enumerate(lines) if "\u00a0: " in line and not line.startswith("Pause musicale")]
    for k in sorted(LACKED, reverse=True):
        lines[turns[k]:turns[k]] = [LACKED[k], ""]
    path = tmp_path / "cut.txt"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    numbers = [n + 1 for n, line in enumerate(lines) if line in LACKED.values()]
    return path, numbers


def test_turns_the_recording_lacks_are_left_out(tmp_path, capsys):
    text, numbers = _cut_transcript(tmp_path)
    out = tmp_path / "cut"
    assert main(["align", str(SAMPLE_AUDIO), str(text), "-o", str(out), "--cut"]) == 0
    printed = capsys.readouterr().out
    doc = json.loads((out / "sample.json").read_text(encoding="utf-8"))
    lacked = [1, 9]  # their places among the turns
    listed = [k for k, t in enumerate(doc["turns"]) if t.get("placed", True) is False]
    # both, and at most one turn said: the one after the replay, which even the whole
    # transcript's alignment puts 5.9 s early (the README's weak spots)
    assert set(lacked) <= set(listed) and set(listed) - set(lacked) <= {7}
    for n in numbers:
        assert f"not found in the audio: line {n} " in printed
    captions = (out / "sample.vtt").read_text(encoding="utf-8")
    assert "coupé au montage" not in captions and "mairie" not in captions
    truth = json.loads((DATA / "sample" / "sample.truth.json").read_text(encoding="utf-8"))
    said = [t for k, t in enumerate(doc["turns"]) if k not in lacked]
    errors = np.abs([t["start"] * 1000 - g["start_ms"] for t, g in zip(said, truth["turns"])])
    assert np.median(errors) <= 100 and np.mean(errors <= 500) >= 0.8  # as the whole transcript's (test_end_to_end)
    (anchor,) = doc["anchors"]
    assert anchor["ok"]

    # without --cut, the alignment gives them the audio of the turns around them
    plain = tmp_path / "plain"
    assert main(["align", str(SAMPLE_AUDIO), str(text), "-o", str(plain)]) == 0
    doc = json.loads((plain / "sample.json").read_text(encoding="utf-8"))
    assert all(doc["turns"][k].get("placed", True) and doc["turns"][k]["end"] - doc["turns"][k]["start"] > 1
               for k in lacked)


def test_hypotheses_are_compared_on_the_turns_both_place():
    """A turn that one alignment leaves out weighs in neither's mean confidence, nor in
    where they differ."""
    from aligner.align.weigh import _mean_confidence, _moved

    def turn(start_ms: int, confidence: float, placed: bool = True) -> TurnTiming:
        return TurnTiming(0, "A", "a", start_ms, start_ms + 1000, confidence, (), placed=placed)

    left_out = (turn(0, 0.8), turn(5000, 0.0, placed=False), turn(9000, 0.6))
    kept = (turn(0, 0.8), turn(2000, 0.7), turn(9000, 0.6))
    assert _mean_confidence(left_out) == _mean_confidence(kept, left_out) == _mean_confidence(left_out, kept)
    assert _mean_confidence(kept) > _mean_confidence(kept, left_out)
    assert _moved(left_out, kept) == []


def test_batch_passes_cut_to_each_episode_and_its_fingerprint(tmp_path, monkeypatch):
    from aligner import pipeline
    from aligner.batch import align_episode, fingerprint, plan
    from aligner.errors import AlignerError

    src = tmp_path / "archive"
    src.mkdir()
    (src / "ep.mp3").write_bytes(SAMPLE_AUDIO.read_bytes())
    (src / "ep.txt").write_text(SAMPLE_TEXT.read_text(encoding="utf-8"), encoding="utf-8")
    (episode,) = plan(str(src))
    asked = []

    def run(audio, transcript, config):
        asked.append(config.cut)
        raise AlignerError("stopped here")

    monkeypatch.setattr(pipeline, "run", run)
    for settings in ({}, {"cut": True}):
        align_episode(episode, str(tmp_path / "out"), settings)
    assert asked == [False, True]
    assert fingerprint(episode, {}) != fingerprint(episode, {"cut": True})


def test_a_speaker_heard_less_surely_pays_more_to_be_left_out():
    """The speaker term costs more on the rows of a speaker the classifier hears less
    surely: their turns' price of being left out is raised by that much (in the cost
    scale), the surest speaker's is not, and a turn that may not be left out stays so."""
    from aligner.align.config import AlignConfig
    from aligner.align.engine import _speaker_priced
    from aligner.align.multilevel import Block, build_rows

    config = AlignConfig(cut=True)
    blocks = [Block(np.zeros((20, 2), np.float32), np.array([0]), labels=np.zeros(20, np.int32)),
              Block(np.zeros((20, 2), np.float32), np.array([0]), labels=np.ones(20, np.int32)),
              Block(np.zeros((20, 2), np.float32), np.array([0]), labels=np.ones(20, np.int32))]
    rows = build_rows(blocks, 1)
    pi = np.arange(len(rows.kinds))  # one frame a row
    pj = pi.copy()
    speakers = np.array([0, 1, 1])
    heard = np.log(np.full((len(pi), 4), 0.5, np.float32))  # two phonemes, then two speakers
    block = np.searchsorted(rows.end_rows, pi)
    heard[:, 2] = np.where(block == 0, np.log(0.9), np.log(0.6))
    heard[:, 3] = np.where(block == 0, np.log(0.1), np.log(0.4))
    prices = np.array([1.5, 1.5, np.inf])
    raised = _speaker_priced(prices, rows, pi, pj, heard, speakers, 2, config)
    assert raised[0] == 1.5 and raised[1] > 1.5 and np.isinf(raised[2])
    assert _speaker_priced(prices, rows, pi, pj, heard, None, 2, config) is prices  # one speaker: as they were


def test_speaker_prices_of_a_path_that_left_every_turn_out_are_as_they_were():
    from aligner.align.config import AlignConfig
    from aligner.align.engine import _speaker_priced
    from aligner.align.multilevel import Block, build_rows

    blocks = [Block(np.zeros((5, 2), np.float32), np.array([0]), labels=np.zeros(5, np.int32))] * 2
    rows = build_rows(blocks, 1)
    gaps = np.flatnonzero(rows.kinds == 1)  # the path runs along GAP rows only, skipping both turns
    pi, pj = gaps, np.zeros(len(gaps), np.int64)
    prices = np.array([1.75, 1.75])
    heard = np.zeros((10, 4), np.float32)
    assert _speaker_priced(prices, rows, pi, pj, heard, np.array([0, 1]), 2, AlignConfig(cut=True)) is prices


def test_the_batch_command_hands_cut_to_the_run_as_a_setting(tmp_path, monkeypatch):
    from aligner import batch

    src = tmp_path / "archive"
    src.mkdir()
    (src / "ep.mp3").write_bytes(SAMPLE_AUDIO.read_bytes())
    (src / "ep.txt").write_text(SAMPLE_TEXT.read_text(encoding="utf-8"), encoding="utf-8")
    given = []
    monkeypatch.setattr(batch, "run_batch", lambda episodes, outdir, **kwargs: given.append(kwargs["settings"]) or [])
    for flags in ([], ["--cut"]):
        assert main(["batch", str(src), "-o", str(tmp_path / "out"), *flags]) == 0
    assert given == [None, {"cut": True}]


def test_a_turn_that_a_timecode_is_written_in_is_never_left_out():
    """``_cut_prices``: the base price for every turn of the sample, but for the turn its
    timecode ("Partie 2 [1:31]") titles: the transcript says where that one is said."""
    from aligner.align.anchors import _pins
    from aligner.align.config import AlignConfig
    from aligner.align.engine import _cut_prices
    from aligner.speak import speak
    from aligner.transcript import read_transcript

    transcript = read_transcript(SAMPLE_TEXT)
    blocks = list(speak(transcript))
    pins = _pins(transcript, blocks, AlignConfig())
    prices = _cut_prices(pins, len(blocks), AlignConfig(cut=True))
    (anchor,) = transcript.anchors
    anchored = min(k for k, b in enumerate(blocks) if b.item > anchor.item)  # the first turn of its section
    assert np.isinf(prices[anchored]) and np.all(np.delete(prices, anchored) == AlignConfig().cut_price)
    assert _cut_prices(pins, len(blocks), AlignConfig()) is None
