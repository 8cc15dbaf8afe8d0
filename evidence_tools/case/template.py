"""Writing case.toml: the documented template of ``evidence init`` and the ``[[evidence]]``
blocks ``evidence add`` appends."""

from __future__ import annotations

import datetime as dt
from typing import Any

from evidence_tools.case.model import CLAIMS, PLATFORMS, RESOLUTIONS
from evidence_tools.errors import UsageError
from evidence_tools.i18n import Text
from evidence_tools.rules import parse_zone


def toml_value(value: Any) -> str:
    """A TOML literal for the small set of values this tool writes."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, str):
        escaped = (
            value.replace("\\", "\\\\")
            .replace('"', '\\"')
            .replace("\n", "\\n")
            .replace("\t", "\\t")
            .replace("\r", "\\r")
        )
        escaped = "".join(c if ord(c) >= 0x20 or c in "\\" else f"\\u{ord(c):04x}" for c in escaped)
        return f'"{escaped}"'
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{k} = {toml_value(v)}" for k, v in value.items()) + " }"
    raise TypeError(f"cannot write {type(value).__name__} to TOML")


def _choices(keys: tuple[str, ...], indent: int, width: int = 92) -> str:
    """``a | b | c``, wrapped onto comment lines under the first."""
    lines, line = [], ""
    for key in keys:
        piece = f"{line} | {key}" if line else key
        if line and indent + len(piece) > width:
            lines.append(line + " |")
            line = key
        else:
            line = piece
    lines.append(line)
    return ("\n#" + " " * (indent - 1)).join(lines)


def evidence_block(entry: dict[str, Any]) -> str:
    lines = ["", "[[evidence]]"]
    lines += [f"{key} = {toml_value(value)}" for key, value in entry.items()]
    return "\n".join(lines) + "\n"


TEMPLATE = """\
# evidence-tools case file. Lines starting with # are comments.
# Fill in what you know; `evidence check` tells you what is still missing.

[case]
# Where you bought: {platforms}
platform = {platform}
# What went wrong: {claims}
claim = {claim}
# What you ask for: {resolutions}
resolution = {resolution}
# The amount you paid, with its currency, e.g. "12.99 USD"
amount = ""
# Your time zone, used where a photo or video does not carry one (e.g. "Europe/Moscow").
timezone = {timezone}
# The language evidence-tools speaks to you in: en | ru | es | pt_BR | fr | pl | ko (the
# dossier and the dispute message stay in English; dossier adds statement.LANG.pdf, a
# translation for you). Without it: --lang, EVIDENCE_LANG or your computer's language.
# language = "ru"
# What happened, in your own words (any language): printed as you write it, under its own
# heading in the statement. English is best for the arbiter.
# own_words = '''
# The box was already open when the courier handed it over.
# '''
# Your own dispute message, used instead of the one evidence-tools writes for you
# (it must fit the platform's limit: evidence check tells you).
# message = '''
# Order 8123456789012345: the case arrived cracked. Video and photos attached.
# '''

[order]
number = {number}
# Dates as YYYY-MM-DD, e.g. placed = 2026-10-02
# placed = 2026-10-02
# delivered = 2026-11-20
item = ""
seller = ""
tracking = ""

# `evidence add FILE...` copies your photos and videos into originals/ and adds an
# [[evidence]] entry for each one below. You can then give each a caption and say what to do:
#
# [[evidence]]
# file = "originals/IMG_1234.MOV"
# caption = "Unboxing of the sealed parcel"
# continuous = true     # only if it is one uninterrupted recording from the sealed parcel
# trim = ["0:45", "3:10"]
# stamp = true
# moments = [{{ at = "0:52", note = "Shipping label with the tracking number" }}]
#
# [[evidence]]
# file = "originals/IMG_2001.HEIC"
# caption = "Crack along the left edge"
# defects = ["cracked"]
# annotate = [{{ box = [0.42, 0.30, 0.20, 0.15], label = "Crack" }}]
"""


def render_template(
    *,
    platform: str = "",
    claim: str = "",
    resolution: str = "",
    number: str = "",
    timezone: str = "",
) -> str:
    if platform and platform not in PLATFORMS:
        raise UsageError(Text("unknown platform {name}", name=repr(platform)),
                         hint=Text("one of {values}", values=", ".join(PLATFORMS)))  # fmt: skip
    if claim and claim not in CLAIMS:
        raise UsageError(Text("unknown claim {name}", name=repr(claim)),
                         hint=Text("one of {values}", values=", ".join(CLAIMS)))  # fmt: skip
    if resolution and resolution not in RESOLUTIONS:
        raise UsageError(Text("unknown resolution {name}", name=repr(resolution)),
                         hint=Text("one of {values}", values=", ".join(RESOLUTIONS)))  # fmt: skip
    if timezone:
        parse_zone(timezone)
    return TEMPLATE.format(
        # the choices from the one registry, so a new claim is offered here too
        platforms=_choices(PLATFORMS, len("# Where you bought: ")),
        claims=_choices(CLAIMS, len("# What went wrong: ")),
        resolutions=_choices(RESOLUTIONS, len("# What you ask for: ")),
        platform=toml_value(platform or "other"),
        claim=toml_value(claim),
        resolution=toml_value(resolution or "full_refund"),
        number=toml_value(number),
        timezone=toml_value(timezone),
    )
