"""`budgetlint serve`: the web service, through FastAPI's test client, a real server process and a
real headless Chromium.

Checks queued by an upload are run here by `jobs.work_off` in the test's process (the same function
the service's worker process loops over), except where the worker process itself is under test.
The database tests run on SQLite and, marked slow, on a throwaway PostgreSQL cluster when its
binaries are installed.
"""

import io
import os
import pwd
import re
import shutil
import signal
import socket
import stat
import subprocess
import sys
import tempfile
import time
import uuid
import zipfile
from collections import Counter
from contextlib import contextmanager
from pathlib import Path

import httpx2 as httpx
import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from helpers import CONSISTENT, SEED002, TOTAL_LINE, mutate, run
from validator.api import check as check_files
from validator.baseline import fingerprint
from validator.cli import main
from validator.web import models
from validator.web.app import create_app
from validator.web.jobs import work_off
from validator.web.settings import ExposedWithoutToken, ServiceSettings, require_token_off_local_host

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "with-mistakes.yaml"
WORKBOOK = Path(__file__).parent / "fixtures" / "seed002" / "final_accounts.xlsx"
# PostgreSQL's server programs: on PATH, or where Debian's postgresql package puts them
PG_BIN = next((Path(found).parent for found in [shutil.which("initdb")] if found), None) or \
    next(iter(sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True)), Path("/usr/local/bin"))


# -- the service under test ---------------------------------------------------------------------------

class Service:
    """A TestClient on an app whose checks run when the test says (`run_checks`)."""

    def __init__(self, client, settings, app):
        self.client, self.settings, self.app = client, settings, app

    def csrf(self):
        return re.search(r'name="csrf" value="([^"]+)"', self.client.get("/").text)[1]

    def upload(self, *files, unit="", year="", csrf=None):
        """Post the upload form with (name, bytes) files; returns the response (not followed)."""
        return self.client.post("/checks", data={"csrf": self.csrf() if csrf is None else csrf, "unit": unit,
                                                 "year": year},
                                files=[("files", (name, content)) for name, content in files], follow_redirects=False)

    def uploaded(self, *files, unit="", year=""):
        """Upload, run the check, return the check's id."""
        response = self.upload(*files, unit=unit, year=year)
        assert response.status_code == 303, response.text
        self.run_checks()
        return response.headers["location"].rsplit("/", 1)[1]

    def run_checks(self):
        return work_off(self.settings, self.app.state.sessions)

    def count(self, model):
        with self.app.state.sessions() as session:
            return session.scalar(select(func.count()).select_from(model))


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.slow)])
def database_url(request, tmp_path):
    if request.param == "sqlite":
        return None
    return request.getfixturevalue("postgresql_url")


@pytest.fixture
def settings(tmp_path, database_url):
    return ServiceSettings(tmp_path / "data", database_url)


@pytest.fixture
def service(settings):
    app = create_app(settings, run_worker=False)
    with TestClient(app) as client:
        yield Service(client, settings, app)


def example_upload(name="with-mistakes.yaml"):
    return name, EXAMPLE.read_bytes()


def report_of(service, check_id):
    response = service.client.get(f"/api/checks/{check_id}/report")
    assert response.status_code == 200, response.text
    return response.json()


# -- a throwaway PostgreSQL cluster -------------------------------------------------------------------------

