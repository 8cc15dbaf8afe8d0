"""The case's facts as the mark page asks for them: one table, in Python, that the page draws
its form from (which table and key each field writes, what kind of field it is, its words in
the page's language, and the findings of ``evidence check`` it answers), so a field added here
appears on the page with no JavaScript to change, and a finding links to the field that fixes
it instead of telling the buyer to edit case.toml.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from evidence_tools.i18n import N_, _


class Fact(NamedTuple):
    table: str  # case | order
    key: str
    kind: str  # select | text | date | zone
    label: str  # a catalogue message
    hint: str = ""
    fixes: tuple[str, ...] = ()  # check's finding codes this field answers


FACTS = (
    Fact("case", "platform", "select", N_("Where you bought"), fixes=("case.no_platform",)),
    Fact("case", "claim", "select", N_("What went wrong"), fixes=("case.no_claim",)),
    Fact("case", "resolution", "select", N_("What you ask for"), fixes=("case.no_resolution",)),
    Fact("order", "number", "text", N_("Order number"), fixes=("case.no_order_number",)),
    Fact(
        "order",
        "item",
        "text",
        N_("The item"),
        N_("as the listing names it"),
        fixes=("case.no_item",),
    ),  # fmt: skip
    Fact("order", "seller", "text", N_("The seller")),
    Fact(
        "case",
        "amount",
        "text",
        N_("Amount paid"),
        N_("with its currency, e.g. 12.99 USD"),
        fixes=("case.no_amount",),
    ),  # fmt: skip
    Fact(
        "order",
        "placed",
        "date",
        N_("Ordered on"),
        fixes=("case.no_placed_date", "deadline.unknown"),
    ),
    Fact(
        "order",
        "estimated_delivery",
        "date",
        N_("Delivery promised by"),
        N_("the latest date the platform promised; some deadlines count from it"),
    ),  # fmt: skip
    Fact("order", "delivered", "date", N_("Delivered on"), fixes=("case.no_delivered_date",)),
    Fact(
        "order",
        "tracking",
        "text",
        N_("Tracking number"),
        fixes=("claim.not_received.no_tracking_number", "label.other", "label.no_tracking"),
    ),  # fmt: skip
    Fact(
        "case",
        "timezone",
        "zone",
        N_("Your time zone"),
        N_("where the photos and videos were taken, e.g. Europe/Moscow"),
        fixes=("time.no_zone",),
    ),  # fmt: skip
    Fact(
        "order",
        "shipped_weight",
        "text",
        N_("Parcel weight on its label"),
        N_("e.g. 0.35 kg"),
        fixes=("claim.weigh_parcel",),
    ),  # fmt: skip
    Fact(
        "order",
        "received_weight",
        "text",
        N_("Parcel weight on arrival"),
        N_("e.g. 0.12 kg"),
        fixes=("claim.weigh_parcel",),
    ),  # fmt: skip
)


ORDER_KEYS = tuple(f.key for f in FACTS if f.table == "order")
CASE_FACTS = tuple(f.key for f in FACTS if f.table == "case")


def facts_view() -> list[dict[str, Any]]:
    """The form's fields in the page's language (the request's)."""
    return [{"table": f.table, "key": f.key, "kind": f.kind, "label": _(f.label),
             "hint": _(f.hint) if f.hint else ""}
            for f in FACTS]  # fmt: skip


def zones(root: Any) -> dict[str, list[str]]:
    """The time zones to offer: those the case's own files carry first, then every IANA
    name (read on request, after the page has shown: reading each file takes a moment)."""
    from zoneinfo import available_timezones

    from evidence_tools.case.loader import load_case
    from evidence_tools.check import read_infos

    found = sorted({info.zone for info in read_infos(load_case(root)).values()
                    if info.zone and not info.zone_assumed})  # fmt: skip
    return {"found": found, "names": sorted(available_timezones())}


# the page's sections a finding leads to when no single field answers it (a code ending in
# "." stands for every code it begins): the link says what to do there, in place of a fix
# written for case.toml
SECTIONS = (
    ("points", N_("Go to the points"), ("point.", "claim.no_listing_words", "claim.colour.",
                                        "claim.size.")),
    ("files", N_("Add photos and videos"), ("claim.", "case.no_evidence")),
    ("build", N_("Go to the upload folder"), ("upload.",)),
    ("words", N_("Go to your own words"), ("text.own_words_not_english", "message.refused")),
)  # fmt: skip


def _field_id(fact: Fact) -> str:
    return f"{fact.table}-{fact.key.replace('_', '-')}"


def page_link(code: str, subject: str, exhibits: list[str]) -> dict[str, str] | None:
    """Where on the page a finding is answered: its field, its exhibit, or its section; the
    words of the link in the page's language. One rule, here: the page only follows it."""
    for fact in FACTS:
        if code in fact.fixes:
            return {"target": _field_id(fact), "field": "1",
                    "label": _("Fill in: {field}", field=_(fact.label))}  # fmt: skip
    if subject in exhibits:
        number = exhibits.index(subject) + 1
        return {"target": f"exhibit-{number}",
                "label": _("Go to exhibit {number}", number=number)}  # fmt: skip
    for section, label, codes in SECTIONS:
        if any(code == c or (c.endswith(".") and code.startswith(c)) for c in codes):
            return {"target": section, "label": _(label)}
    return None


def checked(root: Any) -> dict[str, Any]:
    """What ``evidence check`` says of the case, each finding with its link on the page."""
    from evidence_tools.case.loader import load_case
    from evidence_tools.check import check_case

    report = check_case(root)
    exhibits = [item.file for item in load_case(root).evidence]
    data = report.to_dict()
    for finding in data.get("findings", []):
        finding["link"] = page_link(finding.get("code", ""), finding.get("subject", ""), exhibits)
    return data
