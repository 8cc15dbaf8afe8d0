"""What each platform calls things and allows: names, message lengths, upload limits.

Numbers carry their source; ``unverified`` marks those with no official figure behind them.
The deadline rules live here too (used by ``evidence check``).
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Platform:
    key: str
    name: str
    message_limit: int = 1000
    message_limit_source: str = "no published limit; 1,000 characters is a safe length"
    file_limit_mb: float | None = None
    total_limit_mb: float | None = None
    file_types: tuple[str, ...] = ()
    takes_video: bool = True
    limits_source: str = ""
    unverified: tuple[str, ...] = field(default_factory=tuple)


PLATFORMS: dict[str, Platform] = {
    "aliexpress": Platform(
        "aliexpress",
        "AliExpress",
        message_limit=1000,
        file_limit_mb=2.0,
        total_limit_mb=None,
        file_types=("jpg", "jpeg", "png", "gif", "mp4", "mov"),
        takes_video=True,
        limits_source="AliExpress dispute form (photos up to 2 MB each; a video can be added)",
        unverified=("message_limit", "file_limit_mb"),
    ),
    "ebay": Platform(
        "ebay",
        "eBay",
        message_limit=1000,
        file_limit_mb=5.0,
        file_types=("jpg", "jpeg", "png", "gif", "bmp", "pdf"),
        takes_video=False,
        limits_source="eBay Resolution Center: files up to 5 MB, JPEG/PNG/GIF/BMP/PDF",
        unverified=("message_limit",),
    ),
    "amazon": Platform(
        "amazon",
        "Amazon",
        message_limit=1000,
        file_limit_mb=10.0,
        file_types=("jpg", "jpeg", "png", "gif", "pdf"),
        takes_video=False,
        limits_source="Amazon A-to-z claim form",
        unverified=("message_limit", "file_limit_mb"),
    ),
    "temu": Platform(
        "temu",
        "Temu",
        message_limit=1000,
        file_limit_mb=10.0,
        file_types=("jpg", "jpeg", "png", "mp4"),
        takes_video=True,
        limits_source="Temu return/refund form",
        unverified=("message_limit", "file_limit_mb"),
    ),
    "paypal": Platform(
        "paypal",
        "PayPal",
        message_limit=2000,
        message_limit_source="PayPal Resolution Center: notes up to 2,000 characters",
        file_limit_mb=10.0,
        total_limit_mb=50.0,
        file_types=("jpg", "jpeg", "gif", "png", "pdf"),
        takes_video=False,
        limits_source="PayPal Resolution Center: files up to 10 MB each, 50 MB together, "
        "JPG/GIF/PNG/PDF",
    ),
    "card": Platform(
        "card",
        "your card issuer (chargeback)",
        message_limit=2000,
        file_limit_mb=10.0,
        file_types=("jpg", "jpeg", "png", "pdf"),
        takes_video=False,
        limits_source="varies by bank; 10 MB per file is a common limit",
        unverified=("message_limit", "file_limit_mb"),
    ),
    "other": Platform("other", "the platform", message_limit=1000),
}


def platform(key: str) -> Platform:
    return PLATFORMS.get(key or "other", PLATFORMS["other"])
