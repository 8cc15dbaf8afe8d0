"""What each platform allows: dispute windows, message lengths, upload limits.

One table; every number carries its source, and ``unverified`` names the fields for which no
official figure was found (they are conservative guesses, and ``evidence check`` says so).
Any number can be overridden in case.toml's ``[platform]`` table.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from typing import Any

from evidence_tools.i18n import N_


@dataclass(frozen=True)
class Platform:
    key: str
    name: str  # a brand as it is written everywhere, or a message (N_) for card and other
    # dispute window: deadline = the date named by deadline_from + deadline_days
    deadline_days: int | None = None
    deadline_from: str = "delivered"  # delivered | placed | estimated_delivery
    deadline_rule: str = ""  # a message (N_): translated where shown
    message_limit: int = 1000
    file_limit_mb: float | None = None
    video_limit_mb: float | None = None
    total_limit_mb: float | None = None
    file_types: tuple[str, ...] = ()
    takes_video: bool = True
    sources: dict[str, str] = field(default_factory=dict)
    unverified: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()  # messages (N_), as deadline_rule

    def with_overrides(self, overrides: dict[str, Any]) -> Platform:
        known = {k: v for k, v in overrides.items() if k in OVERRIDABLE}
        if not known:
            return self
        unverified = tuple(u for u in self.unverified if u not in known)
        sources = {**self.sources, **{k: "case.toml [platform]" for k in known}}
        return replace(self, **known, unverified=unverified, sources=sources)


OVERRIDABLE = (
    "deadline_days",
    "deadline_from",
    "message_limit",
    "file_limit_mb",
    "video_limit_mb",
    "total_limit_mb",
)

PLATFORMS: dict[str, Platform] = {
    "aliexpress": Platform(
        "aliexpress",
        "AliExpress",
        deadline_days=15,
        deadline_from="delivered",
        deadline_rule=N_(
            "a dispute can be opened until 15 days after you confirm receipt or the delivery "
            "window ends; a closed dispute cannot be reopened"
        ),
        message_limit=1000,
        file_limit_mb=2.0,
        video_limit_mb=50.0,
        file_types=("jpg", "jpeg", "png", "mp4"),
        takes_video=True,
        sources={
            "deadline_days": "AliExpress buyer protection: 15 days after confirming receipt",
            "file_limit_mb": "AliExpress dispute form (photos)",
        },
        unverified=("message_limit", "file_limit_mb", "video_limit_mb"),
        notes=(N_("escalation to AliExpress is possible after about 7 days without agreement"),),
    ),
    "ebay": Platform(
        "ebay",
        "eBay",
        deadline_days=30,
        deadline_from="estimated_delivery",
        deadline_rule=N_(
            "eBay Money Back Guarantee: from the estimated delivery date up to 30 days after it"
        ),
        message_limit=1000,
        file_limit_mb=5.0,
        file_types=("jpg", "jpeg", "png", "gif", "bmp", "pdf"),
        takes_video=False,
        sources={
            "deadline_days": "eBay Money Back Guarantee policy",
            "file_limit_mb": "eBay Resolution Center: files up to 5 MB, JPEG/PNG/GIF/BMP/PDF",
        },
        unverified=("message_limit",),
    ),
    "amazon": Platform(
        "amazon",
        "Amazon",
        deadline_days=90,
        deadline_from="estimated_delivery",
        deadline_rule=N_(
            "A-to-z Guarantee: contact the seller first and wait 48 hours; claim within 90 days "
            "of the latest estimated delivery date"
        ),
        message_limit=1000,
        file_limit_mb=10.0,
        file_types=("jpg", "jpeg", "png", "gif", "pdf"),
        takes_video=False,
        sources={"deadline_days": "Amazon A-to-z Guarantee conditions"},
        unverified=("message_limit", "file_limit_mb"),
        notes=(N_("contact the seller first; A-to-z claims open 48 hours after that"),),
    ),
    "temu": Platform(
        "temu",
        "Temu",
        deadline_days=90,
        deadline_from="placed",
        deadline_rule=N_("returns and refunds within 90 days of purchase"),
        message_limit=1000,
        file_limit_mb=10.0,
        video_limit_mb=50.0,
        file_types=("jpg", "jpeg", "png", "mp4"),
        takes_video=True,
        sources={"deadline_days": "Temu return and refund policy"},
        unverified=("message_limit", "file_limit_mb", "video_limit_mb"),
    ),
    "paypal": Platform(
        "paypal",
        "PayPal",
        deadline_days=180,
        deadline_from="placed",
        deadline_rule=N_(
            "open a dispute within 180 days of the payment; escalate it to a claim within 20 days"
        ),
        message_limit=2000,
        file_limit_mb=10.0,
        total_limit_mb=50.0,
        file_types=("jpg", "jpeg", "gif", "png", "pdf"),
        takes_video=False,
        sources={
            "deadline_days": "PayPal Buyer Protection: 180 days from payment",
            "message_limit": "PayPal Resolution Center: notes up to 2,000 characters",
            "file_limit_mb": "PayPal Resolution Center: 10 MB each, 50 MB together, "
            "JPG/GIF/PNG/PDF",
        },
        notes=(N_("escalate the dispute to a claim within 20 days of opening it"),),
    ),
    "card": Platform(
        "card",
        N_("your card issuer (chargeback)"),
        deadline_days=120,
        deadline_from="delivered",
        deadline_rule=N_(
            "Visa 13.1 and 13.3, Mastercard 4853: 120 days; after returning an item, wait 15 "
            "days for the refund before disputing"
        ),
        message_limit=2000,
        file_limit_mb=10.0,
        file_types=("jpg", "jpeg", "png", "pdf"),
        takes_video=False,
        sources={"deadline_days": "Visa reason codes 13.1/13.3, Mastercard 4853: 120 days"},
        unverified=("message_limit", "file_limit_mb"),
    ),
    "other": Platform("other", N_("the platform"), message_limit=1000),
}


def platform(key: str, overrides: dict[str, Any] | None = None) -> Platform:
    base = PLATFORMS.get(key or "other", PLATFORMS["other"])
    return base.with_overrides(overrides or {})


def deadline(
    plat: Platform,
    *,
    placed: dt.date | None,
    delivered: dt.date | None,
    estimated_delivery: dt.date | None,
) -> tuple[dt.date | None, str]:
    """The last day to open the dispute, and what it was counted from."""
    if plat.deadline_days is None:
        return None, ""
    anchors = {
        "placed": placed,
        "delivered": delivered,
        "estimated_delivery": estimated_delivery or delivered,
    }
    anchor = anchors.get(plat.deadline_from)
    what = plat.deadline_from.replace("_", " ")
    if plat.deadline_from == "estimated_delivery" and estimated_delivery is None and delivered:
        what = "delivered (no estimated delivery date given)"
    if anchor is None:
        return None, what
    return anchor + dt.timedelta(days=plat.deadline_days), what