def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="session")
def postgresql_cluster():
    """initdb and pg_ctl in a temporary folder; the tests using it skip, saying so, without the binaries.
    PostgreSQL refuses to run as root: as root the cluster belongs to the `postgres` user."""
    if not (PG_BIN / "initdb").exists() or not (PG_BIN / "pg_ctl").exists():
        pytest.skip("PostgreSQL binaries (initdb, pg_ctl) are not installed: the database tests ran on SQLite only")
    owner = None
    if os.geteuid() == 0:
        try:
            owner = pwd.getpwnam("postgres")
        except KeyError:
            pytest.skip("running as root without a postgres user: the database tests ran on SQLite only")
    folder = Path(tempfile.mkdtemp(prefix="budgetlint-postgresql-"))
    if owner:
        os.chown(folder, owner.pw_uid, owner.pw_gid)
    cluster, port = folder / "cluster", free_port()
    as_owner = {"user": owner.pw_uid if owner else None, "env": os.environ | {"LC_ALL": "C.UTF-8"},
                "capture_output": True, "cwd": folder}
    subprocess.run([PG_BIN / "initdb", "-D", cluster, "-U", "budgetlint", "--auth=trust", "-E", "UTF8"],
                   check=True, **as_owner)
    subprocess.run([PG_BIN / "pg_ctl", "-D", cluster, "-l", folder / "log", "-w", "-o",
                    f"-p {port} -k {folder} -c listen_addresses=''", "start"], check=True, **as_owner)
    yield folder, port
    subprocess.run([PG_BIN / "pg_ctl", "-D", cluster, "-m", "immediate", "stop"], **as_owner)
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def postgresql_url(postgresql_cluster):
    """A fresh database per test in the session's cluster (over its Unix socket), dropped after it."""
    import psycopg

    folder, port = postgresql_cluster
    name = f"budgetlint_{uuid.uuid4().hex}"

    def administer(statement):
        with psycopg.connect(host=str(folder), port=port, user="budgetlint", dbname="postgres", autocommit=True) as server:
            server.execute(statement)

    administer(f'CREATE DATABASE "{name}"')
    yield f"postgresql+psycopg://budgetlint@/{name}?host={folder}&port={port}"
    administer(f'DROP DATABASE "{name}" WITH (FORCE)')


# -- the package and its schema ---------------------------------------------------------------------------

def test_only_the_command_imports_the_web_package():
    from test_import_graph import PACKAGE, imports_between

    importers = {module for module, targets in imports_between(PACKAGE).items()
                 if not module.startswith("validator.web") and any(t.startswith("validator.web") for t in targets)}
    assert importers == {"validator.cli"}


def test_the_migrations_create_exactly_the_tables_of_the_models(settings):
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from validator.web.database import connect, migrate

    settings.data.mkdir()
    engine = connect(settings.database)
    migrate(engine)
    with engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), models.Base.metadata)
    engine.dispose()
    assert differences == []


def test_files_named_to_serve_are_queued_as_one_check(settings):
    from validator.web.server import queue_files

    queue_files(settings, [EXAMPLE, SEED002])
    app = create_app(settings, run_worker=False)
    with TestClient(app) as client:
        assert Service(client, settings, app).run_checks() == 1
        (check,) = client.get("/api/checks").json()
        assert [d["file_name"] for d in check["documents"]] == [EXAMPLE.name, SEED002.name]
        assert check["state"] == "done"


# -- upload, check, report ---------------------------------------------------------------------------------

def test_an_uploaded_example_is_checked_and_reported_as_the_command_line_reports_it(service):
    check_id = service.uploaded(example_upload())
    expected = check_files([EXAMPLE])
    report = report_of(service, check_id)
    assert [(f["rule"], f["message"].replace("with-mistakes.yaml", "")) for f in report["findings"]] == \
        [(f.rule, f.message.replace(str(EXAMPLE), "")) for f in expected.findings]
    assert {f["file"] for f in report["findings"]} == {"with-mistakes.yaml"}, "the name uploaded, not the stored id"
    page = service.client.get(f"/checks/{check_id}")
    assert f'src="/checks/{check_id}/report.html"' in page.text
    assert f"错误 {expected.count('error')} 个" in page.text


def test_the_embedded_report_is_the_html_report_with_the_findings_marked_and_sandboxed(service):
    check_id = service.uploaded(example_upload())
    response = service.client.get(f"/checks/{check_id}/report.html")
    assert response.status_code == 200 and response.text.startswith("<!DOCTYPE html>")
    assert "sandbox allow-scripts" in response.headers["content-security-policy"]
    assert 'class="hit' in response.text or "hit sev-" in response.text
    assert "with-mistakes.yaml" in response.text


