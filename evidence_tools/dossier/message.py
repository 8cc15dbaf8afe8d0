"""The short text for a platform's dispute box: what happened, what is attached, what is asked.

It says only what the case records and what the upload really holds: ``export`` tells it what
its folder carries (stills, not a video, where a platform takes no video; no PDF where it
takes none), ``dossier`` writes the general one. The order and the claim are never dropped to
fit a limit: the exhibit list is shortened first, and a text that still does not fit is an
error that says by how much. A buyer's own ``message`` in case.toml is used as written.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from evidence_tools.case.model import Case
from evidence_tools.dossier.text import ExhibitFacts, claim_sentences, exhibit_ref, join_words
from evidence_tools.dossier.text import resolution_sentence as resolution
from evidence_tools.errors import CaseError
from evidence_tools.platforms import platform


@dataclass
class Attached:
    """What goes with the message, by exhibit number."""

    video: list[int] = field(default_factory=list)
    stills: list[int] = field(default_factory=list)  # stills of these video exhibits
    photos: list[int] = field(default_factory=list)
    documents: list[int] = field(default_factory=list)
    pdf: bool = False

    @classmethod
    def everything(cls, exhibits: Sequence[ExhibitFacts], pdf: bool = True) -> Attached:
        """What the dossier refers to: every exhibit, as it is, and the PDF itself."""
        return cls(
            video=[e.number for e in exhibits if e.kind == "video"],
            photos=[e.number for e in exhibits if e.kind == "photo"],
            documents=[e.number for e in exhibits if e.kind == "document"],
            pdf=pdf,
        )

    def sentence(self, ranged: bool = False) -> str:
        """``Attached: ...``; '' when nothing is. ``ranged`` shortens to first-last."""

        def ref(numbers: list[int]) -> str:
            if ranged and len(numbers) > 2:
                return f"(Exhibits {min(numbers)}\u2013{max(numbers)})"
            return exhibit_ref(numbers)

        parts = []
        if self.video:
            parts.append(f"the unboxing video {ref(self.video)}")
        if self.stills:
            parts.append(f"stills from the unboxing video {ref(self.stills)}")
        if self.photos:
            parts.append(f"photos {ref(self.photos)}")
        if self.documents:
            parts.append(f"documents {ref(self.documents)}")
        if self.pdf and parts:
            parts.append(
                "a PDF dossier with the capture times and SHA-256 fingerprints of the originals"
            )
        return f"Attached: {join_words(parts)}." if parts else ""


def message(
    case: Case,
    exhibits: Sequence[ExhibitFacts],
    attached: Attached | None = None,
    *,
    limit: int | None = None,
    platform_name: str = "",
) -> str:
    """The message within ``limit`` characters (the case's platform's by default)."""
    plat = platform(case.platform, case.platform_overrides)
    limit = limit or plat.message_limit
    where = platform_name or plat.name
    if case.message:
        if len(case.message) > limit:
            raise _too_long(case, len(case.message), limit, where, own=True)
        return case.message + "\n"
    attached = attached if attached is not None else Attached.everything(exhibits)
    order = case.order
    head = f"Order {order.number}" if order.number else "My order"
    head += f" ({order.item})." if order.item else "."
    claim = " ".join(claim_sentences(case, exhibits))
    # the claim without its defect detail and exhibit numbers: what the case is about
    brief = re.sub(r"\s+\.", ".", " ".join(claim_sentences(case, [])))
    ask = resolution(case)
    listed, ranged = attached.sentence(), attached.sentence(ranged=True)
    # longest first; every step keeps the order and the claim
    tries = [
        (head, claim, listed, ask),
        (head, claim, ranged, ask),
        (head, claim, ask),
        (head, brief, ranged, ask),
        (head, brief, ask),
        (head, brief),
    ]
    for parts in tries:
        text = " ".join(p for p in parts if p)
        if len(text) <= limit:
            return text + "\n"
    raise _too_long(case, len(" ".join(p for p in tries[-1] if p)), limit, where, own=False)


def _too_long(case: Case, length: int, limit: int, where: str, *, own: bool) -> CaseError:
    what = "your message in case.toml" if own else "the shortest message that keeps the claim"
    return CaseError(
        f"{what} is {length} characters, {length - limit} over {where}'s limit of {limit}",
        path=case.toml_path,
        hint="shorten it"
        if own
        else 'write a shorter one yourself: message = """..."""'
        " in [case] (or shorten the item's name)",
    )
