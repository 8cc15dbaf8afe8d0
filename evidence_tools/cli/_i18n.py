"""``--help`` in the buyer's language: our commands' help, examples and option help, and
click's own words ("Usage:", "Options:", "No such option"), from our catalogues.

click keeps help strings as given when a command is declared; these classes look each one up
when help is shown, so the language chosen by ``--lang`` (or the environment) applies. Every
text looked up here is extracted by ``scripts/messages.py`` from the commands themselves.
"""

from __future__ import annotations

import contextlib
import gettext
import inspect
import sys
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

import click

from evidence_tools.i18n import _, catalogue, current

F = TypeVar("F", bound=Callable[..., Any])


def help_key(text: str) -> str:
    """The catalogue's message for a help string: as click shows it (cleaned, up to \\f)."""
    return inspect.cleandoc(text).partition("\f")[0]


def translated(text: str | None) -> str | None:
    return _(help_key(text)) if text else text


@contextlib.contextmanager
def _said(thing: Any, attr: str) -> Iterator[None]:
    """``thing.attr`` in the reader's language while click formats it."""
    original = getattr(thing, attr)
    setattr(thing, attr, translated(original))
    try:
        yield
    finally:
        setattr(thing, attr, original)


class _Localized(click.Command):
    def format_help_text(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        with _said(self, "help"):
            super().format_help_text(ctx, formatter)

    def format_epilog(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        with _said(self, "epilog"):
            super().format_epilog(ctx, formatter)

    def get_help_option(self, ctx: click.Context) -> click.Option | None:
        """click makes its --help option itself; its help is said like every other option's."""
        found = super().get_help_option(ctx)
        if found is not None and type(found) is click.Option:
            found.__class__ = Option  # adds only get_help_record: no state to convert
        return found

    def get_short_help_str(self, limit: int = 45) -> str:
        if self.short_help:
            return _(help_key(self.short_help))
        with _said(self, "help"):
            return super().get_short_help_str(limit)


class Command(_Localized):
    pass


class Option(click.Option):
    def get_help_record(self, ctx: click.Context) -> tuple[str, str] | None:
        with _said(self, "help"):
            return super().get_help_record(ctx)


class Group(_Localized, click.Group):
    command_class = Command


def command(*args: Any, **kwargs: Any) -> Callable[[F], click.Command]:
    return click.command(*args, cls=Command, **kwargs)


def group(*args: Any, **kwargs: Any) -> Callable[[F], click.Group]:
    return click.group(*args, cls=Group, **kwargs)


def option(*args: Any, **kwargs: Any) -> Callable[[F], F]:
    return click.option(*args, cls=Option, **kwargs)


def commands(root: click.Group) -> Iterator[tuple[str, click.Command]]:
    """Every command under ``root`` with its path ("video trim"), for extraction and tests."""
    ctx = click.Context(root)
    for name in root.list_commands(ctx):
        cmd = root.get_command(ctx, name)
        if cmd is None:
            continue
        yield name, cmd
        if isinstance(cmd, click.Group):
            for sub, child in commands(cmd):
                yield f"{name} {sub}", child


def _click_gettext(message: str) -> str:
    return catalogue(current()).gettext(message)


def _click_ngettext(singular: str, plural: str, n: int) -> str:
    return catalogue(current()).ngettext(singular, plural, n)


def localize_click() -> None:
    """click's own words through our catalogues: its modules call the gettext functions they
    imported; those names are pointed at the run's language (only where click imported
    gettext's own, so a click that stops using gettext is left alone)."""
    for name, module in list(sys.modules.items()):
        if name != "click" and not name.startswith("click."):
            continue
        if getattr(module, "_", None) is gettext.gettext:
            module._ = _click_gettext  # type: ignore[attr-defined]
        if getattr(module, "ngettext", None) is gettext.ngettext:
            module.ngettext = _click_ngettext  # type: ignore[attr-defined]
