from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import pytest

from evidence_tools.case.loader import load_case, locate_line
from evidence_tools.case.template import render_template, toml_value
from evidence_tools.errors import CaseError, ExitCode, UsageError
from evidence_tools.rules import parse_zone


def write(tmp_path: Path, text: str) -> Path:
    (tmp_path / "case.toml").write_text(text, encoding="utf-8")
    return tmp_path


GOOD = """
[case]
platform = "aliexpress"
claim = "damaged"
resolution = "full_refund"
amount = "12.99 USD"
timezone = "Europe/Moscow"

[order]
number = "8123456789012345"
placed = 2026-10-02
delivered = "2026-11-20"
item = "Case"

[[evidence]]
file = "originals/IMG_1234.MOV"
caption = "Unboxing"
trim = ["0:45", "3:10"]
stamp = true
moments = [{ at = "0:52", note = "Label" }, { at = "2:31.5" }]

[[evidence]]
file = "originals/IMG_2001.HEIC"
defects = ["cracked"]
annotate = [{ box = [0.42, 0.30, 0.20, 0.15], label = "Crack" },
            { arrow = [0.2, 0.8, 0.45, 0.4] },
            { label = [0.1, 0.1, "Note"] },
            { redact = ["10px", "20px", "300px", "40px"] }]
"""


def test_good_case_loads(tmp_path: Path) -> None:
    case = load_case(write(tmp_path, GOOD))
    assert case.platform == "aliexpress"
    assert case.claim == "damaged"
    assert case.order.placed == dt.date(2026, 10, 2)
    assert case.order.delivered == dt.date(2026, 11, 20)
    assert case.evidence[0].trim == (45.0, 190.0)
    assert case.evidence[0].stamp is True
    assert [m.at for m in case.evidence[0].moments] == [52.0, 151.5]
    assert case.evidence[1].annotate[0].label == "Crack"
    assert len(case.evidence[1].annotate) == 4
    assert str(case.zone()) == "Europe/Moscow"


def test_template_loads_and_prefills(tmp_path: Path) -> None:
    text = render_template(platform="ebay", claim="not_received", number="123-456")
    case = load_case(write(tmp_path, text))
    assert (case.platform, case.claim, case.order.number) == ("ebay", "not_received", "123-456")
    assert case.evidence == []


@pytest.mark.parametrize(
    ("needle", "replacement", "line", "fragment"),
    [
        ('claim = "damaged"', 'claim = "broken"', 4, "key 'claim': expected one of"),
        ('claim = "damaged"', 'cliam = "damaged"', 4, "did you mean 'claim'"),
        ("placed = 2026-10-02", 'placed = "02/10/2026"', 11, "key 'placed': expected a date"),
        ('number = "8123456789012345"', "number = 8123456789012345", 10, "in quotes"),
        ('timezone = "Europe/Moscow"', 'timezone = "Mars/Olympus"', 7, "unknown time zone"),
        ('trim = ["0:45", "3:10"]', 'trim = ["3:10", "0:45"]', 18, "end must come after"),
        ('trim = ["0:45", "3:10"]', 'trim = ["0:45", "abc"]', 18, "not a time"),
        ("stamp = true", 'stamp = "yes"', 19, "true or false"),
        ("{ arrow = [0.2, 0.8, 0.45, 0.4] }", "{ arrow = [0.2, 0.8] }", 25, "shape 2 (arrow)"),
        ("{ arrow = [0.2, 0.8, 0.45, 0.4] }", "{ circle = [0.2, 0.8, 1, 1] }", 25, "shape 2"),
        ('caption = "Unboxing"', "caption = Unboxing", 17, "not valid TOML"),
    ],
)
def test_broken_case_names_line_and_key(
    tmp_path: Path, needle: str, replacement: str, line: int, fragment: str
) -> None:
    assert needle in GOOD
    root = write(tmp_path, GOOD.replace(needle, replacement, 1))
    with pytest.raises(CaseError) as info:
        load_case(root)
    err = info.value
    assert err.exit_code == ExitCode.USAGE
    assert fragment in err.one_line()
    assert err.line == line, err.one_line()
    assert err.one_line().startswith(f"{root / 'case.toml'}:{line}: ")


