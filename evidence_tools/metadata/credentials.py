"""Content Credentials (C2PA): whether an original carries them, whether they hold, who signed,
with what, when, and what was recorded as done, each failure in plain words.

The only module that imports ``c2pa`` (c2pa-python, offline), and only for a file that has a
manifest marker: a JPEG APP11 segment, a PNG ``caBX`` chunk, or an MP4/MOV/HEIC ``uuid`` box
with the C2PA id. Most files have none and pay a few reads of their headers.

Trust comes from the bundled C2PA trust lists (``evidence_tools/trust``, dated
``TRUST_LIST_DATE``): a maker-signed capture reads *trusted*, a test certificate *valid*
with "the signer is not on the C2PA trust list".
"""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any

from evidence_tools.mp4.boxes import Unsupported, top_level

TRUST_LIST_DATE = "2026-08-21"
_TRUST = Path(__file__).resolve().parent.parent / "trust"
C2PA_UUID = bytes.fromhex("d8fec3d61b0e483c92975828877ec481")
# failure codes in words a buyer and an arbiter read
PLAIN = {
    "assertion.dataHash.mismatch": "the picture was changed after it was signed",
    "assertion.bmffHash.mismatch": "the video was changed after it was signed",
    "assertion.boxesHash.mismatch": "the file was changed after it was signed",
    "claimSignature.mismatch": "the signature does not verify",
    "claimSignature.missing": "the signature is missing",
    "signingCredential.expired": "the signer's certificate has expired",
    "signingCredential.revoked": "the signer's certificate was revoked",
    "signingCredential.invalid": "the signer's certificate is not valid",
    "signingCredential.untrusted": "the signer is not on the C2PA trust list",
    "timeStamp.mismatch": "the time-stamp does not match the signature",
    "timeStamp.untrusted": "the time-stamp authority is not on the C2PA list",
}
CHANGED = {"assertion.dataHash.mismatch", "assertion.bmffHash.mismatch",
           "assertion.boxesHash.mismatch"}  # fmt: skip


def has_marker(path: Path) -> bool:
    """True when the file may hold a C2PA manifest store (read from its headers only)."""
    with open(path, "rb") as fh:
        head = fh.read(16)
        if head.startswith(b"\xff\xd8"):
            return _jpeg_app11(fh)
        if head.startswith(b"\x89PNG"):
            return b"caBX" in path.read_bytes()
    if head[4:8] in (b"ftyp", b"moov", b"mdat", b"wide", b"free", b"uuid"):
        try:
            _, boxes = top_level(path)
        except (Unsupported, OSError):
            return False
        with open(path, "rb") as fh:
            for typ, start, _ in boxes:
                if typ == b"uuid":
                    fh.seek(start + 8)
                    if fh.read(16) == C2PA_UUID:
                        return True
    return False


def _jpeg_app11(fh: Any) -> bool:
    fh.seek(2)
    while True:
        marker = fh.read(4)
        if len(marker) < 4 or marker[0] != 0xFF or marker[1] in (0xDA, 0xD9):
            return False
        if marker[1] == 0xEB:  # APP11: JUMBF boxes, where C2PA lives in a JPEG
            return True
        fh.seek(int.from_bytes(marker[2:4], "big") - 2, 1)


@functools.lru_cache(maxsize=1)
def _context() -> Any:
    import c2pa

    settings = c2pa.Settings.from_json(json.dumps({
        "trust": {
            "trust_anchors": (_TRUST / "C2PA-TRUST-LIST.pem").read_text(encoding="utf-8"),
        },
        "verify": {"verify_trust": True},
    }))  # fmt: skip
    return c2pa.Context(settings)


def read_credentials(path: Path) -> dict[str, Any] | None:
    """None when the file carries no Content Credentials; otherwise what they say."""
    if not has_marker(path):
        return None
    import c2pa

    try:
        reader = c2pa.Reader(path, context=_context())
    except c2pa.C2paError as exc:
        if "ManifestNotFound" in type(exc).__name__ or "no JUMBF" in str(exc):
            return None
        return {"state": "invalid", "signer": None, "claim_generator": None, "actions": [],
                "signed_at": None, "problems": [f"the credentials cannot be read ({exc})"],
                "codes": []}  # fmt: skip
    try:
        return _describe(reader)
    finally:
        reader.close()


def _describe(reader: Any) -> dict[str, Any]:
    manifest = reader.get_active_manifest() or {}
    results = reader.get_validation_results() or {}
    failures = (results.get("activeManifest") or {}).get("failure", [])
    codes = [f.get("code", "") for f in failures]
    signature = manifest.get("signature_info") or {}
    actions = [
        a.get("action", "")
        for assertion in manifest.get("assertions", [])
        if str(assertion.get("label", "")).startswith("c2pa.actions")
        for a in (assertion.get("data") or {}).get("actions", [])
    ]
    infos = manifest.get("claim_generator_info") or []
    generator = (infos[0].get("name") if infos else "") or manifest.get("claim_generator", "")
    return {
        "state": str(reader.get_validation_state() or "").lower() or "invalid",
        "signer": signature.get("common_name") or signature.get("issuer"),
        "issuer": signature.get("issuer"),
        "claim_generator": generator or None,
        "actions": actions,
        "signed_at": signature.get("time"),
        "problems": [
            PLAIN.get(c, f"{c}: {f.get('explanation', '')}".strip(": "))
            for c, f in zip(codes, failures, strict=True)
        ],  # fmt: skip
        "codes": codes,
    }


def summary(credentials: dict[str, Any]) -> str:
    """One line: "valid: signed by Google LLC with Pixel Camera at 2026-...; no edits
    recorded; the signer is not on the C2PA trust list"."""
    parts = [credentials.get("state", "invalid")]
    who = credentials.get("signer")
    line = f"signed by {who}" if who else "signed"
    if credentials.get("claim_generator"):
        line += f" with {credentials['claim_generator']}"
    if credentials.get("signed_at"):
        line += f" at {credentials['signed_at']}"
    parts.append(line)
    edits = [a.removeprefix("c2pa.").replace("_", " ") for a in credentials.get("actions", [])
             if a not in ("c2pa.created", "c2pa.opened")]  # fmt: skip
    parts.append("edits recorded: " + ", ".join(edits) if edits else "no edits recorded")
    return "; ".join(parts + list(credentials.get("problems", [])))


def changed_after_signing(credentials: dict[str, Any] | None) -> bool:
    return bool(credentials) and bool(CHANGED & set(credentials.get("codes", [])))  # type: ignore[union-attr]
