"""What the buyer signs, in their language: ``exports/statement.LANG.pdf``.

The dossier and the dispute message stay in English, for the arbiter. A buyer who reads
English poorly still has to know what is said in their name, so this file gives the statement
and the message sentence by sentence: each English sentence, then the same sentence said in the
buyer's language from the same facts (``Text``), with the same exhibit numbers and dates in
the language's own form. The buyer's own words and own message are shown as written.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, LETTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

from evidence_tools import __version__
from evidence_tools.dossier.content import FONT, esc, register_fonts, styles
from evidence_tools.i18n import ENGLISH, LANGUAGES, Text, _, language

Paragraphs = Sequence[Sequence[Text]]


def pairs(sentences: Sequence[Text], lang: str) -> list[tuple[str, str]]:
    """Each sentence in English and in ``lang``."""
    return [(t.said_in(ENGLISH), t.said_in(lang)) for t in sentences]


def write_translation(
    out: Path,
    *,
    lang: str,
    statement: Paragraphs,
    own_words: str,
    points: Sequence[Text] = (),
    message: Sequence[Text] | None,
    own_message: str = "",
    order_number: str = "",
    paper: str = "a4",
) -> None:
    """Write the statement and the dispute message, each English sentence followed by its
    translation into ``lang``, headed in that language as a translation for the buyer."""
    register_fonts()
    st = styles()
    english = ParagraphStyle("english", parent=st["body"], spaceAfter=1)
    translated = ParagraphStyle("translated", parent=st["body"], textColor=colors.HexColor(
        "#1f4e8c"), leftIndent=10, spaceAfter=7)  # fmt: skip
    note = ParagraphStyle("note", parent=st["body"], textColor=colors.HexColor("#444444"))
    with language(lang):
        title = (
            _("Your statement for order {number}, with a translation", number=order_number)
            if order_number
            else _("Your statement, with a translation")
        )
        intro = _(
            "This is a translation for you to read, into {language}. What you send stays "
            "in English: the dossier (dossier.pdf) and the dispute message (message.txt). "
            "Each English sentence below is followed by the same sentence in {language}.",
            language=LANGUAGES[lang],
        )
        story: list[Any] = [
            Paragraph(esc(title), st["title"]),
            Paragraph(esc(intro), note),
            Spacer(1, 4 * mm),
            Paragraph(esc(_("The statement in the dossier")), st["h1"]),
        ]
        for para in statement:
            for en, said in pairs(para, lang):
                story += [Paragraph(esc(en), english), Paragraph(esc(said), translated)]
            story.append(Spacer(1, 2 * mm))
        if points:
            story.append(Paragraph(esc(_("What the listing says, and what arrived")), st["h2"]))
            for en, said in pairs(points, lang):
                story += [Paragraph(esc(en), english), Paragraph(esc(said), translated)]
        if own_words:
            story.append(Paragraph(esc(_("Your own words, as you wrote them")), st["h1"]))
            story += [Paragraph(esc(p), st["body"]) for p in own_words.split("\n\n")]
        story.append(Paragraph(esc(_("The dispute message (message.txt)")), st["h1"]))
        if own_message:
            story.append(Paragraph(esc(_("Your own message, as you wrote it:")), note))
            story += [Paragraph(esc(p), st["body"]) for p in own_message.split("\n\n")]
        else:
            for en, said in pairs(message or [], lang):
                story += [Paragraph(esc(en), english), Paragraph(esc(said), translated)]
    doc = SimpleDocTemplate(
        str(out),
        pagesize=LETTER if paper == "letter" else A4,
        leftMargin=18 * mm, rightMargin=18 * mm, topMargin=18 * mm, bottomMargin=18 * mm,
        title=title, creator=f"evidence-tools {__version__}",
        producer=f"evidence-tools {__version__} (reportlab)", invariant=1,
        initialFontName=FONT, initialFontSize=10,
    )  # fmt: skip
    doc.build(story)