def test_downloads_json_sarif_csv_the_check_sheet_and_the_annotated_workbook(service, tmp_path):
    workbook = workbook_with_wrong_total(tmp_path)
    check_id = service.uploaded(("决算.xlsx", workbook.read_bytes()), example_upload())
    for name, marker in (("report.json", '"findings"'), ("report.sarif", '"runs"'), ("report.csv", "T1-01")):
        response = service.client.get(f"/checks/{check_id}/{name}")
        assert response.status_code == 200 and marker in response.text, name
        assert "attachment" in response.headers["content-disposition"]
    documents = service.client.get(f"/api/checks/{check_id}").json()["documents"]
    assert [d["annotated"] is not None for d in documents] == [True, False], "only the xlsx workbook is annotated"
    annotated = service.client.get(documents[0]["annotated"])
    assert annotated.status_code == 200
    import openpyxl
    book = openpyxl.load_workbook(io.BytesIO(annotated.content))
    assert book["公开01表"]["C33"].comment is not None, "the wrong total is marked"
    checklist = service.client.get(f"/checks/{check_id}/checklist.xlsx")
    assert checklist.status_code == 200 and "attachment" in checklist.headers["content-disposition"]
    sheets = openpyxl.load_workbook(io.BytesIO(checklist.content)).sheetnames
    assert (sheets[0], len(sheets), sheets[-1]) == ("汇总", 4, "全部问题"), sheets  # summary, a sheet per file, all findings


def workbook_with_wrong_total(tmp_path):
    """Seed 002's workbook with 本年收入合计 C33 2,643.57 written as 2,653.57 (edited in its XML)."""
    target = tmp_path / "wrong-total.xlsx"
    with zipfile.ZipFile(WORKBOOK) as source, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
        for entry in source.infolist():
            data = source.read(entry)
            if entry.filename == "xl/worksheets/sheet1.xml":
                assert b"<v>2643.57</v>" in data
                data = data.replace(b"<v>2643.57</v>", b"<v>2653.57</v>")
            out.writestr(entry, data)
    return target


def test_the_api_creates_a_check_reports_progress_and_gives_the_report(service):
    created = service.client.post("/api/checks", files=[("files", example_upload())], data={"unit": "济源", "year": "2023"})
    assert created.status_code == 201
    check = created.json()
    assert (check["state"], check["files_done"], check["files"], check["report"]) == ("queued", 0, 1, None)
    assert service.client.get(f"/api/checks/{check['id']}/report").status_code == 409
    service.run_checks()
    polled = service.client.get(f"/api/checks/{check['id']}").json()
    assert (polled["state"], polled["files_done"], polled["documents"][0]["state"]) == ("done", 1, "done")
    assert report_of(service, check["id"])["summary"]["errors"] == polled["errors"] > 0


def test_the_openapi_page_documents_the_api(service):
    schema = service.client.get("/openapi.json").json()
    assert {"/api/checks", "/api/checks/{check_id}", "/api/checks/{check_id}/report",
            "/api/checks/{check_id}/changes"} <= schema["paths"].keys()
    assert "/checks" not in schema["paths"], "the HTML pages are not part of the API"
    assert service.client.get("/docs").status_code == 200


def test_one_unreadable_file_does_not_stop_the_others(service):
    check_id = service.uploaded(("broken.xlsx", b"not a workbook"), example_upload())
    documents = service.client.get(f"/api/checks/{check_id}").json()["documents"]
    assert documents[0]["error"] and str(service.settings.checks_folder) not in documents[0]["error"]
    assert documents[1]["error"] is None and documents[1]["kind"] == "决算"
    rules = Counter(f["rule"] for f in report_of(service, check_id)["findings"])
    assert rules["READ-01"] == 1 and len(rules) > 1


def test_texts_from_the_upload_are_escaped_on_the_pages(service):
    check_id = service.uploaded(("<img src=x onerror=alert(1)>.yaml", EXAMPLE.read_bytes()), unit="<b>单位</b>",
                                year="2023")
    for response in (service.client.get("/checks"), service.client.get(f"/checks/{check_id}")):
        page = response.text
        assert "<img src=x" not in page and "&lt;img src=x onerror=alert(1)&gt;.yaml" in page
        assert "<b>单位" not in page and "&lt;b&gt;单位" in page
        assert "default-src 'self'" in response.headers["content-security-policy"], "and no inline script would run"


def test_pages_show_times_on_the_servers_clock_and_the_api_in_utc(service, monkeypatch):
    from datetime import datetime

    from validator.web.pages import templates

    monkeypatch.setenv("TZ", "Asia/Shanghai")
    time.tzset()
    try:
        assert templates.env.filters["local_time"](datetime(2026, 12, 7, 4, 0)) == "2026-12-07 12:00"  # stored UTC
        service.upload(example_upload())
        created = service.client.get("/api/checks").json()[0]["created"]
        assert created.endswith(("Z", "+00:00"))
    finally:
        monkeypatch.undo()
        time.tzset()


