"""The HTML pages (Chinese): upload, the list of checks with live progress, a check with its report
and downloads and what changed since the last check, deleting, and the login form."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, HTTPException, Request, UploadFile
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from jinja2 import Environment, PackageLoader, StrictUndefined

from ..findings import SEVERITY_WORDS
from . import models
from .checks import checks_matching, delete_check, filter_choices, queue_check
from .dependencies import DatabaseSession, Settings, existing_check
from .json_api import check_out
from .results import DOWNLOADS, annotated_name, changes_since_last
from .security import csrf_token, require_csrf, token_matches
from .uploads import Received, UploadRefused

router = APIRouter(include_in_schema=False)
templates = Jinja2Templates(env=Environment(loader=PackageLoader("validator.web", "templates"), autoescape=True,
                                            undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True))
templates.env.globals.update(severity_words=SEVERITY_WORDS, state_words={
    models.QUEUED: "排队中", models.RUNNING: "检查中", models.DONE: "已完成", models.FAILED: "出错"})
# Times as the clerk's clock shows them (the server's time zone: a county's server is in China)
templates.env.filters["local_time"] = lambda moment: models.utc(moment).astimezone().strftime("%Y-%m-%d %H:%M")
# The report is the checker's own page, shown in a sandboxed frame: its inline style and script run, nothing else
REPORT_POLICY = ("default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:; "
                 "frame-ancestors 'self'; sandbox allow-scripts")


# The pages load only their own style sheet and scripts: text slipping past the escaping could run nothing
PAGE_POLICY = "default-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'self'"


def page(request: Request, name: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    return templates.TemplateResponse(request, name, {"csrf": csrf_token(request), **context},
                                      status_code=status_code, headers={"Content-Security-Policy": PAGE_POLICY})


@router.get("/")
def upload_page(request: Request, settings: Settings) -> HTMLResponse:
    return page(request, "upload.html.j2", refusal=None, settings=settings)


@router.post("/checks")
def upload(request: Request, session: DatabaseSession, settings: Settings,
           files: Annotated[list[UploadFile], File()] = [],  # noqa: B006 (FastAPI copies defaults)
           unit: Annotated[str, Form()] = "", year: Annotated[str, Form()] = "",
           csrf: Annotated[str, Form()] = "") -> Response:
    require_csrf(request, csrf)
    chosen = [Received(f.filename, f.file) for f in files if f.filename]  # an empty file input sends one nameless part
    try:
        check = queue_check(session, settings, chosen, unit, year)
    except UploadRefused as refusal:
        return page(request, "upload.html.j2", 400, refusal=str(refusal), settings=settings)
    session.commit()
    return RedirectResponse(f"/checks/{check.id}", 303)


@router.get("/checks")
def list_page(request: Request, session: DatabaseSession, unit: str = "", year: str = "", kind: str = "") -> HTMLResponse:
    return page(request, "checks.html.j2", checks=[check_out(c) for c in checks_matching(session, unit, year, kind)],
                chosen={"unit": unit, "year": year, "kind": kind}, choices=filter_choices(session))


@router.get("/checks/{check_id}")
def check_page(request: Request, session: DatabaseSession, check_id: str) -> HTMLResponse:
    check = existing_check(session, check_id)
    return page(request, "check.html.j2", check=check_out(check), changes=changes_since_last(session, check),
                downloads=DOWNLOADS)


@router.get("/checks/{check_id}/annotated/{document_id}")
def annotated_workbook(session: DatabaseSession, settings: Settings, check_id: str, document_id: str) -> FileResponse:
    document = session.get(models.Document, document_id)
    name = annotated_name(document) if document and document.check_id == check_id else None
    path = settings.checks_folder / check_id / name if name else None
    if path is None or not path.is_file():
        raise HTTPException(404, "没有这个文件的标注工作簿")
    return FileResponse(path, filename=f"{Path(document.file_name).stem}-标注.xlsx")


@router.get("/checks/{check_id}/{download}")
def report_file(session: DatabaseSession, settings: Settings, check_id: str, download: str) -> FileResponse:
    check = existing_check(session, check_id)
    if download not in DOWNLOADS or check.state != models.DONE:
        raise HTTPException(404, "没有这个报告文件（检查可能尚未完成）")
    path = settings.checks_folder / check.id / download
    if download == "report.html":
        return FileResponse(path, media_type="text/html", headers={"Content-Security-Policy": REPORT_POLICY})
    return FileResponse(path, media_type=DOWNLOADS[download][1], filename=f"budgetlint-{check.id[:8]}-{download}")


@router.post("/checks/{check_id}/delete")
def delete(request: Request, session: DatabaseSession, settings: Settings, check_id: str,
           csrf: Annotated[str, Form()] = "") -> RedirectResponse:
    require_csrf(request, csrf)
    delete_check(session, settings, existing_check(session, check_id))
    session.commit()
    return RedirectResponse("/checks", 303)


@router.get("/login")
def login_page(request: Request) -> HTMLResponse:
    return page(request, "login.html.j2", wrong=False)


@router.post("/login")
def login(request: Request, settings: Settings, token: Annotated[str, Form()] = "",
          csrf: Annotated[str, Form()] = "") -> Response:
    require_csrf(request, csrf)
    if not token_matches(settings, token):
        return page(request, "login.html.j2", 401, wrong=True)
    request.session["signed_in"] = True
    return RedirectResponse("/", 303)
