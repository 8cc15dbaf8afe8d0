import pytest

from evidence_tools.errors import UsageError
from evidence_tools.timecode import format_timecode, parse_timecode


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        ("45", 45.0),
        ("45.5", 45.5),
        ("0:45", 45.0),
        ("1:02:03.25", 3723.25),
        (12, 12.0),
        ("10:00", 600.0),
    ],
)
def test_parse(text, seconds):
    assert parse_timecode(text) == pytest.approx(seconds)


@pytest.mark.parametrize("text", ["", "abc", "1:75", "-3", "1:60:00", "1::2", True])
def test_reject(text):
    with pytest.raises(UsageError):
        parse_timecode(text)


def test_format():
    assert format_timecode(44.2) == "0:44.200"
    assert format_timecode(3723.25) == "1:02:03.250"
