"""The review page in a real headless Chromium (Debian's chromium and chromium-driver,
installed by .ci/run): it loads without console errors, has the captions track and the
chapters, a click on a turn seeks the audio, and a hostile speaker name stays text."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import pytest

from aligner.cli import main

from conftest import ROOT

CHROMIUM = shutil.which("chromium")
DRIVER = shutil.which("chromedriver")
pytestmark = pytest.mark.skipif(not (CHROMIUM and DRIVER), reason="needs Debian's chromium and chromium-driver")


@pytest.fixture
def browser():
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--allow-file-access-from-files", "--autoplay-policy=no-user-gesture-required"):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(executable_path=DRIVER), options=options)
    yield driver
    driver.quit()


@pytest.fixture
def page(tmp_path) -> Path:
    text = (ROOT / "transcripts" / "sample.txt").read_text(encoding="utf-8")
    hostile = "<script>alert(1)</script>"
    text = text.replace("Claire Dubois", hostile)
    transcript = tmp_path / "sample.txt"
    transcript.write_text(text, encoding="utf-8")
    audio = tmp_path / "sample.mp3"
    shutil.copy(ROOT / "audio" / "sample.mp3", audio)
    assert main(["align", str(audio), str(transcript), "-o", str(tmp_path / "out")]) == 0
    return tmp_path / "out" / "sample.html"


def test_review_page(browser, page):
    browser.get(page.as_uri())
    assert browser.execute_script("return document.querySelectorAll('audio track[kind=captions]').length") == 1
    assert browser.execute_script("return document.getElementById('audio').textTracks.length") == 1
    assert browser.execute_script("return document.querySelectorAll('.chapters li').length") >= 3
    # the hostile speaker name is shown as text, and nothing ran it
    names = browser.execute_script("return [...document.querySelectorAll('.who')].map(e => e.textContent)")
    assert "<script>alert(1)</script>" in names
    assert browser.execute_script("return document.querySelectorAll('#transcript script').length") == 0
    # a click on the fourth turn seeks the audio to its start
    deadline = time.time() + 20
    while browser.execute_script("return document.getElementById('audio').readyState") < 1 and time.time() < deadline:
        time.sleep(0.2)
    turn = browser.find_elements("css selector", ".turn")[3]
    start = float(turn.get_attribute("data-start"))
    turn.click()
    assert abs(browser.execute_script("return document.getElementById('audio').currentTime") - start) < 0.05
    errors = [e for e in browser.get_log("browser") if e["level"] == "SEVERE"]
    assert errors == []
