"""Docs that cannot drift: each test fails when the code changes and the docs do not."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from analysis import cli, contract, methodology
from analysis.contract import FACTS_SCHEMA
from analysis.read.metrics import RANK_COLUMNS
from analysis.registry import COLUMNS as REGISTRY_COLUMNS

ROOT = Path(__file__).resolve().parent.parent


def test_methodology_doc_is_generated_from_the_code():
    assert cli.main(["docs", "--check"]) == 0, "run: python -m analysis docs"


def test_methodology_has_both_languages_for_every_definition():
    for d in methodology.DEFINITIONS:
        assert d.term_sv and d.term_en and d.text_sv and d.text_en
    assert len(methodology.definitions("sv")) == len(methodology.definitions("en"))


@pytest.mark.parametrize(
    ("table", "schema"),
    [
        ("pages.parquet", contract.PAGES_SCHEMA),
        ("posts.parquet", contract.POSTS_SCHEMA),
        ("replies.parquet", contract.REPLIES_SCHEMA),
        ("item_facts.parquet", FACTS_SCHEMA),
    ],
)
def test_data_contract_documents_every_column(table, schema):
    text = (ROOT / "docs" / "data-contract.md").read_text(encoding="utf-8")
    section = text.split(f"## {table}")[1].split("\n## ")[0]
    documented = re.findall(r"^\| `(\w+)` \|", section, flags=re.M)
    assert documented == schema.names


def test_data_contract_documents_the_registry():
    text = (ROOT / "docs" / "data-contract.md").read_text(encoding="utf-8")
    section = text.split("## registry.csv")[1]
    documented = set(re.findall(r"^\| `(\w+)` \|", section, flags=re.M))
    assert documented == set(REGISTRY_COLUMNS)


def test_readme_names_every_command_and_the_csv_header():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for command in cli.COMMANDS:
        assert f"`{command}" in readme, command
    assert ",".join(RANK_COLUMNS) in readme
    assert "make run" in readme and "make test" in readme


def test_rank_csv_starts_with_the_contract_columns(study_data, capsys):
    assert cli.main(["rank", "--data-dir", str(study_data), "--format", "csv"]) == 0
    header = capsys.readouterr().out.splitlines()[0]
    assert header.startswith(",".join(RANK_COLUMNS) + ",")


def test_rank_csv_cells(study_data, capsys):
    """Rates as fractions, booleans as true/false, an empty cell where a value is undefined."""
    cli.main(["rank", "--data-dir", str(study_data), "--format", "csv", "--min-items", "1"])
    lines = capsys.readouterr().out.splitlines()
    verket_b = next(line for line in lines if ",Verket B," in line).split(",")
    assert verket_b[0] == "" and verket_b[4] == "false" and verket_b[5:8] == ["0", "0", "0"]
    assert verket_b[8:15] == [""] * 7
    first = lines[1].split(",")
    assert first[0] == "1" and first[4] == "true" and 0 <= float(first[8]) <= 1


def test_rank_table_format(study_data, capsys):
    assert cli.main(["rank", "--data-dir", str(study_data), "--min-items", "1"]) == 0
    out = capsys.readouterr().out
    assert "Myndighet A" in out and "88%" in out and "–" in out