# -- zip archives and limits ----------------------------------------------------------------------------

def zip_of(*entries, compression=zipfile.ZIP_DEFLATED):
    """A zip of (name, bytes) entries, or ZipInfo objects with their bytes."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, content in entries:
            archive.writestr(name, content)
    return buffer.getvalue()


def test_a_zip_is_checked_file_by_file_under_its_entry_names(service):
    archive = zip_of(("2023/甲单位.yaml", EXAMPLE.read_bytes()), ("2023/乙单位.txt", SEED002.read_bytes()),
                     ("2023/说明.png", b"\x89PNG"), ("__MACOSX/2023/._甲单位.yaml", b"junk"))
    check_id = service.uploaded(("公开.zip", archive))
    names = [d["file_name"] for d in service.client.get(f"/api/checks/{check_id}").json()["documents"]]
    assert names == ["公开.zip/2023/甲单位.yaml", "公开.zip/2023/乙单位.txt"]
    stored = sorted(p.name for p in (service.settings.checks_folder / check_id).iterdir())
    assert not any("单位" in name for name in stored), "stored under generated ids, not the names sent"


def test_zip_entry_names_from_chinese_windows_are_read_as_gbk(service):
    """Such archives store names in GBK without the UTF-8 flag: written here under an ASCII stand-in of the
    same length, then the stand-in's bytes replaced."""
    gbk = "甲单位.yaml".encode("gbk")
    stand_in = b"X" * (len(gbk) - len(".yaml")) + b".yaml"
    archive = zip_of((stand_in.decode(), EXAMPLE.read_bytes())).replace(stand_in, gbk)
    check_id = service.uploaded(("公开.zip", archive))
    assert service.client.get(f"/api/checks/{check_id}").json()["documents"][0]["file_name"] == "公开.zip/甲单位.yaml"


def symlink_entry():
    link = zipfile.ZipInfo("link.yaml")
    link.external_attr = (stat.S_IFLNK | 0o777) << 16
    return link, "/etc/passwd"


BAD_ARCHIVES = {
    "absolute path": (lambda: zip_of(("/etc/cron.d/x.yaml", b"x")), "绝对路径"),
    "climbing out": (lambda: zip_of(("a/../../x.yaml", b"x")), "“..”"),
    "windows drive": (lambda: zip_of(("C:\\x.yaml", b"x")), "绝对路径"),
    "link": (lambda: zip_of(symlink_entry()), "符号链接"),
    "bomb": (lambda: zip_of(("bomb.txt", b"0" * (20 * 1024 * 1024))), "压缩炸弹"),
    "too many entries": (lambda: zip_of(*((f"{i}.txt", b"x") for i in range(6))), "最多检查 5 个"),
    "not a zip": (lambda: b"PK\x03\x04 but broken", "不是有效的 zip"),
}


@pytest.mark.parametrize("kind", BAD_ARCHIVES)
def test_a_dangerous_or_broken_zip_is_refused_with_a_message_and_nothing_kept(tmp_path, kind):
    settings = ServiceSettings(tmp_path / "data", max_files=5)
    app = create_app(settings, run_worker=False)
    with TestClient(app) as client:
        service = Service(client, settings, app)
        archive, message = BAD_ARCHIVES[kind]
        response = service.upload(("bad.zip", archive()))
        assert response.status_code == 400 and message in response.text, response.text
        assert "bad.zip" in response.text
        api = client.post("/api/checks", files=[("files", ("bad.zip", archive()))])
        assert api.status_code == 400 and message in api.json()["detail"]
        assert service.count(models.Check) == 0 and not any(settings.checks_folder.iterdir())


def test_uploads_over_the_size_or_count_limit_and_unknown_types_are_refused(tmp_path):
    settings = ServiceSettings(tmp_path / "data", max_upload_bytes=50_000, max_files=2, max_file_bytes=20_000)
    app = create_app(settings, run_worker=False)
    with TestClient(app) as client:
        service = Service(client, settings, app)
        too_large = service.upload(("big.txt", b"x" * 60_000))
        assert too_large.status_code == 413 and "上传内容超过上限 50,000 字节" in too_large.text
        too_large = client.post("/api/checks", files=[("files", ("big.txt", b"x" * 60_000))])
        assert too_large.status_code == 413 and "50,000" in too_large.json()["detail"]
        one_too_large = service.upload(("big.txt", b"x" * 30_000))
        assert one_too_large.status_code == 400 and "20,000" in one_too_large.text
        too_many = service.upload(*((f"{i}.txt", b"x") for i in range(3)))
        assert too_many.status_code == 400 and "最多检查 2 个" in too_many.text
        unknown = service.upload(("run.sh", b"rm -rf /"))
        assert unknown.status_code == 400 and "不是可检查的文件类型" in unknown.text
        assert service.count(models.Check) == 0


