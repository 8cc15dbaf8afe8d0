"""The buyer's language: which one, and every sentence a person reads, from the catalogues.

Sentences are whole gettext messages with named placeholders (``_("{file} is cut off",
file=...)``), plurals through ``ngettext``; none is assembled from English pieces. The
catalogues are ``locale/LANG/LC_MESSAGES/evidence.po`` (compiled ``.mo`` beside them, shipped in
the wheel), extracted and compiled with Babel by ``scripts/messages.py``; at run time only the
standard library's ``gettext`` and Babel's CLDR data (dates, lists) are used.

The language is chosen once per run: ``--lang``, then ``EVIDENCE_LANG``, then the case's
``language``, then the system locale (``LANGUAGE``, ``LC_ALL``, ``LC_MESSAGES``, ``LANG``), else
English. What the arbiter reads (the dossier, the dispute messages) is written in English
whatever the buyer's language; ``Text`` keeps a sentence's facts so it can be said in both.
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime as dt
import gettext as _gettext
import os
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, NamedTuple

DOMAIN = "evidence"
LOCALE_DIR = Path(__file__).parent / "locale"
# code -> the language's own name, as a picker shows it
LANGUAGES: dict[str, str] = {
    "en": "English",
    "ru": "Русский",
    "es": "Español",
    "pt_BR": "Português (Brasil)",
    "fr": "Français",
    "pl": "Polski",
    "ko": "한국어",
}
ENGLISH = "en"


class _Choice(NamedTuple):
    language: str = ENGLISH
    explicit: bool = False  # --lang or EVIDENCE_LANG: the case's language does not override


_ENGLISH_BY_DEFAULT = _Choice()
_choice: contextvars.ContextVar[_Choice] = contextvars.ContextVar(
    "language", default=_ENGLISH_BY_DEFAULT
)
_catalogues: dict[str, _gettext.NullTranslations] = {}


class UnknownLanguage(ValueError):
    """A language asked for by name that has no catalogue."""


def catalogue(language: str) -> _gettext.NullTranslations:
    if language not in _catalogues:
        if language == ENGLISH:
            _catalogues[language] = _gettext.NullTranslations()
        else:
            _catalogues[language] = _gettext.translation(
                DOMAIN, LOCALE_DIR, [language], fallback=True
            )
    return _catalogues[language]


def normalize(code: str) -> str | None:
    """``ru_RU.UTF-8`` -> ``ru``, ``pt-br`` or ``pt`` -> ``pt_BR``, ``C`` -> ``en``; None for a
    language with no catalogue."""
    text = code.strip().split(".")[0].split("@")[0].replace("-", "_")
    if not text:
        return None
    if text in ("C", "POSIX"):
        return ENGLISH
    lang, _, region = text.partition("_")
    lang = lang.lower()
    full = f"{lang}_{region.upper()}" if region else lang
    if full in LANGUAGES:
        return full
    if lang == "pt":
        return "pt_BR"  # the one Portuguese shipped
    return lang if lang in LANGUAGES else None


def system_language(environ: Mapping[str, str] | None = None) -> str:
    """The first language of the system locale that has a catalogue, else English: a German
    system reads English, not an error."""
    env = os.environ if environ is None else environ
    for var in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = env.get(var, "")
        if not value:
            continue
        for part in value.split(":"):
            found = normalize(part)
            if found:
                return found
        if var != "LANGUAGE":
            return ENGLISH  # the first locale variable set decides, as gettext does
    return ENGLISH


def require(code: str) -> str:
    """A language asked for by name (``--lang``, ``EVIDENCE_LANG``, ``[case] language``)."""
    found = normalize(code)
    if found is None:
        raise UnknownLanguage(code)
    return found


def choose(option: str | None = None, environ: Mapping[str, str] | None = None) -> None:
    """Set the run's language from ``--lang``, ``EVIDENCE_LANG`` or the system locale."""
    env = os.environ if environ is None else environ
    if option:
        _choice.set(_Choice(require(option), explicit=True))
    elif env.get("EVIDENCE_LANG"):
        _choice.set(_Choice(require(env["EVIDENCE_LANG"]), explicit=True))
    else:
        _choice.set(_Choice(system_language(env)))


def offer_case_language(code: str) -> None:
    """The case's ``language`` (already validated): used unless --lang or EVIDENCE_LANG said."""
    if code and not _choice.get().explicit:
        _choice.set(_Choice(require(code)))


