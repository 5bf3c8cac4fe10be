"""Radio-like episodes with exact ground truth, assembled from real recordings.

An episode has a wiki transcript in the format of the reference show (header, speaker turns,
[Jingle], [Virgule sonore], music breaks, a replayed segment named only by its URL, section
titles with timecode anchors), and audio with pauses, music beds under some turns,
background noise, encoded as 44.1 kHz stereo MP3. Deterministic from the seed.
"""

from __future__ import annotations

import json
import random
import re
import subprocess
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np

from corpus import RATE, VERSION, Clip, Corpus, _ffmpeg, speech_bounds

SPEAKERS = {"june": ("Claire Dubois", "Sophie Laurent"), "armelle": ("Armelle Martin",)}
ANCHOR_STYLES = ("{m}' {s:02d}", "{m}‘ {s:02d}", "{m}’{s:02d}", "[{m} min {s:02d}]", "[{m}:{s:02d}]")


# the corpus version, and this builder's: episodes built otherwise are built again
# (builder 2: each utterance's end is in the truth)
BUILD = (VERSION, 2)


@dataclass(frozen=True)
class Mix:
    """How an episode is mixed. The bench's usual choices (``MIXES[""]``) and others that a
    show may make, to see what the aligner assumes: the voices are at -20 dBFS."""

    bed_db: float = -36.0  # music beds under turns, dBFS
    hiss_db: float = -52.0  # background hiss, dBFS
    pause_scale: float = 1.0  # pauses between utterances, turns and non-speech
    loose_voice_db: float = 0.0  # the loosely transcribed voice, next to the other one
    music_db: float = 0.0  # music breaks and jingles, next to their usual -20 and -22 dBFS
    gate_pauses: bool = False  # the hiss cut wherever nothing sounds: pauses of digital silence
    # an ffmpeg filter on the whole mix when it is encoded (``write``), as a station's processing
    processing: str = ""
    # music breaks that are songs: a voice not in the transcript (English read speech, lines
    # 0.3-1.2 s apart) over the music from 2-5 s in to 2-5 s before its end, this many dB
    # over the music (None: instrumental breaks)
    sung_db: float | None = None
    # the jingles and stings between turns with such a voice over them too, from 0.5-1 s in
    # to as long before their end (a station's ident; the opening jingle stays as it is)
    voiced_jingles: bool = False
    # the show's voices sped up this much, their pitch kept (ffmpeg's atempo): the prompts are
    # read slowly, eSpeak's speech lasts 0.7 of June's, and radio talk is quicker than both
    tempo: float = 1.0
    # at this share of the changes of speaker from one turn to the next, the next voice starts
    # before the last one has ended (by ``overlap_ms``), as talk overlaps on air; a speaker's
    # own next turn (after a title, say) does not overlap their last
    overlap_share: float = 0.0
    overlap_ms: tuple[int, int] = (150, 450)


MIXES = {
    "": Mix(),
    "bed": Mix(bed_db=-27.0),  # beds 7 dB under the voice (a show's opening, say)
    "noisy": Mix(hiss_db=-42.0),  # 22 dB of signal to hiss: a field or phone recording
    "tight": Mix(pause_scale=1 / 3),  # quick turn-taking
    "uneven": Mix(loose_voice_db=-8.0, music_db=4.0),  # a quiet guest, loud music
    "gated": Mix(gate_pauses=True),  # a noise gate, or silences cut and padded with zeros
    # a broadcast compressor: ratio 8 over -34 dBFS, 16 dB of make-up gain (speech spreads
    # over 6-7 dB a second instead of 11, the hiss of the pauses 15 dB louder)
    "compressed": Mix(processing="acompressor=threshold=0.02:ratio=8:attack=5:release=80:makeup=6"),
    "sung": Mix(sung_db=0.0),  # songs in the music breaks, their voice as loud as the music
    "voiced": Mix(sung_db=0.0, voiced_jingles=True),  # songs, and jingles with a voice over them
    "fast": Mix(tempo=1.5),  # talk a half quicker than the prompts: a little quicker than eSpeak's
    "overlap": Mix(overlap_share=0.5),  # half the changes of speaker overlapped by 0.15 to 0.45 s
}


