"""The case's vocabularies, each in one place: claims, resolutions, defects, platforms.

The loader, the template, the CLI's choices and questions, check's checklists, the statement
and the page all read these tables, so a new claim or defect is added here once and a test
(tests/test_vocabulary.py) finds any part that does not know it. Every word a person reads is
a catalogue message (``N_``), said in the reader's language where it is shown; the statement's
sentences are said in English for the arbiter and in the buyer's language beside it.
"""

from __future__ import annotations

from typing import NamedTuple

from evidence_tools.i18n import N_


class Claim(NamedTuple):
    title: str  # the dossier's heading for it
    meaning: str  # what it means, for a buyer choosing one
    brief: str  # the claim in one sentence, for a message that must be short


CLAIMS: dict[str, Claim] = {
    "not_received": Claim(
        N_("Item not received"), N_("the parcel never arrived"), N_("I have not received the item.")
    ),
    "damaged": Claim(
        N_("Item arrived damaged"),
        N_("it arrived broken, cracked or dented"),
        N_("The item arrived damaged."),
    ),
    "not_as_described": Claim(
        N_("Item not as described"),
        N_("it differs from the listing (colour, size, material, function)"),
        N_("The item I received is not as described in the listing."),
    ),
    "wrong_item": Claim(
        N_("Wrong item received"),
        N_("you received a different item"),
        N_("I received a different item from the one I ordered."),
    ),
    "missing_parts": Claim(
        N_("Parts missing"),
        N_("parts or items of the order are missing"),
        N_("Parts of the order are missing from the parcel."),
    ),
    "counterfeit": Claim(
        N_("Counterfeit item"),
        N_("it is a fake of the brand in the listing"),
        N_("The item is not genuine: it is a counterfeit of the product in the listing."),
    ),
}

RESOLUTIONS: dict[str, str] = {
    "full_refund": N_("Full refund"),
    "partial_refund": N_("Partial refund"),
    "replacement": N_("Replacement"),
    "return_and_refund": N_("Return and full refund"),
}


class Defect(NamedTuple):
    sentence: str  # a whole sentence; {exhibits} is "(Exhibit 3)" or "(Exhibits 2 and 4)"
    noun: str  # a short name, for lists


DEFECTS: dict[str, Defect] = {
    "cracked": Defect(N_("The item is cracked {exhibits}."), N_("cracked")),
    "scratched": Defect(N_("The item is scratched {exhibits}."), N_("scratched")),
    "dented": Defect(N_("The item is dented {exhibits}."), N_("dented")),
    "broken": Defect(N_("The item is broken {exhibits}."), N_("broken")),
    "broken_part": Defect(N_("The item has a broken part {exhibits}."), N_("broken part")),
    "does_not_work": Defect(N_("The item does not work {exhibits}."), N_("does not work")),
    "wrong_colour": Defect(N_("The item is the wrong colour {exhibits}."), N_("wrong colour")),
    "wrong_color": Defect(N_("The item is the wrong colour {exhibits}."), N_("wrong colour")),
    "wrong_size": Defect(N_("The item is the wrong size {exhibits}."), N_("wrong size")),
    "wrong_model": Defect(
        N_("The item is a different model from the one ordered {exhibits}."), N_("wrong model")
    ),
    "missing_parts": Defect(N_("The item is missing parts {exhibits}."), N_("missing parts")),
    "stained": Defect(N_("The item is stained {exhibits}."), N_("stained")),
    "torn": Defect(N_("The item is torn {exhibits}."), N_("torn")),
    "leaking": Defect(N_("The item is leaking {exhibits}."), N_("leaking")),
    "counterfeit_logo": Defect(
        N_("The item carries a counterfeit logo {exhibits}."), N_("counterfeit logo")
    ),
    "empty_parcel": Defect(
        N_("The item was not in the parcel: the parcel was empty {exhibits}."), N_("empty parcel")
    ),
    "used": Defect(N_("The item shows signs of previous use {exhibits}."), N_("used")),
    "dirty": Defect(N_("The item is dirty {exhibits}."), N_("dirty")),
    "wet": Defect(N_("The item arrived wet {exhibits}."), N_("wet")),
    "expired": Defect(N_("The item is past its expiry date {exhibits}."), N_("expired")),
}
# a defect the buyer named that is not in the table: said as written
OTHER_DEFECT = N_("The item has this problem: {defect} {exhibits}.")

# the platforms' own facts (limits, deadlines, names) are in platforms.py; these are their keys
PLATFORMS = ("aliexpress", "ebay", "amazon", "temu", "paypal", "card", "other")
