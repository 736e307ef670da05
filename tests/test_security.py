"""User input never becomes SQL text.

(a) A static check over every Python file of the app: the SQL handed to DuckDB's `execute`/`sql`
is a constant, a file loaded by `sql.load`, or a plain variable that was not built by string
formatting. (b) `Filters` refuses values outside its allowlists. (c) Hostile strings as sector,
snapshot, page or agency ids through the public API and the CLI give a clean error or nothing,
and never run: the data folder keeps working afterwards.
"""

from __future__ import annotations

import ast
import math
from datetime import date
from pathlib import Path

import pytest

from analysis.cli import main
from analysis.errors import DataDirError, SvarstidError
from analysis.read import metrics
from analysis.read.dataset import Dataset
from analysis.read.metrics import FilterError, Filters, rank

REPO = Path(__file__).resolve().parent.parent
APP_DIRS = ("analysis", "pages", "views", "ui")
APP_FILES = ("dashboard.py",)
SQL_METHODS = {"execute", "executemany", "sql"}

HOSTILE = [
    "x' or 1=1 --",
    "' OR '1'='1",
    "Socialförsäkring' or sector <> '",
    "'; drop table page_dim; --",
    "1; select * from read_text('/etc/passwd')",
    '" or ""="',
    "%",
    "_",
    "*",
    "\\",
    "$sector",
    "?",
    "\x00",
    "x\x00' or 1=1 --",
    "<script>alert(1)</script>",
    "../../../../etc/passwd",
    "ö" * 100_000,
]


# -- (a) the static check ---------------------------------------------------------------------


def _is_formatting(node: ast.AST) -> bool:
    """An expression that builds a string from parts: f-string, %, +, .format, .join, .replace."""
    if isinstance(node, ast.JoinedStr):
        return True
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod | ast.Add):
        return True
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
        return node.func.attr in {"format", "join", "replace", "format_map"}
    return False


def _is_sql_load(node: ast.AST) -> bool:
    if not isinstance(node, ast.Call):
        return False
    func = node.func
    return (isinstance(func, ast.Name) and func.id == "load") or (
        isinstance(func, ast.Attribute) and func.attr == "load"
    )


def sql_findings(source: str, filename: str = "<string>") -> list[str]:
    """Calls to .execute/.executemany/.sql whose SQL is not a constant, a sql.load(...) call or a
    name/attribute; and names passed as SQL that were assigned a formatted string."""
    tree = ast.parse(source, filename)
    findings = []
    scopes = [n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)]
    scopes.append(tree)
    for scope in scopes:
        formatted = {
            target.id
            for node in ast.walk(scope)
            if isinstance(node, ast.Assign | ast.AugAssign | ast.AnnAssign)
            and node.value is not None
            and (_is_formatting(node.value) or isinstance(node, ast.AugAssign))
            for target in (node.targets if isinstance(node, ast.Assign) else [node.target])
            if isinstance(target, ast.Name)
        }
        for node in ast.walk(scope):
            if not (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr in SQL_METHODS
                and (node.args or node.keywords)
            ):
                continue
            arg = node.args[0] if node.args else node.keywords[0].value
            where = f"{filename}:{node.lineno}"
            if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                continue
            if _is_sql_load(arg):
                continue
            if isinstance(arg, ast.Name) and arg.id in formatted:
                findings.append(f"{where}: SQL in {arg.id!r} is built by string formatting")
            elif isinstance(arg, ast.Name | ast.Attribute):
                continue
            else:
                findings.append(f"{where}: SQL built in place ({ast.unparse(arg)[:60]})")
    return sorted(set(findings))


def app_sources() -> list[Path]:
    files = [REPO / f for f in APP_FILES if (REPO / f).is_file()]
    for d in APP_DIRS:
        files += sorted((REPO / d).rglob("*.py")) if (REPO / d).is_dir() else []
    return files