@dataclass
class _Track:
    """The episode while it is being built: audio, transcript lines and truth."""

    rng: random.Random
    mix: Mix = Mix()
    audio: list[np.ndarray] = field(default_factory=list)
    bed: list[tuple[int, int]] = field(default_factory=list)
    pos: int = 0
    lines: list[str] = field(default_factory=list)
    turns: list[dict] = field(default_factory=list)
    regions: list[dict] = field(default_factory=list)
    anchors: list[dict] = field(default_factory=list)
    speech_end: int = 0  # where the last turn's speech ended
    overlap: int = 0  # samples of it that the next turn's speech overlaps (0: none)
    # the overlaps' own draws: the episode is otherwise the one that the usual mix gives
    overlaps: random.Random = field(default_factory=lambda: random.Random(0))

    def add(self, x: np.ndarray) -> int:
        start = self.pos
        self.audio.append(x.astype(np.float32))
        self.pos += len(x)
        return start

    def add_over(self, x: np.ndarray, start: int) -> int:
        """``x`` from sample ``start``, at or before the end so far: summed into what is
        there, the rest added after it."""
        end, k = self.pos, len(self.audio) - 1
        while end > start and k >= 0:  # back through the pieces that ``x`` overlaps
            piece = self.audio[k]
            first = end - len(piece)
            lo, hi = max(first, start), min(end, start + len(x))
            if hi > lo:
                piece[lo - first:hi - first] += x[lo - start:hi - start]
            end, k = first, k - 1
        if start + len(x) > self.pos:
            self.add(x[self.pos - start:])
        return start

    def silence(self, lo_ms: int, hi_ms: int) -> None:
        self.overlap = 0  # a pause comes first: no overlap
        scale = self.mix.pause_scale
        lo, hi = max(min(lo_ms, 60), round(lo_ms * scale)), max(min(hi_ms, 80), round(hi_ms * scale))
        self.add(np.zeros(self.rng.randint(lo, hi) * RATE // 1000, np.float32))


def _level(x: np.ndarray, dbfs: float) -> np.ndarray:
    rms = float(np.sqrt(np.mean(x.astype(np.float64) ** 2))) or 1.0
    return x * (10 ** (dbfs / 20) / rms)


def _ms(samples: int) -> int:
    return samples * 1000 // RATE


class _Pool:
    """Clips of one kind drawn without replacement, reshuffled when used up."""

    def __init__(self, clips, rng):
        self.clips, self.rng, self.left = list(clips), rng, []

    def draw(self) -> Clip:
        if not self.left:
            self.left = self.clips[:]
            self.rng.shuffle(self.left)
        return self.left.pop()


def _music(track: _Track, corpus: Corpus, seconds: float, dbfs: float) -> np.ndarray:
    clip = track.rng.choice(corpus.music)
    n = int(seconds * RATE)
    source = np.tile(clip.samples, -(-n // len(clip.samples)) + 1)
    start = track.rng.randint(0, max(0, len(clip.samples) - 1))
    x = source[start:start + n].copy()
    fade = min(len(x) // 4, RATE // 2)
    ramp = np.linspace(0, 1, fade, dtype=np.float32)
    x = _level(x, dbfs + track.mix.music_db)
    x[:fade] *= ramp
    x[len(x) - fade:] *= ramp[::-1]
    return x


def _turn(track: _Track, pools: dict, voice: str, speaker: str, *, anchor: bool, bed: bool, approx: bool) -> None:
    rng = track.rng
    clips = [pools[voice].draw() for _ in range(rng.randint(1, 6))]
    texts, onsets, ends, start_pos = [], [], [], track.pos
    for i, clip in enumerate(clips):
        clip = _paced(clip, track.mix.tempo)
        if i:
            track.silence(150, 700)
        x = _level(clip.samples, -20.0 + (track.mix.loose_voice_db if approx else 0.0))
        if i == 0 and track.overlap:  # the voice comes in before the last turn's has ended
            at = track.add_over(x, max(0, track.speech_end - track.overlap - clip.onset))
            start_pos = at
        else:
            at = track.add(x)
        onsets.append(at + clip.onset)
        end = at + clip.offset
        ends.append(end)
        texts.append(clip.text)
    if anchor and len(clips) > 1:
        j = rng.randint(1, len(clips) - 1)
        written = _write_anchor(rng, _ms(onsets[j]))
        track.anchors.append({"written": written, "true_ms": _ms(onsets[j]), "line": len(track.lines) + 1})
        texts[j] = written + " " + texts[j]
    if bed:
        track.bed.append((start_pos, track.pos))
    track.lines += [f"{speaker}\u00a0: " + " ".join(texts), ""]
    track.turns.append({"speaker": speaker, "voice": voice, "start_ms": _ms(onsets[0]), "end_ms": _ms(end),
                        "approximate_text": approx, "utterance_starts_ms": [_ms(o) for o in onsets],
                        "utterance_ends_ms": [_ms(e) for e in ends]})
    track.speech_end = end


_PACED: dict[tuple[str, str, float], Clip] = {}


def _paced(clip: Clip, tempo: float) -> Clip:
    """``clip`` sped up ``tempo`` times, its pitch kept, its speech bounds measured again."""
    if tempo == 1.0:
        return clip
    key = (clip.voice, clip.name, tempo)
    if key not in _PACED:
        cmd = [_ffmpeg(), "-v", "error", "-nostdin", "-f", "f32le", "-ar", str(RATE), "-ac", "1", "-i", "-",
               "-af", f"atempo={tempo}", "-f", "f32le", "-"]
        out = subprocess.run(cmd, input=clip.samples.astype(np.float32).tobytes(), check=True, capture_output=True)
        x = np.frombuffer(out.stdout, np.float32).copy()
        on, off = speech_bounds(x)
        _PACED[key] = replace(clip, samples=x, onset=on, offset=off)
    return _PACED[key]


def _write_anchor(rng: random.Random, ms: int) -> str:
    m, s = divmod(ms // 1000, 60)
    return rng.choice(ANCHOR_STYLES).format(m=m, s=s)


def _nonspeech(track: _Track, x: np.ndarray, kind: str, line: str) -> None:
    track.silence(200, 600)
    start = track.add(x)
    track.regions.append({"kind": kind, "start_ms": _ms(start), "end_ms": _ms(track.pos)})
    track.silence(200, 600)
    track.lines += [line, ""]


def _sing(track: _Track, corpus: Corpus, song: np.ndarray, dbfs: float, lead: tuple[float, float] = (2, 5)) -> None:
    """Lay a voice over ``song`` (in place) from ``lead`` (2-5) s in to as long before its
    end: English read speech, lines 0.3-1.2 s apart, a voice and words the transcript does
    not have."""
    rng = track.rng
    at, stop = int(rng.uniform(*lead) * RATE), len(song) - int(rng.uniform(*lead) * RATE)
    while at < stop:
        line = _level(rng.choice(corpus.english).samples, dbfs)[: stop - at]
        song[at:at + len(line)] += line
        at += len(line) + int(rng.uniform(0.3, 1.2) * RATE)


def _replay(track: _Track, corpus: Corpus, pools: dict, seconds: float) -> None:
    rng = track.rng
    parts, total = [], 0
    while total < seconds * RATE:
        clip = rng.choice(corpus.english) if rng.random() < 0.4 else pools["june"].draw()
        parts += [_level(clip.samples, -21.0), np.zeros(rng.randint(200, 600) * RATE // 1000, np.float32)]
        total += len(parts[-2]) + len(parts[-1])
    url = f"https://radio.example.org/chroniques/{rng.randint(1000, 9999)}#rediffusion"
    _nonspeech(track, np.concatenate(parts), "replay", url)


def approximate_clips(corpus: Corpus, *, low: float = 0.8, high: float = 1.8) -> list[Clip]:
    """Armelle's prompts whose speech lasts ``low`` to ``high`` times June's for the same
    prompt: the same message in her own words, so June's text is an approximate transcript
    (others are different messages under the same name)."""
    june = {c.name: c for c in corpus.june}
    out = []
    for c in corpus.armelle:
        j = june.get(c.name)
        if j and low <= (c.offset - c.onset) / max(1, j.offset - j.onset) <= high:
            out.append(c)
    return out


def build(
    corpus: Corpus, *, minutes: float, seed: int, corrupt_anchor: bool = False, approximate_share: float = 0.25,
    replay: bool = True, beds: float = 0.15, mix: str = "",
) -> tuple[np.ndarray, str, dict]:
    """Audio (16 kHz float32), transcript text and ground truth of one episode, mixed as
    ``MIXES[mix]`` says."""
    rng = random.Random(seed)
    track = _Track(rng, MIXES[mix], overlaps=random.Random(seed + 1_000_003))
    pools = {"june": _Pool(corpus.june, rng), "armelle": _Pool(approximate_clips(corpus), rng)}
    target = int(minutes * 60 * RATE)
    next_break, next_jingle, replay_at = target // 3, target // 6, target // 2
    _nonspeech(track, _music(track, corpus, rng.uniform(4, 8), -22.0), "jingle", "[Jingle]")
    track.lines += ["Ouverture", ""]
    part = 1
    dropped_pause = np.zeros(0, np.float32)  # the pause an overlap drew and took out, put back if the speaker stays
    while track.pos < target:
        if track.pos >= next_break and target - track.pos > 60 * RATE:
            secs = rng.uniform(60, 150) if minutes >= 10 else rng.uniform(15, 30)
            song = _music(track, corpus, secs, -20.0)
            if track.mix.sung_db is not None:
                _sing(track, corpus, song, -20.0 + track.mix.music_db + track.mix.sung_db)
            _nonspeech(track, song, "music", "Pause musicale : Un morceau par Un groupe.")
            next_break += target // 3
            part += 1
            # the title's anchor: the start of the next turn, written to the second
            track.lines += [f"Partie {part} __ANCHOR__", ""]
        elif replay and replay_at and track.pos >= replay_at:
            _replay(track, corpus, pools, rng.uniform(40, 100) if minutes >= 10 else rng.uniform(10, 20))
            replay_at = 0
        elif track.pos >= next_jingle:
            kind = rng.choice(["[Jingle]", "[Virgule sonore]", "[Virgule musicale]"])
            jingle = _music(track, corpus, rng.uniform(3, 10), -22.0)
            if track.mix.voiced_jingles:
                _sing(track, corpus, jingle, -22.0 + track.mix.music_db + track.mix.sung_db, lead=(0.5, 1.0))
            _nonspeech(track, jingle, "jingle", kind)
            next_jingle += target // 6
        voice = "armelle" if rng.random() < approximate_share else "june"
        speaker = rng.choice(SPEAKERS[voice])
        if track.overlap and track.turns[-1]["speaker"] == speaker:  # one speaker does not talk over themselves
            track.overlap = 0
            track.add(dropped_pause)
        titled = len(track.lines) > 1 and "__ANCHOR__" in track.lines[-2]
        if titled:
            track.silence(300, 800)
        _turn(track, pools, voice, speaker, anchor=rng.random() < 0.08, bed=rng.random() < beds, approx=voice == "armelle")
        if titled:
            i = len(track.lines) - 4  # the title line, before the turn's two lines
            written = _write_anchor(rng, track.turns[-1]["start_ms"])
            track.lines[i] = track.lines[i].replace("__ANCHOR__", written)
            track.anchors.append({"written": written, "line": i + 1, "true_ms": track.turns[-1]["start_ms"]})
        track.silence(250, 1200)
        if track.overlaps.random() < track.mix.overlap_share:  # (the pause drawn all the same)
            dropped_pause = track.audio.pop()
            track.pos -= len(dropped_pause)
            track.overlap = track.overlaps.randint(*track.mix.overlap_ms) * RATE // 1000
    audio = _mix(track, corpus, rng)
    for a in track.anchors:
        a["written_ms"] = _parse_written(a["written"])
        a["corrupted"] = False
    if corrupt_anchor:
        _corrupt_one(track, rng, _ms(len(audio)))
    header = _header(minutes, len(audio))
    offset = len(header)
    for a in track.anchors:
        a["line"] += offset
    beds = [{"kind": "bed", "start_ms": _ms(a), "end_ms": _ms(b)} for a, b in track.bed]
    truth = {"duration_ms": _ms(len(audio)), "turns": track.turns, "regions": track.regions + beds, "anchors": track.anchors,
             "seed": seed, "minutes": minutes, "build": list(BUILD), **({"mix": mix} if mix else {})}
    return audio, "\n".join(header + track.lines) + "\n", truth


def _corrupt_one(track: _Track, rng: random.Random, duration_ms: int) -> None:
    """Shift one anchor by 15-60 s, keeping the anchors in order and inside the recording
    (out of order or past the end is an error of its own, which the aligner refuses: seed
    21's 5-minute episode first drew one past its end; episodes built before are the same)."""
    ordered = sorted(track.anchors, key=lambda a: a["line"])
    choices = [(i, sign * secs) for i in range(len(ordered)) for sign in (-1, 1) for secs in range(15, 61, 5)]
    rng.shuffle(choices)
    for i, shift in choices:
        new_ms = ordered[i]["written_ms"] + shift * 1000
        before = ordered[i - 1]["written_ms"] if i else 0
        after = ordered[i + 1]["written_ms"] if i + 1 < len(ordered) else duration_ms - 1000
        if before <= new_ms <= after:
            a = ordered[i]
            new = _write_anchor(rng, new_ms)
            track.lines[a["line"] - 1] = track.lines[a["line"] - 1].replace(a["written"], new, 1)
            a.update(written=new, written_ms=new_ms, corrupted=True)
            return


def _parse_written(written: str) -> int:
    import re

    m, s = (int(g) for g in re.findall(r"\d+", written)[:2])
    return (m * 60 + s) * 1000


def _header(minutes: float, n: int) -> list[str]:
    names = " - ".join(n for v in SPEAKERS.values() for n in v)
    dur = n // RATE // 60
    return [f"Émission test {minutes:g} minutes", "", f"Titre : Émission test de {minutes:g} minutes", "",
            f"Intervenant·e·s : {names}", "", "Lieu : Studio de test", "", "Date : 2 juillet 2024", "",
            f"Durée : {dur} min", "", "Transcription", ""]


def _mix(track: _Track, corpus: Corpus, rng: random.Random) -> np.ndarray:
    audio = np.concatenate(track.audio)
    for start, end in track.bed:
        audio[start:end] += _music(track, corpus, (end - start) / RATE + 0.01, track.mix.bed_db - track.mix.music_db)[: end - start]
    noise = np.random.default_rng(rng.randint(0, 2**31)).normal(0, 1, len(audio)).astype(np.float32)
    noise = np.convolve(noise, np.ones(8, np.float32) / 8, mode="same")  # a darker hiss
    noise = _level(noise, track.mix.hiss_db)
    if track.mix.gate_pauses:  # open 20 ms either side of any sound, as a noise gate holds
        sounding = np.convolve(audio != 0, np.ones(RATE // 25, np.float32), mode="same") > 0
        noise *= sounding
    audio += noise
    return np.clip(audio, -1.0, 1.0)


def cut(transcript: str, truth: dict, share: float) -> tuple[str, dict]:
    """The transcript of only the first ``share`` of the turns (the audio stays whole), and
    its truth: a transcript that stops before the recording does, like the reference show's."""
    lines = transcript.splitlines()
    turn_lines = [i for i, line in enumerate(lines) if "\u00a0: " in line]
    keep = max(1, int(len(turn_lines) * share))
    stop = turn_lines[keep - 1] + 1  # right after the last kept turn
    out = dict(truth, turns=truth["turns"][:keep], anchors=[a for a in truth["anchors"] if a["line"] <= stop],
               covered_turns=keep)
    return "\n".join(lines[:stop]) + "\n", out


def _clock_anchor(ms: int) -> tuple[str, int]:
    """A timecode for ``ms`` as ``[m:ss]`` (whole seconds, rounded down) and its time."""
    m, s = divmod(ms // 1000, 60)
    return f"[{m}:{s:02d}]", (m * 60 + s) * 1000


def late(transcript: str, truth: dict, share: float) -> tuple[str, dict]:
    """The transcript of the turns after the first ``share`` of them (the audio stays
    whole), with a timecode written at its first turn, and its truth: a transcript of a
    later part of the show, the way a segment's page is. The cut moves on until no sentence
    of the next three turns was said before it (the bench reuses prompts: such a sentence
    would be heard earlier too)."""
    lines = transcript.splitlines()
    head = lines.index("Transcription") + 1
    turn_lines = [i for i, line in enumerate(lines) if "\u00a0: " in line]
    said = lambda i: lines[i].split("\u00a0: ", 1)[1]
    drop = min(max(1, int(len(turn_lines) * share)), len(turn_lines) - 1)
    while drop < len(turn_lines) - 3:
        before = " ".join(said(i) for i in turn_lines[:drop])
        sentences = [s.strip() for i in turn_lines[drop:drop + 3] for s in re.split(r"[.?!]", said(i)) if len(s.strip()) > 12]
        if not any(s in before for s in sentences):
            break
        drop += 1
    first = turn_lines[drop]
    removed = first - head - 1  # lines gone before the first kept turn (a blank line stays after the head)
    start_ms = truth["turns"][drop]["start_ms"]
    written, written_ms = _clock_anchor(start_ms)
    speaker, text = lines[first].split("\u00a0: ", 1)
    out = lines[:head] + [""] + [f"{speaker}\u00a0: {written} {text}"] + lines[first + 1:]
    anchors = [{"written": written, "line": head + 2, "true_ms": start_ms, "written_ms": written_ms, "corrupted": False}]
    anchors += [dict(a, line=a["line"] - removed) for a in truth["anchors"] if a["line"] > first]
    return "\n".join(out) + "\n", dict(truth, turns=truth["turns"][drop:], anchors=anchors,
                                        covered_turns=len(turn_lines) - drop)


RIGHT_WITHIN_MS = 5_000  # a timecode this close to its time is right: the aligner's tolerance


def offset(transcript: str, truth: dict, seconds: int) -> tuple[str, dict]:
    """The transcript with every timecode ``seconds`` later (written as ``[m:ss]``), and
    its truth, where each is shifted: timecodes written for another cut of the show (a
    broadcast whose podcast starts earlier or later), which should all be reported off;
    but one that this brings within ``RIGHT_WITHIN_MS`` of its time (shifted by as much
    the other way) is right."""
    lines = transcript.splitlines()
    anchors = []
    for a in truth["anchors"]:
        written_ms = a["written_ms"] + seconds * 1000
        if written_ms < 0:
            raise ValueError(f"timecode {a['written']} would be written before the start")
        written, written_ms = _clock_anchor(written_ms)
        lines[a["line"] - 1] = lines[a["line"] - 1].replace(a["written"], written, 1)
        anchors.append(dict(a, written=written, written_ms=written_ms,
                            corrupted=abs(written_ms - a["true_ms"]) > RIGHT_WITHIN_MS))
    return "\n".join(lines) + "\n", dict(truth, anchors=anchors)


def unanchored(transcript: str, truth: dict) -> tuple[str, dict]:
    """The transcript with every timecode anchor taken out of its line, and its truth (no
    anchors): alignment with nothing but the audio and the text."""
    lines = transcript.splitlines()
    for a in truth["anchors"]:
        line = lines[a["line"] - 1]
        lines[a["line"] - 1] = re.sub(" {2,}", " ", line.replace(a["written"], "", 1)).rstrip()
    return "\n".join(lines) + "\n", dict(truth, anchors=[])


_DIRECTION_LINE = re.compile(r"^(?:\[[^\[\]\d]+\]|Pause musicale\b.*|https?://\S+)$")


def undirected(transcript: str, truth: dict) -> tuple[str, dict]:
    """The transcript without its stage directions (jingles, music breaks, the replayed
    segment's URL), and its truth: a transcript that says nothing of the recording's
    non-speech, as a transcription service's export does."""
    lines = transcript.splitlines()
    kept = [i for i, line in enumerate(lines) if not _DIRECTION_LINE.match(line)]
    new_line = {old + 1: new + 1 for new, old in enumerate(kept)}
    anchors = [dict(a, line=new_line[a["line"]]) for a in truth["anchors"]]
    return "\n".join(lines[i] for i in kept) + "\n", dict(truth, anchors=anchors)


# Talk that no recording of the corpus holds (written for the bench): the text of turns
# cut from the recording but not from its transcript
UNSAID = (
    "Nous avions aussi parlé des logiciels libres dans les collectivités territoriales.",
    "Ce passage a été coupé au montage pour tenir dans la durée du podcast.",
    "La mairie a voté un budget de 120 000 euros pour renouveler ses postes de travail.",
    "Je rappelle que l'émission est diffusée chaque mardi de 15 h 30 à 17 h.",
    "Les associations du quartier organisent des ateliers d'installation le samedi matin.",
    "On en reparlera dans une prochaine émission, avec les développeurs du projet.",
    "Il faut saluer le travail des bénévoles qui traduisent la documentation.",
    "Vous retrouverez toutes les références sur le site de la radio.",
)


def unsaid(transcript: str, truth: dict, count: int, seed: int = 0) -> tuple[str, dict]:
    """The transcript with ``count`` turns more, two sentences of ``UNSAID`` each, that the
    recording does not hold (each said by the speaker of the turn before it, put before a
    turn drawn at random but the first), and its truth, which lists them by their number
    among the turns (``unsaid_turns``): a passage cut from the recording (the podcast's edit
    of a broadcast) and left in its transcript. None of them may be given any audio."""
    rng = random.Random(seed)
    lines = transcript.splitlines()
    turn_lines = [i for i, line in enumerate(lines) if "\u00a0: " in line]
    if not 0 < count < len(turn_lines):
        raise ValueError(f"{count} unsaid turns for {len(turn_lines)} turns")
    before = sorted(rng.sample(range(1, len(turn_lines)), count))
    anchors = [dict(a) for a in truth["anchors"]]
    for k in reversed(before):  # from the end: the earlier line numbers stay right
        at = turn_lines[k]
        speaker = lines[turn_lines[k - 1]].split("\u00a0: ", 1)[0]
        lines[at:at] = [f"{speaker}\u00a0: {' '.join(rng.sample(UNSAID, 2))}", ""]
        for a in anchors:
            if a["line"] > at:
                a["line"] += 2
    return "\n".join(lines) + "\n", dict(truth, anchors=anchors, unsaid_turns=[k + j for j, k in enumerate(before)])


def write(audio: np.ndarray, transcript: str, truth: dict, folder: Path, name: str) -> Path:
    """``name.mp3`` (44.1 kHz stereo), ``name.txt`` and ``name.truth.json`` in ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    mp3 = folder / f"{name}.mp3"
    processing = MIXES[truth.get("mix", "")].processing
    cmd = [_ffmpeg(), "-v", "error", "-y", "-f", "f32le", "-ar", str(RATE), "-ac", "1", "-i", "-",
           *(["-af", processing] if processing else []),
           "-ar", "44100", "-ac", "2", "-c:a", "libmp3lame", "-b:a", "128k", str(mp3)]
    subprocess.run(cmd, input=audio.astype(np.float32).tobytes(), check=True, capture_output=True)
    (folder / f"{name}.txt").write_text(transcript, encoding="utf-8")
    (folder / f"{name}.truth.json").write_text(json.dumps(truth, ensure_ascii=False, indent=1), encoding="utf-8")
    return mp3
