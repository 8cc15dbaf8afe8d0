"""The buyer's language: chosen by --lang, EVIDENCE_LANG, [case] language or the system
locale; check, errors and --help said in it; check --json's codes the same in every language;
the dossier and the message in English with statement.LANG.pdf beside them."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import run

from evidence_tools import i18n
from evidence_tools.dossier.build import build_dossier

CYRILLIC = re.compile(r"[\u0400-\u04ff]")
HANGUL = re.compile(r"[\uac00-\ud7a3]")
POPPLER = shutil.which("pdftotext") is not None
TODAY = dt.date(2026, 11, 26)


def pdftext(pdf: Path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True,
                          text=True, check=True).stdout  # fmt: skip


@pytest.mark.parametrize(
    ("given", "expected"),
    [("ru_RU.UTF-8", "ru"), ("pt-br", "pt_BR"), ("pt", "pt_BR"), ("ko_KR", "ko"), ("C", "en"),
     ("fr_CA.utf8@euro", "fr"), ("de_DE.UTF-8", None), ("", None)],
)  # fmt: skip
def test_language_names_as_systems_write_them(given: str, expected: str | None) -> None:
    assert i18n.normalize(given) == expected


def test_the_system_locale_decides_last_and_an_unknown_one_is_english() -> None:
    assert i18n.system_language({"LANGUAGE": "de:ru", "LANG": "en_US.UTF-8"}) == "ru"
    assert i18n.system_language({"LC_ALL": "pl_PL.UTF-8", "LANG": "ru_RU.UTF-8"}) == "pl"
    assert i18n.system_language({"LANG": "de_DE.UTF-8"}) == "en"
    assert i18n.system_language({}) == "en"


def test_an_unknown_language_is_a_usage_error_listing_those_there_are(sample_case, runner):
    result = run(runner, "--lang", "de", "check", str(sample_case))
    assert result.exit_code == 2
    assert "de" in result.stderr and "ru, es, pt_BR, fr, pl, ko" in result.stderr
    text = (sample_case / "case.toml").read_text(encoding="utf-8")
    (sample_case / "case.toml").write_text(
        text.replace('timezone = "Europe/Moscow"', 'timezone = "Europe/Moscow"\nlanguage = "xx"'),
        encoding="utf-8",
    )
    bad = run(runner, "check", str(sample_case))
    assert bad.exit_code == 2 and "case.toml:10" in bad.stderr and "pt_BR" in bad.stderr


def _lines_in(script: re.Pattern[str], output: str) -> list[str]:
    """The lines with words not in the language: every line must have some of its letters."""
    return [ln for ln in output.splitlines() if ln.strip() and not script.search(ln)]


def test_check_in_russian_line_by_line_with_the_same_codes(sample_case, runner) -> None:
    russian = run(runner, "--lang", "ru", "check", str(sample_case))
    assert russian.exit_code == 0, russian.stderr
    assert _lines_in(CYRILLIC, russian.stdout) == []
    assert "ноября 2036" in russian.stdout  # the deadline, as Russian writes a date
    codes = {}
    for lang in ("en", *i18n.LANGUAGES):
        data = json.loads(run(runner, "--lang", lang, "check", str(sample_case), "--json").stdout)
        codes[lang] = [(f["code"], f["subject"]) for f in data["findings"]]
    assert len({json.dumps(v) for v in codes.values()}) == 1


def test_the_system_locale_alone_chooses_russian(sample_case: Path) -> None:
    env = {k: v for k, v in os.environ.items()
           if k not in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "EVIDENCE_LANG")}  # fmt: skip
    env["LANG"] = "ru_RU.UTF-8"
    proc = subprocess.run([sys.executable, "-m", "evidence_tools", "check", str(sample_case)],
                          capture_output=True, text=True, env=env)  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert _lines_in(CYRILLIC, proc.stdout) == []
    helped = subprocess.run([sys.executable, "-m", "evidence_tools", "check", "--help"],
                            capture_output=True, text=True, env=env)  # fmt: skip
    assert "Использование:" in helped.stdout or "Usage:" not in helped.stdout


def test_help_and_a_case_toml_error_in_russian(sample_case, runner) -> None:
    helped = run(runner, "--lang", "ru", "check", "--help")
    assert "Usage:" not in helped.stdout and "Options:" not in helped.stdout
    assert CYRILLIC.search(helped.stdout)
    assert "--platform" in helped.stdout and "--json" in helped.stdout
    top = run(runner, "--lang", "ru", "--help")
    assert _lines_in(CYRILLIC, top.stdout.split("\n\n")[0]) == []  # "Usage: ..." line
    toml = sample_case / "case.toml"
    toml.write_text(toml.read_text(encoding="utf-8").replace(
        'claim = "damaged"', 'claim = "broken"'), encoding="utf-8")  # fmt: skip
    bad = run(runner, "--lang", "ru", "check", str(sample_case))
    assert bad.exit_code == 2 and "case.toml:6" in bad.stderr
    assert CYRILLIC.search(bad.stderr) and "not_received" in bad.stderr


@pytest.mark.skipif(not POPPLER, reason="poppler-utils not installed")
def test_a_russian_case_keeps_the_dossier_english_and_mirrors_it(sample_case: Path) -> None:
    toml = sample_case / "case.toml"
    toml.write_text(toml.read_text(encoding="utf-8").replace(
        'timezone = "Europe/Moscow"', 'timezone = "Europe/Moscow"\nlanguage = "ru"'),
        encoding="utf-8")  # fmt: skip
    result = build_dossier(sample_case, today=TODAY)
    dossier = pdftext(result.pdf)
    assert not CYRILLIC.search(dossier)  # the arbiter's copy is English
    assert not CYRILLIC.search(result.message.read_text(encoding="utf-8"))
    assert result.translation == sample_case / "exports" / "statement.ru.pdf"
    mirror = pdftext(result.translation)
    assert "21 ноября 2026" in mirror  # the delivery date, as Russian writes it
    assert "The parcel was delivered on 21 November 2026" in mirror
    english = [ln for ln in mirror.splitlines() if ln.startswith("The item is cracked")]
    assert english and "(Exhibit 3)" in english[0]
    assert re.search(r"\(приложени[ея] 3\)", mirror, re.IGNORECASE)  # the same exhibit number
    manifest = json.loads((sample_case / "manifest.json").read_text())
    entry = manifest["files"]["exports/statement.ru.pdf"]
    assert entry["parameters"]["language"] == "ru"


@pytest.mark.skipif(not POPPLER, reason="poppler-utils not installed")
def test_korean_prints_in_the_embedded_hangul_font(sample_case: Path) -> None:
    toml = sample_case / "case.toml"
    text = toml.read_text(encoding="utf-8").replace(
        'timezone = "Europe/Moscow"', 'timezone = "Europe/Moscow"\nlanguage = "ko"'
    )
    text = text.replace('caption = "Crack along the left edge & corner"',
                        'caption = "왼쪽 모서리의 균열"')  # fmt: skip
    toml.write_text(text, encoding="utf-8")
    result = build_dossier(sample_case, today=TODAY)
    assert "왼쪽 모서리의 균열" in pdftext(result.pdf)
    assert result.translation is not None and HANGUL.search(pdftext(result.translation))
    fonts = subprocess.run(["pdffonts", str(result.translation)], capture_output=True,
                           text=True, check=True).stdout  # fmt: skip
    assert "NanumGothic" in fonts and " yes " in fonts.split("NanumGothic")[1].splitlines()[0]
    assert not any("empty boxes" in w for w in result.warnings)
