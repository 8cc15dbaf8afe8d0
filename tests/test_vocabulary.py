"""Claims, resolutions, defects and platforms live in one registry (vocabulary.py): every part
that offers or says them knows each one, so a new claim cannot be missed somewhere."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click
import pytest
from conftest import run

from evidence_tools import vocabulary
from evidence_tools.case.loader import load_case
from evidence_tools.case.model import CLAIMS, PLATFORMS, RESOLUTIONS, Case, Order
from evidence_tools.cli import cli
from evidence_tools.cli.case_cmds import CLAIM_MEANINGS
from evidence_tools.dossier import text
from evidence_tools.platforms import PLATFORMS as PLATFORM_TABLE


def test_every_part_takes_its_words_from_the_registry() -> None:
    assert tuple(vocabulary.CLAIMS) == CLAIMS and tuple(vocabulary.RESOLUTIONS) == RESOLUTIONS
    assert set(CLAIM_MEANINGS) == set(vocabulary.CLAIMS)
    assert PLATFORMS == vocabulary.PLATFORMS and set(PLATFORM_TABLE) == set(PLATFORMS)
    init = cli.get_command(click.Context(cli), "init")
    assert init is not None
    choices = {p.name: getattr(p.type, "choices", None) for p in init.params}
    assert tuple(choices["claim"]) == CLAIMS and tuple(choices["resolution"]) == RESOLUTIONS


@pytest.mark.parametrize("claim", list(vocabulary.CLAIMS))
def test_every_claim_is_offered_loaded_and_stated(tmp_path: Path, runner, claim: str) -> None:
    root = tmp_path / "case"
    assert run(runner, "init", str(root), "--claim", claim, "--platform", "ebay").exit_code == 0
    toml = (root / "case.toml").read_text()
    assert claim in toml.split("claim = ")[0]  # among the choices the template lists
    case = load_case(root)
    assert case.claim == claim
    facts = [text.ExhibitFacts(1, "photo", "Photo", ["cracked"])]
    said = " ".join(text.statement(case, facts).paragraphs)
    assert "(Exhibit 1)" in said


@pytest.mark.parametrize("defect", list(vocabulary.DEFECTS))
def test_every_defect_is_a_whole_sentence_naming_its_exhibits(defect: str) -> None:
    case = Case(root=Path("."), claim="damaged", order=Order(placed=dt.date(2026, 1, 2)))
    sentences = text.defect_sentences([text.ExhibitFacts(2, "photo", "", [defect]),
                                       text.ExhibitFacts(5, "photo", "", [defect])])  # fmt: skip
    assert [str(s) for s in sentences] == [str(sentences[0])]
    said = str(sentences[0])
    assert said.startswith("The item") and said.endswith("(Exhibits 2 and 5).")
    assert case.claim in vocabulary.CLAIMS
