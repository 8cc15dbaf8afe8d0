"""Capture times a photo carries outside EXIF: XMP (editors, many PNG screenshots, some apps),
IPTC (news and photo-library tools), and PNG text chunks; and whether a file is cut off.

Each time keeps the label of its source ("XMP photoshop:DateCreated"), so the dossier can say
where it came from. The order in which they are tried follows ExifTool's composite
DateTimeOriginal: EXIF first, then XMP exif:DateTimeOriginal, XMP photoshop:DateCreated and
IPTC DateCreated+TimeCreated; CreateDate and ModifyDate come after those.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any, NamedTuple
from xml.etree import ElementTree

from evidence_tools.rules import parse_iso_datetime, parse_offset

_NS_EXIF = "http://ns.adobe.com/exif/1.0/"
_NS_PHOTOSHOP = "http://ns.adobe.com/photoshop/1.0/"
_NS_XMP = "http://ns.adobe.com/xap/1.0/"
# (namespace, name) -> label; in the order they are tried within their rank
XMP_TIMES = {
    (_NS_EXIF, "DateTimeOriginal"): "XMP exif:DateTimeOriginal",
    (_NS_PHOTOSHOP, "DateCreated"): "XMP photoshop:DateCreated",
    (_NS_XMP, "CreateDate"): "XMP xmp:CreateDate",
    (_NS_XMP, "ModifyDate"): "XMP xmp:ModifyDate",
}
_USER_COMMENT = (_NS_EXIF, "UserComment")


class FoundTime(NamedTuple):
    label: str
    when: dt.datetime  # aware when the source gave an offset


def _xmp_packet(info: dict[str, Any]) -> bytes:
    raw = info.get("xmp") or info.get("XML:com.adobe.xmp") or b""
    return raw.encode("utf-8") if isinstance(raw, str) else bytes(raw)


def xmp_values(info: dict[str, Any]) -> dict[tuple[str, str], str]:
    """The XMP properties this reader uses, whether written as attributes or as elements;
    an unreadable packet gives none (it is not worth refusing the photo for)."""
    packet = _xmp_packet(info)
    start, end = packet.find(b"<x:xmpmeta"), packet.rfind(b"</x:xmpmeta>")
    if start < 0 or end < 0:
        return {}
    try:
        root = ElementTree.fromstring(packet[start : end + len(b"</x:xmpmeta>")])
    except ElementTree.ParseError:
        return {}
    wanted = set(XMP_TIMES) | {_USER_COMMENT}
    found: dict[tuple[str, str], str] = {}
    for element in root.iter():
        for key, value in element.attrib.items():
            name = _split(key)
            if name in wanted:
                found.setdefault(name, value)
        name = _split(element.tag)
        if name in wanted:
            text = "".join(element.itertext()).strip()
            if text:
                found.setdefault(name, text)
    return found


def _split(tag: str) -> tuple[str, str]:
    if tag.startswith("{"):
        ns, _, local = tag[1:].partition("}")
        return ns, local
    return "", tag


def _iso(text: str) -> dt.datetime | None:
    """ISO 8601, or the EXIF spelling (2009:06:16 14:57:56) some writers put in XMP."""
    text = text.strip()
    if re.match(r"\d{4}:\d{2}:\d{2}", text):
        text = text.replace(":", "-", 2)
    return parse_iso_datetime(text)


def xmp_times(values: dict[tuple[str, str], str]) -> list[FoundTime]:
    out = []
    for key, label in XMP_TIMES.items():
        when = _iso(values.get(key, ""))
        if when is not None:
            out.append(FoundTime(label, when))
    return out


def iptc_time(image: Any) -> FoundTime | None:
    """IPTC DateCreated (2:55, CCYYMMDD) with TimeCreated (2:60, HHMMSS±HHMM)."""
    from PIL import IptcImagePlugin

    try:
        iptc = IptcImagePlugin.getiptcinfo(image) or {}
    except (OSError, SyntaxError, ValueError, IndexError, KeyError):
        return None
    day, time = _text(iptc.get((2, 55))), _text(iptc.get((2, 60)))
    if not re.fullmatch(r"\d{8}", day):
        return None
    match = re.fullmatch(r"(\d{2})(\d{2})(\d{2})([+-]\d{4})?", time)
    try:
        when = dt.datetime(int(day[:4]), int(day[4:6]), int(day[6:8]))
        if match:
            when = when.replace(hour=int(match[1]), minute=int(match[2]), second=int(match[3]))
    except ValueError:
        return None
    if not match:
        return None  # a date alone says nothing about when on that day
    zone = parse_offset(match[4]) if match[4] else None
    return FoundTime("IPTC DateCreated+TimeCreated", when.replace(tzinfo=zone) if zone else when)


def _text(value: Any) -> str:
    if isinstance(value, list):
        value = value[0] if value else b""
    if isinstance(value, bytes):
        return value.decode("latin-1", "replace").strip()
    return str(value or "").strip()


def png_time(info: dict[str, Any]) -> FoundTime | None:
    """A PNG's ``Creation Time`` text chunk, where it holds an ISO date-time (PNG's tIME is
    the last modification, not the capture, and is not used)."""
    text = str(info.get("Creation Time", "") or "")
    when = _iso(text) if text else None
    return FoundTime("PNG Creation Time", when) if when is not None else None


def says_screenshot(values: dict[tuple[str, str], str]) -> bool:
    """iOS marks its screenshots in XMP: exif:UserComment "Screenshot"."""
    return "screenshot" in values.get(_USER_COMMENT, "").lower()


# --------------------------------------------------------------------------- cut-off files


def cut_off(path: Path, fmt: str) -> bool:
    """True when the file ends before its picture does: a JPEG with no end-of-image marker
    after its image data, a PNG without its IEND chunk, a WebP shorter than its RIFF size.
    (Reading the bytes is far cheaper than decoding the picture.)"""
    if fmt not in ("JPEG", "PNG", "WEBP"):
        return False
    data = path.read_bytes()
    if fmt == "PNG":
        return b"IEND" not in data[-64:]
    if fmt == "WEBP":
        declared = int.from_bytes(data[4:8], "little") + 8 if len(data) >= 8 else 0
        return len(data) < declared
    scan = _jpeg_scan_start(data)
    # inside the entropy-coded data 0xFF is always followed by 0x00 or a restart marker, so
    # the first FF D9 after the scan starts is the end of the image
    return scan is not None and data.find(b"\xff\xd9", scan) < 0


def _jpeg_scan_start(data: bytes) -> int | None:
    """Where the first scan's data starts (after the SOS segment), walking the markers."""
    pos = 2
    while pos + 4 <= len(data):
        if data[pos] != 0xFF:
            return None  # not a marker where one must be: not ours to judge
        marker = data[pos + 1]
        if marker == 0xFF:
            pos += 1
            continue
        length = int.from_bytes(data[pos + 2 : pos + 4], "big")
        if marker == 0xDA:
            return pos + 2 + length
        pos += 2 + length
    return len(data)  # the headers run to the end: cut off before any picture data