def use(code: str) -> None:
    """Speak ``code`` from here on in this context (a request thread of the mark page)."""
    _choice.set(_Choice(code, explicit=True))


def first_known(wanted: str) -> str | None:
    """The first language of a list (``ru-RU,ru,en-US``, as a browser gives them) that has a
    catalogue."""
    for part in wanted.split(","):
        found = normalize(part.split(";")[0])
        if found:
            return found
    return None


def current() -> str:
    return _choice.get().language


@contextlib.contextmanager
def language(code: str) -> Iterator[None]:
    """Say what is inside in ``code`` (the English of the dossier, a translation beside it)."""
    token = _choice.set(_Choice(code, explicit=True))
    try:
        yield
    finally:
        _choice.reset(token)


def _(msgid: str, **params: Any) -> str:
    """The message in the current language, its named placeholders filled."""
    text = catalogue(current()).gettext(msgid)
    return text.format(**params) if params else text


def ngettext(singular: str, plural: str, n: int, **params: Any) -> str:
    """The form of the message for ``n`` in the current language; ``{n}`` is filled too."""
    text = catalogue(current()).ngettext(singular, plural, n)
    return text.format(n=n, **params)


def N_(msgid: str) -> str:  # noqa: N802 - gettext's own name for a deferred message
    """Marks a message for the catalogues, translated where it is shown."""
    return msgid


def N_plural(singular: str, plural: str) -> tuple[str, str]:  # noqa: N802 - as N_
    """Marks a message with a plural for the catalogues, said later with ``ngettext``."""
    return singular, plural


# --------------------------------------------------------------------------- saying facts


def long_date(day: dt.date | dt.datetime) -> str:
    """21 November 2026, 21 ноября 2026, 21 de noviembre de 2026 (CLDR, via Babel)."""
    from babel.dates import format_date

    lang = current()
    pattern = "d MMMM y" if lang in (ENGLISH, "ru") else "long"
    locale = "en_GB" if lang == ENGLISH else lang
    return format_date(day, pattern, locale=locale)


def join(items: Sequence[str]) -> str:
    """``a, b and c`` as the language joins a list (CLDR)."""
    from babel.lists import format_list

    items = [i for i in items if i]
    if not items:
        return ""
    lang = current()
    return format_list(items, locale="en_GB" if lang == ENGLISH else lang)


def number(value: float, digits: int = 1) -> str:
    """``3.0`` in English, ``3,0`` in Russian."""
    from babel.numbers import format_decimal

    lang = current()
    pattern = "0." + "0" * digits if digits else "0"
    return format_decimal(value, pattern, locale="en_GB" if lang == ENGLISH else lang)


class Text:
    """A sentence kept as its message and facts, so it can be said in any language: the
    dossier's English and the buyer's translation come from the same ``Text``. A parameter
    may itself be a ``Text`` or a ``Fact`` (said in the same language).

    (Plain classes here, not dataclasses: this module is on the lossless trim's start-up path,
    where each dataclass costs 1-2 ms.)"""

    __slots__ = ("msgid", "params", "plural", "n")

    def __init__(self, msgid: str, plural: str = "", n: int | None = None, **params: Any) -> None:
        self.msgid, self.plural, self.n, self.params = msgid, plural, n, params

    def __str__(self) -> str:
        values = {k: (str(v) if isinstance(v, (Text, Fact)) else v) for k, v in self.params.items()}
        if self.plural and self.n is not None:
            return ngettext(self.msgid, self.plural, self.n, **values)
        return _(self.msgid, **values)

    def __repr__(self) -> str:
        return f"Text({self.msgid!r}, {self.params!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Text) and (self.msgid, self.plural, self.n, self.params) == (
            other.msgid, other.plural, other.n, other.params
        )  # fmt: skip

    __hash__ = None  # type: ignore[assignment]

    def said_in(self, code: str) -> str:
        with language(code):
            return str(self)


class Fact:
    """A value said differently by language (a date, a number, a list)."""

    __slots__ = ("value",)

    def __init__(self, value: Any) -> None:
        self.value = value

    def __str__(self) -> str:  # pragma: no cover - every fact says itself
        raise NotImplementedError


class Date(Fact):
    def __str__(self) -> str:
        return long_date(self.value)


class Number(Fact):
    """One decimal, as the language writes it."""

    def __str__(self) -> str:
        return number(self.value, 1)


class Joined(Fact):
    """Several texts joined as the language joins a list."""

    def __str__(self) -> str:
        return join([str(i) for i in self.value])
