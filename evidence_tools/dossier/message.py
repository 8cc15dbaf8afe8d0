"""The short text for a platform's dispute box: what happened, what is attached, what is asked.

It says only what the case records and what the upload really holds: ``export`` tells it what
its folder carries (stills, not a video, where a platform takes no video; no PDF where it
takes none), ``dossier`` writes the general one. The order and the claim are never dropped to
fit a limit: the exhibit list is shortened first, and a text that still does not fit is an
error that says by how much. A buyer's own ``message`` in case.toml is used as written.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from evidence_tools.case.model import Case
from evidence_tools.dossier.text import ExhibitFacts, Exhibits, claim_sentences
from evidence_tools.dossier.text import resolution_sentence as resolution
from evidence_tools.errors import CaseError
from evidence_tools.i18n import ENGLISH, Joined, Text, language
from evidence_tools.platforms import platform
from evidence_tools.vocabulary import CLAIMS


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

    def sentence(self, ranged: bool = False) -> Text | None:
        """``Attached: ...``; None when nothing is. ``ranged`` shortens to first-last."""
        parts = []
        if self.video:
            parts.append(Text("the unboxing video {exhibits}",
                              exhibits=Exhibits(self.video, ranged)))  # fmt: skip
        if self.stills:
            parts.append(Text("stills from the unboxing video {exhibits}",
                              exhibits=Exhibits(self.stills, ranged)))  # fmt: skip
        if self.photos:
            parts.append(Text("photos {exhibits}", exhibits=Exhibits(self.photos, ranged)))
        if self.documents:
            parts.append(Text("documents {exhibits}",
                              exhibits=Exhibits(self.documents, ranged)))  # fmt: skip
        if self.pdf and parts:
            parts.append(
                Text(
                    "a PDF dossier with the capture times and SHA-256 fingerprints of the originals"
                )  # fmt: skip
            )
        return Text("Attached: {items}.", items=Joined(tuple(parts))) if parts else None


def message(
    case: Case,
    exhibits: Sequence[ExhibitFacts],
    attached: Attached | None = None,
    *,
    limit: int | None = None,
    platform_name: str = "",
) -> str:
    """The message, in English, within ``limit`` characters (the case's platform's by
    default); the buyer's own ``message`` as written."""
    if case.message:
        _fits(case, len(case.message), limit, platform_name, own=True)
        return case.message + "\n"
    said = sentences(case, exhibits, attached, limit=limit, platform_name=platform_name)
    with language(ENGLISH):
        return " ".join(str(t) for t in said) + "\n"


def sentences(
    case: Case,
    exhibits: Sequence[ExhibitFacts],
    attached: Attached | None = None,
    *,
    limit: int | None = None,
    platform_name: str = "",
) -> list[Text]:
    """The message's sentences, the longest set whose English fits: every step keeps the order
    and the claim; the points (the listing against what arrived) go from the last, then the
    exhibit list is shortened, then dropped, then the claim's detail."""
    from evidence_tools.dossier.points import said_points

    attached = attached if attached is not None else Attached.everything(exhibits)
    order = case.order
    if order.number and order.item:
        head = Text("Order {number} ({item}).", number=order.number, item=order.item)
    elif order.number:
        head = Text("Order {number}.", number=order.number)
    elif order.item:
        head = Text("My order ({item}).", item=order.item)
    else:
        head = Text("My order.")
    claim = claim_sentences(case, exhibits)
    # the claim without its defect detail and exhibit numbers: what the case is about
    brief = [Text(CLAIMS[case.claim].brief)] if case.claim in CLAIMS else []
    ask = [resolution(case)]
    listed = [t for t in [attached.sentence()] if t is not None]
    ranged = [t for t in [attached.sentence(ranged=True)] if t is not None]
    points = said_points(case, brief=True)
    tries = [
        *(
            t
            for n in range(len(points), 0, -1)
            for t in (
                [head, *claim, *points[:n], *listed, *ask],
                [head, *claim, *points[:n], *ranged, *ask],
            )
        ),  # fmt: skip
        [head, *claim, *listed, *ask],
        [head, *claim, *ranged, *ask],
        [head, *claim, *ask],
        [head, *brief, *ranged, *ask],
        [head, *brief, *ask],
        [head, *brief],
    ]
    with language(ENGLISH):
        for parts in tries:
            if _fits(case, _length(parts), limit, platform_name, own=False, shortest=False):
                return parts
        _fits(case, _length(tries[-1]), limit, platform_name, own=False)
    return tries[-1]  # pragma: no cover - _fits raised


def _length(parts: list[Text]) -> int:
    return len(" ".join(str(t) for t in parts))


def _fits(case: Case, length: int, limit: int | None, platform_name: str, *, own: bool,
          shortest: bool = True) -> bool:  # fmt: skip
    """Whether ``length`` is within the limit; over it, for the shortest try or the buyer's own
    message, an error that says by how much."""
    plat = platform(case.platform, case.platform_overrides)
    limit = limit or plat.message_limit
    if length <= limit:
        return True
    if not shortest:
        return False
    where = platform_name or plat.name
    if own:
        raise CaseError(
            Text("your message in case.toml is {length} characters, {over} over {platform}'s "
                 "limit of {limit}", length=length, over=length - limit, platform=where,
                 limit=limit),
            path=case.toml_path,
            hint=Text("shorten it"),
        )  # fmt: skip
    raise CaseError(
        Text("the shortest message that keeps the claim is {length} characters, {over} over "
             "{platform}'s limit of {limit}", length=length, over=length - limit, platform=where,
             limit=limit),
        path=case.toml_path,
        hint=Text('write a shorter one yourself: message = """...""" in [case] (or shorten the '
                  "item's name)"),
    )  # fmt: skip