def test_missing_case_file(tmp_path: Path) -> None:
    with pytest.raises(CaseError, match="no case.toml"):
        load_case(tmp_path)


def test_unknown_table(tmp_path: Path) -> None:
    with pytest.raises(CaseError, match=r"did you mean \[order\]"):
        load_case(write(tmp_path, GOOD + "\n[ordr]\nx = 1\n"))


def test_locate_line_in_array_tables() -> None:
    assert locate_line(GOOD, "evidence", "file", 1) == 23
    assert locate_line(GOOD, "evidence", "caption", 0) == 17
    assert locate_line(GOOD, "order", None) == 9


def test_zones() -> None:
    assert parse_zone("+05:45").utcoffset(None) == dt.timedelta(hours=5, minutes=45)
    assert parse_zone("UTC-03:30").utcoffset(None) == -dt.timedelta(hours=3, minutes=30)
    assert parse_zone("UTC").utcoffset(None) == dt.timedelta(0)
    with pytest.raises(UsageError):
        parse_zone("Nowhere/Land")


def test_toml_value_escapes_round_trip(tmp_path: Path) -> None:
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # Python 3.10: the same parser as the loader uses there
        import tomli as tomllib

    tricky = 'AT&T "quote" \\ back\nline <b> Дмитрий \x01'
    parsed = tomllib.loads(f"x = {toml_value(tricky)}\ny = {toml_value([1, 2.5, True])}")
    assert parsed == {"x": tricky, "y": [1, 2.5, True]}


def test_video_redact_boxes(tmp_path: Path) -> None:
    extra = (
        '\n[[evidence]]\nfile = "originals/v.mov"\n'
        'redact = [[0.1, 0.1, 0.2, 0.2], { box = [0.3, 0.3, 0.1, 0.1], from = "0:01", to = "0:02.5" }]\n'
    )
    case = load_case(write(tmp_path, GOOD + extra))
    assert case.evidence[2].redact == [
        (0.1, 0.1, 0.2, 0.2, None, None),
        (0.3, 0.3, 0.1, 0.1, 1.0, 2.5),
    ]
    for bad, message in (
        ("[[0.9, 0.1, 0.2, 0.2]]", "inside the picture"),
        ('[{ box = [0.1, 0.1, 0.1, 0.1], from = "0:05", to = "0:01" }]', "after"),
        ("[[0.1, 0.1]]", r"expected \[X, Y, W, H\]"),
    ):
        root = tmp_path / bad.replace("/", "_")[:20].replace(" ", "")
        root.mkdir(exist_ok=True)
        with pytest.raises(CaseError, match=message):
            load_case(write(root, GOOD + extra.replace(extra.split("redact = ")[1].strip(), bad)))


def test_a_byte_order_mark_is_accepted(tmp_path: Path) -> None:
    """Windows Notepad saves UTF-8 with a BOM; the case reads as it would without one."""
    path = write(tmp_path, GOOD) / "case.toml"
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    assert load_case(tmp_path).platform == "aliexpress"


@pytest.mark.parametrize(
    ("line", "words", "hint"),
    [
        ("placed = 2019-02-30", "2019-02-30 is not a date", "YYYY-MM-DD"),
        ("item = Mug", "not valid TOML", "text needs quotes"),
        ("item = [1, ", "not valid TOML", ""),
    ],
)
def test_toml_errors_say_the_real_problem(tmp_path: Path, line: str, words: str, hint: str) -> None:
    text = GOOD.replace("[order]\n", f"[order]\n{line}\n", 1)
    write(tmp_path, text)
    with pytest.raises(CaseError) as info:
        load_case(tmp_path)
    assert words in info.value.message and info.value.line is not None
    assert (hint in info.value.hint) if hint else "quotes" not in info.value.hint
