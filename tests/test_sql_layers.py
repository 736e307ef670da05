"""The SQL files' layers: staging renames, intermediate defines once, marts only aggregate."""

from __future__ import annotations

import re

import pytest

from analysis.read import sql
from analysis.read.dataset import Dataset
from analysis.read.metrics import Filters

MARTS = sorted(p for p in (sql.SQL_DIR / "marts").glob("*.sql"))
ALL_SQL = sorted(sql.SQL_DIR.glob("*/*.sql"))
# what "an inbound item in scope" is made of: only int_items_in_scope and int_page_posts say it
SCOPE_TERMS = (
    r"\$scope\b", r"\$clock\b", r"created_at\s*[<>]", r"\bkind\s*=", r"\bis_question\b",
    r"\$level\s*=", r"stg_item_facts\(", r"business_minutes", r"\bfrom page_dim\b",
)  # fmt: skip


def _code(path) -> str:
    """The SQL without its comments (the headers name every parameter) and without the arguments
    it passes to the intermediate macros."""
    code = re.sub(r"--[^\n]*", "", path.read_text(encoding="utf-8"))
    return re.sub(r"\b(int_\w+)\([^)]*\)", r"\1(", code)


@pytest.mark.parametrize("path", MARTS, ids=lambda p: p.stem)
def test_no_mart_defines_scope_period_clock_or_entity_itself(path):
    if path.stem == "snapshot_coverage":  # reads the files' own coverage, no items in scope
        return
    code = _code(path)
    found = [term for term in SCOPE_TERMS if re.search(term, code)]
    assert not found, f"{path.name} filters items itself ({found}): select from int_items_in_scope"
    assert "int_items_in_scope(" in code


@pytest.mark.parametrize("path", ALL_SQL, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_every_sql_file_states_its_grain_and_inputs(path):
    head = path.read_text(encoding="utf-8").splitlines()[:12]
    assert head[0].startswith(f"-- {path.stem}: ")
    assert any(line.startswith("-- grain: ") for line in head)
    assert any(line.startswith("-- inputs: ") for line in head)


def test_the_layers_are_the_folders():
    assert {p.parent.name for p in ALL_SQL} == set(sql.LAYERS)
    for path in ALL_SQL:
        assert path.stem.startswith(
            {"staging": "stg_", "intermediate": "int_"}.get(path.parent.name, "")
        )


def _items(ds, **filters) -> list[tuple]:
    f = Filters(**filters)
    params = {**ds.params(), **f.params()}
    names = ("files", "dedupe", "level", "scope", "clock", "since", "until", "pending_minutes")
    return (
        ds.cursor()
        .execute(
            "select item_id, entity_id, response_minutes, is_pending from int_items_in_scope("
            + ", ".join(f"${n}" for n in names)
            + ") order by item_id",
            {n: params[n] for n in names},
        )
        .fetchall()
    )


def test_items_in_scope_on_the_study_export(study_data):
    ds = Dataset(study_data)
    everything = _items(ds)
    # page A: C1–C7 and V1, V2 (C8's author is hidden, so it is nobody's question); page C: D1, D2
    assert len(everything) == 11
    assert {row[0] for row in _items(ds, scope="visitor_posts")} == {"100_v1", "100_v2"}
    questions = {row[0] for row in _items(ds, scope="questions")}
    assert "100_1_c1" in questions and "100_1_c2" not in questions
    by_id = {row[0]: row for row in everything}
    assert by_id["100_1_c1"][2] == 10  # first reply after 10 minutes, wall clock
    assert by_id["100_1_c7"][3] is True  # still pending at as_of
    assert by_id["100_v2"][2] is None  # only a reply stamped before it
    agency = {row[0]: row[1] for row in _items(ds, level="agency")}
    assert agency["100_1_c1"] == agency["300_1_d1"] == "Myndighet A"
    business = {row[0]: row[2] for row in _items(ds, clock="business")}
    assert business["100_v1"] == 90  # Friday 18:00 → Monday 09:30 local: 08:00–09:30 open
