"""Photo capture metadata: exifread first, Pillow's EXIF reader where exifread fails.

exifread raises on some HEIC files and finds nothing in some WebP and odd JPEG files; Pillow
(with pillow-heif for HEIC) reads those. Both are normalised into one dict of raw EXIF values
so a single interpreter decides times, offsets and GPS.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from evidence_tools import logs
from evidence_tools.errors import InputFileError
from evidence_tools.i18n import N_, Text
from evidence_tools.images import pillow
from evidence_tools.metadata.embedded import (
    FoundTime,
    cut_off,
    iptc_time,
    png_time,
    says_screenshot,
    xmp_times,
    xmp_values,
)
from evidence_tools.metadata.model import GPS, CaptureInfo, editor_in
from evidence_tools.rules import offset_label, parse_offset

log = logging.getLogger(__name__)

# EXIF tag ids, for Pillow.
IFD0_TAGS = {
    0x010F: "Make",
    0x0110: "Model",
    0x0131: "Software",
    0x0132: "DateTime",
    0x0112: "Orientation",
}
EXIF_TAGS = {
    0x9003: "DateTimeOriginal",
    0x9004: "DateTimeDigitized",
    0x9010: "OffsetTime",
    0x9011: "OffsetTimeOriginal",
    0x9012: "OffsetTimeDigitized",
    0x9290: "SubSecTime",
    0x9291: "SubSecTimeOriginal",
    0x9292: "SubSecTimeDigitized",
}
GPS_TAGS = {
    1: "GPSLatitudeRef",
    2: "GPSLatitude",
    3: "GPSLongitudeRef",
    4: "GPSLongitude",
    5: "GPSAltitudeRef",
    6: "GPSAltitude",
}
WANTED = set(IFD0_TAGS.values()) | set(EXIF_TAGS.values()) | set(GPS_TAGS.values())

_DATE_RE = re.compile(r"^(\d{4})[:\-](\d{2})[:\-](\d{2})[ T](\d{2}):(\d{2}):(\d{2})")

# --------------------------------------------------------------------------- raw readers


def _clean(value: Any) -> Any:
    if isinstance(value, bytes):
        value = value.decode("utf-8", "replace")
    if isinstance(value, str):
        return value.replace("\x00", "").strip()
    return value


def read_with_exifread(path: Path) -> dict[str, Any]:
    """Raw tag values by name; raises whatever exifread raises (the caller falls back)."""
    import exifread

    with open(path, "rb") as fh:
        tags = exifread.process_file(fh, details=False, extract_thumbnail=False)
    out: dict[str, Any] = {}
    for full_name, tag in tags.items():
        group, _, name = full_name.partition(" ")
        # "Image" is IFD0; "Thumbnail" (IFD1) describes the thumbnail, never the picture
        if group not in ("Image", "EXIF", "GPS") or name not in WANTED:
            continue
        values = getattr(tag, "values", None)
        if isinstance(values, (str, bytes)):
            out[name] = _clean(values)
        elif isinstance(values, list):
            out[name] = values if len(values) != 1 else values[0]
        else:
            out[name] = _clean(str(tag))
    return out


def read_with_pillow(image: Any) -> dict[str, Any]:
    if not image.info.get("exif"):
        return {}  # no EXIF block: Pillow would fill Orientation in from XMP
    exif = image.getexif()
    out: dict[str, Any] = {}
    for tag_id, name in IFD0_TAGS.items():
        if tag_id in exif:
            out[name] = _clean(exif[tag_id])
    for ifd_id, table in ((0x8769, EXIF_TAGS), (0x8825, GPS_TAGS)):
        try:
            ifd = exif.get_ifd(ifd_id)
        except (KeyError, ValueError, TypeError, OSError):
            continue
        for tag_id, name in table.items():
            if tag_id in ifd:
                value = ifd[tag_id]
                if name == "GPSAltitudeRef" and isinstance(value, bytes):
                    value = value[0] if value else 0
                out[name] = _clean(value)
    return out


# --------------------------------------------------------------------------- interpretation


def _to_float(value: Any) -> float | None:
    try:
        if hasattr(value, "num") and hasattr(value, "den"):  # exifread's Ratio
            return None if value.den == 0 else value.num / value.den
        return float(value)
    except (TypeError, ValueError, ZeroDivisionError):
        return None


def _as_int(value: Any) -> int | None:
    if isinstance(value, list):
        value = value[0] if value else None
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _dms(value: Any) -> float | None:
    parts = value if isinstance(value, (list, tuple)) else [value]
    nums = [_to_float(p) for p in parts]
    if not nums or any(n is None for n in nums):
        return None
    deg = nums[0] or 0.0
    minutes = nums[1] if len(nums) > 1 else 0.0
    seconds = nums[2] if len(nums) > 2 else 0.0
    return deg + (minutes or 0.0) / 60 + (seconds or 0.0) / 3600


def parse_gps(raw: dict[str, Any]) -> GPS | None:
    if "GPSLatitude" not in raw or "GPSLongitude" not in raw:
        return None
    lat, lon = _dms(raw["GPSLatitude"]), _dms(raw["GPSLongitude"])
    if lat is None or lon is None:
        return None
    if str(raw.get("GPSLatitudeRef", "N")).upper().startswith("S"):
        lat = -lat
    if str(raw.get("GPSLongitudeRef", "E")).upper().startswith("W"):
        lon = -lon
    if lat == 0 and lon == 0:
        return None  # an empty GPS block, not a place in the Gulf of Guinea
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        return None
    alt = _to_float(raw["GPSAltitude"]) if "GPSAltitude" in raw else None
    if alt is not None:
        ref = raw.get("GPSAltitudeRef")
        ref_int = _as_int(ref[0] if isinstance(ref, (bytes, list)) and ref else ref)
        if ref_int == 1:
            alt = -alt
        alt = round(alt, 2)
    return GPS(lat=lat, lon=lon, alt=alt)


def parse_exif_datetime(text: Any, subsec: Any = None) -> dt.datetime | None:
    """``2026:11:20 17:03:11`` (+ sub-seconds ``250``) -> naive datetime; junk -> None."""
    if not isinstance(text, str):
        return None
    match = _DATE_RE.match(text.strip())
    if not match:
        return None
    try:
        y, mo, d, h, mi, sec = (int(g) for g in match.groups())
        when = dt.datetime(y, mo, d, h, mi, sec)
    except ValueError:  # 0000:00:00 00:00:00 and the like
        return None
    digits = re.sub(r"\D", "", str(subsec)) if subsec is not None else ""
    if digits:
        when = when.replace(microsecond=int((digits + "000000")[:6]))
    return when


_TIME_FIELDS = (
    # (date tag, offset tag, sub-second tag, source label, is a modification time)
    (
        "DateTimeOriginal",
        "OffsetTimeOriginal",
        "SubSecTimeOriginal",
        "EXIF DateTimeOriginal",
        False,
    ),
    ("DateTimeDigitized", "OffsetTimeDigitized", "SubSecTimeDigitized", "EXIF CreateDate", False),
    ("DateTime", "OffsetTime", "SubSecTime", "EXIF ModifyDate", True),
)
# Which source wins, after ExifTool's composite DateTimeOriginal: the capture times first,
# then the creation times, then the times a file was last saved (marked as such). A PNG's
# "Creation Time" text is when software wrote the file: kept among the other times, never
# taken for the capture (ExifTool does not either).
TIME_ORDER = (
    "EXIF DateTimeOriginal",
    "XMP exif:DateTimeOriginal",
    "XMP photoshop:DateCreated",
    "IPTC DateCreated+TimeCreated",
    "EXIF CreateDate",
    "XMP xmp:CreateDate",
    "EXIF ModifyDate",
    "XMP xmp:ModifyDate",
)
MODIFICATION_TIMES = ("EXIF ModifyDate", "XMP xmp:ModifyDate")
CUT_OFF = N_("the picture is cut off: the file ends before its image data does")


class _Time:
    def __init__(self, label: str, when: dt.datetime, source: str) -> None:
        self.label, self.when, self.source = label, when, source


def _exif_times(info: CaptureInfo, raw: dict[str, Any]) -> list[_Time]:
    out = []
    for date_tag, offset_tag, subsec_tag, label, _ in _TIME_FIELDS:
        when = parse_exif_datetime(raw.get(date_tag), raw.get(subsec_tag))
        if when is None:
            if raw.get(date_tag):
                info.notice(
                    "time.invalid_date", "{tag} is not a valid date: {value}",
                    tag=label, value=repr(raw.get(date_tag)),
                )  # fmt: skip
            continue
        tz = parse_offset(raw.get(offset_tag))
        source = label + (f" + {offset_tag}" if tz else "")
        out.append(_Time(label, when.replace(tzinfo=tz) if tz else when, source))
    return out


def _choose_time(info: CaptureInfo, times: list[_Time]) -> None:
    for found in times:
        info.other_times[found.label] = found.when.isoformat()
    ranked = sorted(
        (t for t in times if t.label in TIME_ORDER), key=lambda t: TIME_ORDER.index(t.label)
    )
    if ranked:
        best = ranked[0]
        info.captured_at, info.time_source = best.when, best.source
        info.is_modification_time = best.label in MODIFICATION_TIMES
        if best.when.tzinfo is None:
            _zone_from_twins(info, best, times)


def _zone_from_twins(info: CaptureInfo, best: _Time, times: list[_Time]) -> None:
    """A capture time without an offset takes the zone of another time in the file (XMP, IPTC,
    another EXIF field) that gives the same local time with one, as ExifTool composes it
    (an editor often writes the XMP copy with its offset, the EXIF one without). Two such
    times with different zones are a warning, not a guess."""
    local = best.when.replace(microsecond=0)
    twins: dict[dt.timedelta, str] = {}
    for other in times:
        offset = other.when.utcoffset()
        if offset is None or other.when.replace(tzinfo=None, microsecond=0) != local:
            continue
        twins.setdefault(offset, other.label)
    if len(twins) == 1:
        offset, label = next(iter(twins.items()))
        info.captured_at = best.when.replace(tzinfo=dt.timezone(offset))
        info.time_source = f"{best.source}, zone from {label}"
    elif twins:
        said = ", ".join(
            f"{label} {offset_label(dt.timezone(offset), best.when)}"
            for offset, label in sorted(twins.items())
        )
        info.notice(
            "time.zones_disagree",
            # TRANSLATORS: {zones} lists where each zone was found, e.g. "IPTC ... -04:00"
            "the file gives the capture time with different zones ({zones}): the zone is "
            "left unknown",
            zones=said,
        )


def interpret(info: CaptureInfo, raw: dict[str, Any], more: Sequence[FoundTime] = ()) -> None:
    """Fill ``info`` from raw EXIF values and the times found elsewhere in the file (XMP,
    IPTC, PNG text), with the warnings a reader should see."""
    info.make = str(raw.get("Make", "") or "")
    info.model = str(raw.get("Model", "") or "")
    info.software = str(raw.get("Software", "") or "")
    orientation = _as_int(raw.get("Orientation"))
    info.orientation = orientation if orientation in range(1, 9) else None
    if orientation is not None and info.orientation is None:
        info.notice(
            "meta.bad_orientation", "Orientation has an invalid value ({value}); shown as stored",
            value=orientation,
        )  # fmt: skip
    info.gps = parse_gps(raw)
    _choose_time(info, _exif_times(info, raw) + [_Time(t.label, t.when, t.label) for t in more])
    original = parse_exif_datetime(raw.get("DateTimeOriginal"))
    modified = parse_exif_datetime(raw.get("DateTime"))
    if info.captured_at is None and info.screenshot:
        pass  # a screenshot records no capture time; that is no alarm (see read_photo)
    elif info.captured_at is None:
        info.notice("time.none", "no capture time in the file")
    elif info.is_modification_time:
        info.notice(
            "time.modification_only",
            "the only time in the file is when it was last modified ({source}), not when it "
            "was taken",
            source=info.time_source,
        )
    if original and modified and (modified - original).total_seconds() > 2:
        info.notice(
            "meta.resaved",
            "modified after it was taken (ModifyDate {modified} is later than DateTimeOriginal "
            "{original}): it was re-saved",
            modified=f"{modified:%Y-%m-%d %H:%M:%S}",
            original=f"{original:%Y-%m-%d %H:%M:%S}",
        )
    editor = editor_in(info.software)
    if editor:
        info.notice(
            "meta.editor", "Software names an editor ({software}): the photo was edited",
            software=info.software,
        )  # fmt: skip
    if info.gps is not None:
        info.notice("meta.gps", "GPS position present (privacy: it is removed from shared copies)")


def _sizes(info: CaptureInfo, image: Any) -> None:
    """Stored and displayed size; how a format reports its size differs."""
    width, height = image.size
    turned = info.orientation in (5, 6, 7, 8)
    if info.format in ("HEIF", "AVIF"):
        # libheif already applied the container's rotation: Pillow's size is as displayed
        info.width, info.height = width, height
        info.stored_width, info.stored_height = (height, width) if turned else (width, height)
    elif info.format == "TIFF" and hasattr(image, "tag_v2") and 256 in image.tag_v2:
        # Pillow may report a TIFF's size already turned; the tags hold the stored size
        info.stored_width, info.stored_height = int(image.tag_v2[256]), int(image.tag_v2[257])
        sw, sh = info.stored_width, info.stored_height
        info.width, info.height = (sh, sw) if turned else (sw, sh)
    else:
        info.stored_width, info.stored_height = width, height
        info.width, info.height = (height, width) if turned else (width, height)


def _from_picture(info: CaptureInfo, image: Any, raw: dict[str, Any]) -> list[FoundTime]:
    """What the opened picture adds: its format, EXIF where exifread found none, and the
    times in XMP, IPTC and PNG text."""
    info.format = str(image.format or "")
    if not raw:
        try:
            raw.update(read_with_pillow(image))
            if image.info.get("original_orientation"):
                # pillow-heif reports 1 once it has applied the rotation itself
                raw["Orientation"] = image.info["original_orientation"]
        except Exception as exc:  # Pillow's EXIF parser on malformed data
            log.debug("Pillow EXIF failed on %s: %r", info.file, exc)
            info.notice("exif.damaged", "the EXIF block is damaged and could not be read")
    values = xmp_values(image.info)
    more = xmp_times(values)
    for extra in (iptc_time(image), png_time(image.info)):
        if extra is not None:
            more.append(extra)
    no_camera = not (raw.get("Make") or raw.get("Model"))
    times = any(raw.get(tag) for tag, *_ in _TIME_FIELDS) or any(
        t.label in TIME_ORDER for t in more
    )
    info.screenshot = says_screenshot(values) or (no_camera and not times)
    return more


def _library_warnings(info: CaptureInfo, messages: list[str]) -> None:
    """What exifread or Pillow logged that a reader should know, in our words."""
    damaged = sorted({m.split("field ", 1)[1].split(" in ")[0] for m in messages
                      if "corrupted field" in m.lower() and "field " in m})  # fmt: skip
    if damaged:
        info.notice(
            "exif.damaged", "the EXIF block is damaged in places ({fields})",
            fields=", ".join(damaged),
        )  # fmt: skip
    elif any(("corrupt" in m.lower() or "larger than file" in m) for m in messages):
        info.notice("exif.damaged", "the EXIF block is damaged in places")


def read_photo(path: Path) -> CaptureInfo:
    info = CaptureInfo(file=str(path), kind="photo")
    raw: dict[str, Any] = {}
    more: list[FoundTime] = []
    Image = pillow()
    with (
        logs.silenced("exifread", "PIL", "pillow_heif") as library_said,
        warnings.catch_warnings(record=True) as pillow_warned,  # "Corrupt EXIF data", ...
    ):
        warnings.simplefilter("always")
        try:
            raw = read_with_exifread(path)
        except Exception as exc:  # exifread raises AssertionError, IndexError, ... on odd files
            log.debug("exifread failed on %s: %r", path, exc)
        try:
            image = Image.open(path)
        except Image.DecompressionBombError as exc:
            raise InputFileError(Text("image is too large to open safely"), path=path) from exc
        except (OSError, ValueError, SyntaxError, RuntimeError) as exc:  # pillow-heif: Runtime
            if not raw:
                raise InputFileError(
                    Text("not a readable image (the file is damaged or not a photo)"), path=path
                ) from exc
            info.notice(
                "photo.picture_unreadable",
                "the picture itself cannot be read; only its metadata was",
            )
            image = None
        if image is not None:
            with image:
                more = _from_picture(info, image, raw)
                interpret(info, raw, more)
                _sizes(info, image)
        else:
            interpret(info, raw)
    _library_warnings(info, library_said + [str(w.message) for w in pillow_warned])
    if info.format and cut_off(path, info.format):
        info.cut_off = True
        info.notice("photo.cut_off", CUT_OFF)
    return info