def test_the_static_check_catches_what_it_should():
    bad = """
def a(con, sector):
    con.execute(f"select * from t where sector = '{sector}'")
def b(con, x):
    con.sql("select * from t where id = " + x)
def c(con, x):
    q = "select * from t where id = %s" % x
    con.execute(q)
def d(cur, x):
    cur.execute("select {}".format(x), {})
def e(con, name):
    query = "select 1"
    query += name
    con.execute(query)
"""
    assert len(sql_findings(bad)) == 5
    good = """
def f(con, sql, name, params):
    con.execute("set TimeZone = 'UTC'")
    con.execute(sql.load(name), params)
    con.sql(load("x"), params={"a": 1})
    text = sql.load(name)
    con.execute(text, params)
    con.execute(self.query_text)
"""
    assert sql_findings(good) == []


def test_no_sql_is_built_from_strings_in_the_app():
    files = app_sources()
    assert any(f.parent.name == "analysis" for f in files)
    findings = [x for f in files for x in sql_findings(f.read_text("utf-8"), str(f))]
    assert not findings


def test_sql_files_take_values_only_as_parameters():
    """No Python-style placeholders in the .sql files (they are run as written)."""
    import re

    for path in (REPO / "analysis" / "sql").rglob("*.sql"):
        text = path.read_text("utf-8")
        assert not re.search(r"\{[a-z_]*\}|%\(|%s\b", text), path


# -- (b) Filters: allowlists and ranges ---------------------------------------------------------


@pytest.mark.parametrize("field", ["scope", "clock", "level"])
@pytest.mark.parametrize("value", ["x' or 1=1 --", "ALL", " all", "all ", "", None, 1, "wall;"])
def test_filters_refuse_values_outside_the_allowlists(field, value):
    with pytest.raises(FilterError):
        Filters(**{field: value})


@pytest.mark.parametrize(
    "changes",
    [
        {"pending_hours": -1},
        {"pending_hours": math.nan},
        {"pending_hours": math.inf},
        {"pending_hours": 24 * 366},
        {"min_items": -1},
        {"since": date(2017, 2, 1), "until": date(2017, 1, 1)},
    ],
    ids=str,
)
def test_filters_refuse_values_out_of_range(changes):
    with pytest.raises(FilterError):
        Filters(**changes)


@pytest.mark.parametrize(
    "changes",
    [{"since": "2017-01-01' or 1=1 --"}, {"until": "9999-99-99"}, {"min_items": "10; --"},
     {"pending_hours": "72"}],
    ids=str,
)  # fmt: skip
def test_filters_refuse_values_of_the_wrong_type(changes):
    with pytest.raises(FilterError):
        Filters(**changes)


def test_filter_values_reach_sql_only_as_parameters():
    params = Filters(sector="x' or 1=1 --").params()
    assert params["sector"] == "x' or 1=1 --"
    assert set(params) == {
        "level", "scope", "clock", "since", "until", "pending_minutes", "min_items", "sector",
    }  # fmt: skip


# -- (c) hostile strings through the public API and the CLI ---------------------------------------


def _still_works(data_dir: Path) -> None:
    ds = Dataset(data_dir)
    assert len(rank(ds)) == 3
    assert set(ds.con.execute("show tables").df()["name"]) >= {"page_dim"}


@pytest.mark.parametrize("sector", HOSTILE, ids=lambda s: repr(s[:20]))
def test_hostile_sector_returns_no_rows(study_data, sector):
    ds = Dataset(study_data)
    for level in metrics.LEVELS:
        assert len(rank(ds, Filters(sector=sector, level=level))) == 0
    _still_works(study_data)


@pytest.mark.parametrize("snapshot", HOSTILE, ids=lambda s: repr(s[:20]))
def test_hostile_snapshot_is_a_clean_error(study_data, snapshot):
    with pytest.raises(DataDirError, match="no snapshot named"):
        Dataset(study_data, snapshot=snapshot)
    _still_works(study_data)


