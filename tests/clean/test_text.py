"""Plain-text cleaning: chrome goes, every article paragraph stays, offsets point into the input."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from storyline.clean.text import clean_text, is_chrome_line

# A fictional article wrapped in page chrome of many kinds (cookie banner, breadcrumb, byline, image
# credit, share and social buttons, advertisement, related list, newsletter promo, comments, footer).
BODY = [
    "The harbour town of Lindqvist Bay voted on Tuesday to rebuild its wooden pier, ending a debate "
    "that had divided residents for more than a decade and filled three town-hall meetings this spring.",
    "Mayor Orla Penhallow said the new pier would be finished before the autumn ferry season. "
    "\"We listened to everyone, and the fishermen made the strongest case,\" she told reporters.",
    "Opponents had argued that the money, about 4.2 million crowns, should go to the school instead.",
    "- A long-running dispute -",
    "The council chose a design by a local carpentry cooperative over two offers from abroad, citing "
    "lower upkeep costs and the use of timber from the municipal forest north of the town.",
    "Construction is expected to start in June. The old pier will stay open until then, the council said.",
]
CHROME_TOP = [
    "We use cookies to improve your experience. Accept all cookies",
    "Home > Regional > Coast",
    "Menu",
    "Lindqvist Bay votes to rebuild its old wooden pier",
    "By Tamsin Oakridge",
    "08:15",
    "Harbour workers at dusk. Photo: Archive / Example Agency",
    "Share on Facebook",
]
CHROME_MIDDLE = ["Advertisement", "Read more: Ferry timetable changes for the winter"]
CHROME_BOTTOM = [
    "Related articles",
    "New lighthouse keeper appointed",
    "Storm damages coastal road",
    "Sign up for our newsletter and get the Coast Gazette daily in your inbox.",
    "12 Comments",
    "Follow us on Instagram",
    "© 2031 Coast Gazette. All rights reserved.",
]
TITLE = "Lindqvist Bay votes to rebuild its old wooden pier"


def synthetic_page() -> str:
    parts = CHROME_TOP[:3] + [TITLE] + CHROME_TOP[4:] + BODY[:2] + CHROME_MIDDLE[:1] + BODY[2:4]
    parts += CHROME_MIDDLE[1:] + BODY[4:] + CHROME_BOTTOM
    return "\n\n".join(parts) + "\n"


def kept_lines(text: str) -> set[str]:
    return {ln.strip() for ln in text.splitlines() if ln.strip()}


def assert_offsets_exact(source: str, result) -> None:
    """Every character of the clean text that is not an inserted separator comes from the input."""
    for start, in_start, length in result.offsets.segments:
        assert result.text[start:start + length] == source[in_start:in_start + length]
    for i, char in enumerate(result.text):
        if char != "\n":
            assert source[result.offsets.to_input(i)] == char


def test_synthetic_chrome_removed_body_kept():
    source = synthetic_page()
    result = clean_text(source)
    assert result.title == TITLE
    lines = kept_lines(result.text)
    for paragraph in BODY:
        assert paragraph in lines
    for chrome in CHROME_TOP + CHROME_MIDDLE + CHROME_BOTTOM:
        assert chrome not in lines, chrome
    assert TITLE not in lines
    assert result.text.startswith(BODY[0])
    assert result.text.endswith(BODY[-1])
    assert result.outlet == "Coast Gazette"
    assert_offsets_exact(source, result)


def test_other_languages_and_shapes():
    body = [
        "Die Gemeinde Wolkenfeld hat am Montag beschlossen, die alte Brücke über den Mühlbach zu "
        "erneuern, nachdem ein Gutachten schwere Schäden an den Pfeilern festgestellt hatte.",
        "Le conseil municipal de Valbrume a approuvé jeudi un budget de 3 millions d'euros pour la "
        "rénovation de la médiathèque, fermée depuis l'incendie de l'hiver dernier.",
    ]
    chrome = ["Lesen Sie auch", "Teilen", "ABC 1.5% 12.40 $", "XYZ -0.2% 8.1 €", "Taille du texte:",
              "Lire aussi", "3 min read", "J.Doe--XY", "Publicité"]
    source = "\n".join(["Zwei Gemeinden erneuern ihre Bauten"] + chrome[:4] + [body[0], chrome[4], chrome[5],
                                                                              body[1]] + chrome[6:])
    result = clean_text(source)
    assert result.title == "Zwei Gemeinden erneuern ihre Bauten"
    lines = kept_lines(result.text)
    assert set(body) <= lines
    assert not set(chrome) & lines
    assert_offsets_exact(source, result)


def test_site_name_split_from_repeated_title():
    headline = "Night trains return to the northern valley line"
    para = ("After four years without service, overnight trains will again run between the two valley "
            "towns from December, the regional rail operator announced on Friday.")
    source = f"Valley Courier - {headline}\n\n{headline}\n\n{para}\n"
    result = clean_text(source)
    assert result.title == headline
    assert result.outlet == "Valley Courier"
    assert result.text == para
    assert_offsets_exact(source, result)


def test_paragraph_separators_follow_input():
    a = "First sentence of a short note about a fictional orchard and its very old apple trees, now felled."
    b = "Second line of the same paragraph, which explains why the orchard owners decided to replant it."
    c = "A new paragraph after a blank line, describing the varieties chosen for the new orchard rows."
    source = f"Orchard replanted\n{a}\n{b}\n\n{c}"
    result = clean_text(source)
    assert result.text == f"{a}\n{b}\n\n{c}"
    assert_offsets_exact(source, result)


def test_text_without_headline_keeps_first_paragraph():
    para = ("The committee met for two hours on Wednesday and agreed to publish its findings on the "
            "fictional canal project next month, a spokesperson said.")
    result = clean_text(para + "\n\nShare\n")
    assert result.title is None
    assert result.text == para


@pytest.mark.parametrize("source", ["", "\n\n", "Share\nMenu\n07:30\n", "x"])
def test_empty_or_all_chrome(source):
    result = clean_text(source)
    assert result.text == ""
    assert result.offsets.segments == []


@pytest.mark.parametrize("line", [
    "Then the minister posted on Twitter that the talks had failed and would not resume this year.",
    "Residents can share their views at the town hall until Friday, the council said.",
    "- A long-running dispute -",
])
def test_prose_with_ui_words_is_not_chrome(line):
    assert not is_chrome_line(line)


def test_seed_bodies_pass_gold(seeds_dir: Path, tmp_path: Path):
    """The five seeds: bodies, titles and every gold boilerplate line, scored by the seeds' own scorer."""
    out = tmp_path / "seeds.jsonl"
    with out.open("w", encoding="utf-8") as fh:
        for path in sorted(seeds_dir.glob("*.txt")):
            source = path.read_text(encoding="utf-8")
            result = clean_text(source)
            assert_offsets_exact(source, result)
            fh.write(json.dumps({"id": path.stem, "title": result.title, "text": result.text}) + "\n")
    run = subprocess.run([sys.executable, str(seeds_dir / "score_seeds.py"), "bodies", str(out)],
                         capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "seed bodies 5/5, titles 5/5" in run.stdout


def test_photo_caption_with_credit_stays_but_bare_credit_goes():
    from storyline.clean.text import clean_text

    text = ("Lighthouse keepers mark a century on Gull Rock\n\n"
            "The keepers of the Gull Rock light gathered on Saturday to mark one hundred years of service.\n\n"
            "Keeper Anna Tolvik waves from the gallery of the lighthouse on Saturday - Photo: Harbour Images\n\n"
            "Photo: Harbour Images/File\n\n"
            "The light was automated in 1994 but volunteers still open the tower every summer for visitors.\n")
    out = clean_text(text).text
    assert "Keeper Anna Tolvik waves from the gallery" in out
    assert "Photo: Harbour Images/File" not in out.splitlines()


def test_caption_repeating_the_headline_is_chrome():
    from storyline.clean.text import clean_text

    text = ("Ferry strike called off after late-night talks\n\n"
            "Ferry strike called off after late-night talks / Photo: Quay Pictures\n\n"
            "Unions and the operator agreed on a new rota shortly before midnight on Thursday.\n")
    out = clean_text(text)
    assert out.title == "Ferry strike called off after late-night talks"
    assert "Quay Pictures" not in out.text and out.text.startswith("Unions and the operator")


def test_headline_with_an_interface_word_is_still_the_title():
    from storyline.clean.text import clean_text

    text = ("Lifeboat crew brings stranded kayakers home after night on island\n\n"
            "Two kayakers stranded on Puffin Island overnight were brought back to Eastport on Sunday morning "
            "by the volunteer lifeboat crew, who said both were cold but unhurt.\n")
    out = clean_text(text)
    assert out.title == "Lifeboat crew brings stranded kayakers home after night on island"
    assert out.text.startswith("Two kayakers stranded")