# -- CSRF, origin, token --------------------------------------------------------------------------------

@pytest.mark.parametrize("token", ["", "forged"])
def test_a_form_without_its_csrf_token_is_refused(service, token):
    service.client.get("/")  # a session with a token exists
    response = service.upload(example_upload(), csrf=token)
    assert response.status_code == 403 and "CSRF" in response.text
    check_id = service.uploaded(example_upload())
    deleted = service.client.post(f"/checks/{check_id}/delete", data={"csrf": token})
    assert deleted.status_code == 403 and service.count(models.Check) == 1


def test_a_state_changing_request_from_another_site_is_refused(service):
    response = service.client.post("/api/checks", files=[("files", example_upload())],
                                   headers={"Origin": "https://evil.example"})
    assert response.status_code == 403 and service.count(models.Check) == 0


def test_off_the_local_host_a_token_is_required():
    require_token_off_local_host("127.0.0.1", None)
    require_token_off_local_host("0.0.0.0", "secret")
    with pytest.raises(ExposedWithoutToken, match="--token"):
        require_token_off_local_host("0.0.0.0", None)


def test_serve_refuses_to_start_on_another_address_without_a_token(tmp_path, monkeypatch):
    monkeypatch.delenv("BUDGETLINT_TOKEN", raising=False)
    result = CliRunner().invoke(main, ["serve", "--host", "0.0.0.0", "--data", str(tmp_path / "data")])
    assert result.exit_code == 2 and "拒绝在 0.0.0.0 上启动" in result.stderr and "--token" in result.stderr
    assert not (tmp_path / "data").exists()


def test_with_a_token_every_request_carries_it_or_a_login_session(tmp_path):
    settings = ServiceSettings(tmp_path / "data", host="0.0.0.0", token="s3cret")
    with TestClient(create_app(settings, run_worker=False)) as client:
        assert client.get("/api/checks").status_code == 401
        assert client.get("/checks", follow_redirects=False).headers["location"] == "/login"
        assert client.get("/api/checks", headers={"Authorization": "Bearer s3cret"}).status_code == 200
        assert client.get("/api/checks", headers={"X-Budgetlint-Token": "s3cret"}).status_code == 200
        assert client.get("/api/checks", headers={"Authorization": "Bearer wrong"}).status_code == 401
        csrf = re.search(r'name="csrf" value="([^"]+)"', client.get("/login").text)[1]
        assert client.post("/login", data={"token": "wrong", "csrf": csrf}).status_code == 401
        assert client.get("/checks").url.path == "/login"
        client.post("/login", data={"token": "s3cret", "csrf": csrf})
        assert client.get("/checks").status_code == 200 and client.get("/api/checks").status_code == 200


def test_serve_without_the_web_extra_says_what_to_install(monkeypatch):
    for name in [m for m in sys.modules if m == "validator.web" or m.startswith("validator.web.")]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, "fastapi", None)  # import fastapi raises ImportError
    result = run("serve")
    assert result.exit_code == 2 and "pip install 'budgetlint[web]'" in result.stderr


# -- jobs and restarts -----------------------------------------------------------------------------------

def test_a_restart_requeues_a_cut_off_check_and_runs_it_once(settings):
    app = create_app(settings, run_worker=False)
    with TestClient(app) as client:
        service = Service(client, settings, app)
        queued = service.upload(example_upload()).headers["location"].rsplit("/", 1)[1]
        cut_off = service.upload(example_upload()).headers["location"].rsplit("/", 1)[1]
        with app.state.sessions.begin() as session:  # the worker had taken it when the service was killed
            session.get(models.Check, cut_off).state = models.RUNNING
            session.get(models.Check, cut_off).documents[0].state = models.RUNNING
    restarted = create_app(settings, run_worker=False)
    with TestClient(restarted) as client:
        service = Service(client, settings, restarted)
        states = {c["id"]: c["state"] for c in client.get("/api/checks").json()}
        assert states == {queued: "queued", cut_off: "queued"}
        assert service.run_checks() == 2 and service.run_checks() == 0
        expected = len(check_files([EXAMPLE]).findings)
        for check_id in (queued, cut_off):
            assert len(report_of(service, check_id)["findings"]) == expected
        assert service.count(models.Finding) == 2 * expected, "no finding stored twice"