def test_a_snapshot_pin_that_sorts_after_every_snapshot_is_refused(study_data):
    latest = Dataset(study_data).latest.snapshot_id
    with pytest.raises(DataDirError):
        Dataset(study_data, snapshot=latest + "' or 1=1 --")
    with pytest.raises(DataDirError):
        Dataset(study_data, snapshot="99999999T999999Z_99999999T999999Z_ffffff")


@pytest.mark.parametrize("entity", HOSTILE, ids=lambda s: repr(s[:20]))
def test_hostile_page_or_agency_ids_are_refused_by_the_profile(study_data, entity):
    profile = pytest.importorskip("analysis.read.profile")
    ds = Dataset(study_data)
    functions = [
        getattr(profile, name)
        for name in dir(profile)
        if name.startswith("profile_") and callable(getattr(profile, name))
    ]
    assert functions
    for level in metrics.LEVELS:
        for fn in functions:
            try:
                out = fn(ds, Filters(level=level), [entity])
            except SvarstidError:
                continue
            assert len(out) == 0, fn.__name__
    _still_works(study_data)


def test_hostile_values_through_the_cli(study_data, capsys):
    capsys.readouterr()
    # an unknown sector is refused, naming the known ones
    assert main(["rank", "--data-dir", str(study_data), "--sector", "x' or 1=1 --"]) == 2
    assert "is no sector of these pages" in capsys.readouterr().err
    assert main(["rank", "--data-dir", str(study_data), "--format", "csv",
                 "--sector", "'; drop table page_dim; --"]) == 2  # fmt: skip
    assert capsys.readouterr().out == ""
    assert main(["rank", "--data-dir", str(study_data), "--snapshot", "x' or 1=1 --"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and "no snapshot named" in err and err.count("\n") == 1
    for option in (["--scope", "x' or 1=1"], ["--clock", "1=1"], ["--since", "9999-99-99"],
                   ["--until", "2017-01-01' --"], ["--level", "page;"]):  # fmt: skip
        with pytest.raises(SystemExit) as info:
            main(["rank", "--data-dir", str(study_data), *option])
        assert info.value.code == 2
        assert "Traceback" not in capsys.readouterr().err
    _still_works(study_data)


# -- downloads: text from the data stays text in a spreadsheet -----------------------------------


def test_excel_download_holds_no_formulas():
    """openpyxl stores a string starting with '=' as a formula: a page or agency name like
    =HYPERLINK(...) must stay text in the Excel download."""
    import io

    import openpyxl
    import pandas as pd

    tables = pytest.importorskip("ui.tables")
    hostile = '=HYPERLINK("https://evil.example","klicka här")'
    ranking = pd.DataFrame(
        {"rank": [1], "page_id": ["1"], "page_name": [hostile], "agency": ["=1+1"],
         "reply_rate": [0.5]}
    )  # fmt: skip
    book = openpyxl.load_workbook(io.BytesIO(tables.ranking_xlsx(ranking, [("x", "=2+2")], "sv")))
    formulas = [
        (ws.title, cell.coordinate, cell.value)
        for ws in book.worksheets
        for row in ws.iter_rows()
        for cell in row
        if cell.data_type == "f"
    ]
    assert not formulas


HOSTILE_AGENCY = '=HYPERLINK("https://evil.example","klicka här")'


def test_csv_downloads_keep_formula_like_text_as_text(study_data, capsys):
    """A registry agency or sector that a spreadsheet would run as a formula is written with a
    leading apostrophe in the CLI's CSV and in the dashboard's CSV download, which are equal."""
    import csv
    import io

    from analysis.registry import PageEntry, write_registry

    tables = pytest.importorskip("ui.tables")
    write_registry(study_data, [
        PageEntry(page_id="100", agency=HOSTILE_AGENCY, sector="+SUM(A1:A9)"),
        PageEntry(page_id="200", agency="@cmd", sector="-1+2"),
    ])  # fmt: skip
    capsys.readouterr()
    assert main(["rank", "--data-dir", str(study_data), "--format", "csv"]) == 0
    cli_text = capsys.readouterr().out
    rows = {r["page_id"]: r for r in csv.DictReader(io.StringIO(cli_text))}
    assert rows["100"]["agency"] == "'" + HOSTILE_AGENCY
    assert rows["100"]["sector"] == "'+SUM(A1:A9)"
    assert rows["200"]["agency"] == "'@cmd" and rows["200"]["sector"] == "'-1+2"
    for row in rows.values():  # numbers are left alone, and no cell starts a formula
        assert float(row["inbound"]) >= 0
        assert not any(v.startswith(("=", "+", "-", "@")) for v in row.values())
    download = tables.ranking_csv(rank(Dataset(study_data))).decode("utf-8")
    assert download == cli_text
    # the dashboard's CSV for people (Swedish Excel: ';', BOM) is as safe
    people = tables.people_csv(rank(Dataset(study_data)), "sv").decode("utf-8-sig")
    cells = [c for r in csv.reader(io.StringIO(people), delimiter=";") for c in r]
    assert "'" + HOSTILE_AGENCY in cells and "'+SUM(A1:A9)" in cells
    assert not any(c.startswith(("=", "+", "@")) for c in cells)


# -- hosting: bounded caches, no stack traces -----------------------------------------------------


def _cache_settings() -> list[tuple[str, str, dict]]:
    """Every st.cache_data / st.cache_resource in ui/ and views/ with its settings, `**NAME`
    spreads resolved from the module's own constants."""
    import importlib

    found = []
    for path in sorted([*REPO.glob("ui/*.py"), *REPO.glob("views/*.py"), REPO / "dashboard.py"]):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for fn in ast.walk(tree):
            if not isinstance(fn, ast.FunctionDef):
                continue
            for deco in fn.decorator_list:
                call = deco if isinstance(deco, ast.Call) else None
                target = call.func if call else deco
                if not (isinstance(target, ast.Attribute) and target.attr.startswith("cache_")):
                    continue
                settings: dict = {}
                for kw in call.keywords if call else []:
                    if kw.arg is None:  # **CONSTANT
                        module = importlib.import_module(f"{path.parent.name}.{path.stem}")
                        settings.update(getattr(module, kw.value.id))
                    elif isinstance(kw.value, ast.Name):  # a module constant
                        module = importlib.import_module(f"{path.parent.name}.{path.stem}")
                        settings[kw.arg] = getattr(module, kw.value.id)
                    else:
                        settings[kw.arg] = ast.literal_eval(kw.value)
                found.append((f"{path.name}:{fn.name}", target.attr, settings))
    return found


def test_every_cache_has_limits():
    """A hosted dashboard meets endless filter combinations: no cache may grow without end."""
    caches = _cache_settings()
    assert len(caches) >= 4, caches  # the dataset and the result caches of ui/data.py
    for where, kind, settings in caches:
        assert 0 < settings.get("max_entries", 0) <= 1024, where
        if kind == "cache_data":
            assert settings.get("ttl"), where


def test_hosted_dashboard_hides_error_details():
    """ "none" hides message and trace alike (false still shows the trace in Streamlit 1.67)."""
    import tomllib

    config = tomllib.loads((REPO / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["client"]["showErrorDetails"] == "none"
    assert config["browser"]["gatherUsageStats"] is False


def test_hosted_dashboard_watches_no_source_files():
    """A host's code does not change under it; watching cost every new session server CPU."""
    import tomllib

    config = tomllib.loads((REPO / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["server"]["fileWatcherType"] == "none"
    assert config["server"]["runOnSave"] is False
    assert "--server.fileWatcherType auto" in (REPO / "Makefile").read_text(encoding="utf-8")
