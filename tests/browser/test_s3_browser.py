"""A real dashboard (`streamlit run`) whose data folder is a bucket on moto's S3 server."""

from __future__ import annotations

from analysis.ingest import ingest_graph_api
from tests.browser.test_browser import settle
from tests.conftest import APP_AS_OF, APP_REGISTRY, build_app_export
from tests.dashboard_server import serving
from tests.test_s3 import BUCKET, put_registry, s3, s3_server  # noqa: F401 — fixtures


def test_a_dashboard_reads_its_snapshots_from_a_bucket(s3, page, tmp_path):  # noqa: F811
    uri = f"s3://{BUCKET}/hosted"
    put_registry(s3, "hosted", APP_REGISTRY)
    sid = ingest_graph_api(uri, [build_app_export(tmp_path / "export")], as_of=APP_AS_OF)
    sid = sid.snapshot.snapshot_id
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    with serving(uri, tmp_path / "server.log") as (_, url):
        page.goto(url + "/")
        settle(page, '[data-testid="stDataFrame"]')
        assert page.locator('[data-testid="stException"]').count() == 0
        assert sid in page.locator('[data-testid="stSidebar"]').inner_text()
        main = page.locator('[data-testid="stMain"]').inner_text()
        assert "Sidor\n\n6\n" in main  # the six pages of the app world (the table is a canvas)
        assert "syntetisk" not in main.lower()
    assert not errors, errors