def test_the_worker_process_runs_an_uploaded_check(settings):
    app = create_app(settings)
    with TestClient(app) as client:
        check_id = client.post("/api/checks", files=[("files", example_upload())]).json()["id"]
        assert wait_until_done(lambda: client.get(f"/api/checks/{check_id}").json())["errors"] > 0


def wait_until_done(poll, seconds=120):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        check = poll()
        if check["state"] in ("done", "failed"):
            assert check["state"] == "done", check
            return check
        time.sleep(0.3)
    raise AssertionError(f"not done after {seconds} s: {check}")


def test_the_list_page_shows_and_polls_the_progress_of_each_file(service):
    service.upload(example_upload())
    page = service.client.get("/checks").text
    assert 'data-state="queued"' in page and "/static/progress.js" in page
    assert "排队中 0/1" in page
    document_id = service.client.get("/api/checks").json()[0]["documents"][0]["id"]
    assert re.search(rf'<li data-document="{document_id}">with-mistakes.yaml：<span class="state">排队中</span>', page)
    script = service.client.get("/static/progress.js")
    assert script.status_code == 200 and "/api/checks/" in script.text


@contextmanager
def server_process(tmp_path, port, kill=signal.SIGTERM):
    """`budgetlint serve` in its own process group, ended with `kill` sent to the whole group; its output
    goes to server.log, shown when it does not start."""
    log = tmp_path / "server.log"
    with log.open("ab") as output:
        server = subprocess.Popen([sys.executable, "-m", "validator", "serve", "--port", str(port), "--data",
                                   str(tmp_path / "data")], cwd=tmp_path, stdout=output, stderr=subprocess.STDOUT,
                                  start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for_server(base, log)
        yield base
    finally:
        os.killpg(server.pid, kill)
        assert server.wait(30) is not None


def wait_for_server(base, log, seconds=60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            httpx.get(f"{base}/api/checks", timeout=2)
            return
        except httpx.TransportError:
            time.sleep(0.3)
    raise AssertionError(f"no server at {base}: {log.read_text(errors='replace')[-2000:]}")


@pytest.mark.slow
def test_a_queued_check_survives_a_kill_of_the_service(tmp_path):
    port = free_port()
    with server_process(tmp_path, port, kill=signal.SIGKILL) as base:
        ids = [httpx.post(f"{base}/api/checks", files=[("files", example_upload())]).json()["id"] for _ in range(3)]
    with server_process(tmp_path, port) as base:
        for check_id in ids:
            wait_until_done(lambda: httpx.get(f"{base}/api/checks/{check_id}").json())
        assert sorted(c["id"] for c in httpx.get(f"{base}/api/checks").json()) == sorted(ids)
        expected = len(check_files([EXAMPLE]).findings)
        assert [len(httpx.get(f"{base}/api/checks/{i}/report").json()["findings"]) for i in ids] == [expected] * 3


# -- deleting and history --------------------------------------------------------------------------------

def test_deleting_a_check_deletes_its_files_documents_and_findings(service):
    kept = service.uploaded(example_upload())
    check_id = service.uploaded(example_upload())
    assert (service.settings.checks_folder / check_id / "report.html").exists()
    response = service.client.post(f"/checks/{check_id}/delete", data={"csrf": service.csrf()}, follow_redirects=False)
    assert response.status_code == 303
    assert not (service.settings.checks_folder / check_id).exists()
    assert service.client.get(f"/api/checks/{check_id}").status_code == 404
    assert service.count(models.Check) == service.count(models.Document) == 1
    assert service.count(models.Finding) == len(report_of(service, kept)["findings"])
    assert service.client.delete(f"/api/checks/{kept}").status_code == 204
    assert service.count(models.Finding) == 0 and not any(service.settings.checks_folder.iterdir())


def test_the_same_unit_and_year_checked_again_shows_new_and_fixed_findings(service, tmp_path):
    wrong_total = mutate(CONSISTENT.read_text(encoding="utf-8"), TOTAL_LINE, "\t2,643.57\t", "\t2,653.57\t").encode()
    service.uploaded(("决算.txt", wrong_total), unit="甲局", year="2023")
    service.uploaded(("决算.txt", wrong_total), unit="乙局", year="2023")  # another unit: not compared
    again = service.uploaded(("决算-修改后.txt", SEED002.read_bytes()), unit="甲局", year="2023")

    before, after = tmp_path / "before.txt", tmp_path / "after.txt"
    before.write_bytes(wrong_total), after.write_bytes(SEED002.read_bytes())
    fingerprints = {name: Counter(fingerprint(f) for f in check_files([path]).findings)
                    for name, path in (("before", before), ("after", after))}
    new, fixed = fingerprints["after"] - fingerprints["before"], fingerprints["before"] - fingerprints["after"]
    assert new and fixed

    page = service.client.get(f"/checks/{again}").text
    assert f"新增问题 {new.total()} 个，已改正 {fixed.total()} 个" in page
    fixed_part = page.split("<h3>已改正</h3>")[1]
    assert "T1-01" in fixed_part and "2,653.57" in fixed_part
    (changes,) = service.client.get(f"/api/checks/{again}/changes").json()
    assert (changes["unit"], changes["year"], len(changes["new"]), len(changes["fixed"])) == \
        ("甲局", "2023", new.total(), fixed.total())
    assert {f["rule"] for f in changes["fixed"]} >= {"T1-01"} and changes["fixed"][0]["file_name"] == "决算.txt"
    first = service.client.get("/api/checks").json()[-1]["id"]
    assert "已改正" not in service.client.get(f"/checks/{first}").text, "a first check has nothing to compare with"
    assert service.client.get(f"/api/checks/{first}/changes").json() == []


def test_the_list_is_filtered_by_unit_year_and_kind(service):
    service.uploaded(example_upload(), unit="甲局", year="2023")
    service.uploaded(example_upload(), unit="乙局", year="2024")
    service.uploaded(("seed.txt", SEED002.read_bytes()), unit="甲局", year="2024")
    def listed(**query):
        return sorted((d["unit"], d["year"]) for c in service.client.get("/api/checks", params=query).json()
                      for d in c["documents"])
    assert listed(unit="甲局") == [("甲局", "2023"), ("甲局", "2024")]
    assert listed(year="2024") == [("乙局", "2024"), ("甲局", "2024")]
    kinds = {d["kind"] for c in service.client.get("/api/checks").json() for d in c["documents"]}
    for kind in kinds:
        assert all(kind in {d["kind"] for d in c["documents"]}
                   for c in service.client.get("/api/checks", params={"kind": kind}).json())
    page = service.client.get("/checks", params={"unit": "乙局"}).text
    assert page.count("<tr data-check=") == 1 and '<option value="乙局" selected>' in page


# -- in a real browser ------------------------------------------------------------------------------------

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.mark.slow
@pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed (apt-get install chromium)")
def test_a_browser_drops_a_workbook_and_sees_the_blamed_cell_marked(tmp_path):
    from browser import Browser  # the DevTools protocol over a pipe: tests/browser.py

    with server_process(tmp_path, free_port()) as base:
        workbook = workbook_with_wrong_total(tmp_path)
        with Browser(CHROMIUM, tmp_path / "profile") as browser:
            browser.open(base + "/")
            browser.drop_files("#drop > span", [workbook])  # its text: not onto the file input, which takes drops itself
            assert browser.evaluate("document.getElementById('chosen').textContent") == workbook.name
            browser.evaluate("document.querySelector('#upload input[name=unit]').value = '甲局'")
            browser.evaluate("document.getElementById('upload').submit()")
            browser.wait_for("document.querySelector('iframe.report') !== null", seconds=120)
            assert "已完成 1/1" in browser.evaluate("document.querySelector('.summary').textContent.replace(/\\s+/g, ' ')")
            report = browser.evaluate("document.querySelector('iframe.report').src")
            browser.open(report)
            browser.wait_for("document.documentElement.dataset.filtered === 'yes'")
            marked = browser.evaluate(
                "Array.from(document.querySelectorAll('td.hit.sev-error')).map(c => c.textContent)")
            assert any("2,653.57" in text for text in marked), marked
