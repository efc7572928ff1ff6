"""The JSON API (documented at /docs): create a check with files, poll it, fetch its report, delete it."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, File, Form, HTTPException, UploadFile
from fastapi.responses import FileResponse, Response
from pydantic import BaseModel

from . import models
from .checks import checks_matching, delete_check, queue_check
from .dependencies import DatabaseSession, Settings, existing_check
from .results import DOWNLOADS, annotated_name, changes_since_last
from .uploads import Received, UploadRefused

router = APIRouter(prefix="/api", tags=["检查"])


class DocumentOut(BaseModel):
    id: str
    file_name: str
    unit: str
    year: str
    kind: str | None
    state: str  # queued, running, done
    error: str | None
    annotated: str | None  # the annotated workbook's address, when done and the file is an xlsx workbook


class CheckOut(BaseModel):
    id: str
    created: datetime
    state: str  # queued, running, done, failed
    files_done: int
    files: int
    errors: int
    warnings: int
    infos: int
    page: str
    report: str | None  # the JSON report's address, when done
    documents: list[DocumentOut]


def check_out(check: models.Check) -> CheckOut:
    done = check.state == models.DONE
    documents = [DocumentOut(id=d.id, file_name=d.file_name, unit=d.unit, year=d.year, kind=d.kind, state=d.state,
                             error=d.error,
                             annotated=f"/checks/{check.id}/annotated/{d.id}" if done and annotated_name(d) else None)
                 for d in check.documents]
    return CheckOut(id=check.id, created=models.utc(check.created), state=check.state,
                    files_done=sum(d.state == models.DONE for d in check.documents), files=len(check.documents),
                    errors=check.errors, warnings=check.warnings, infos=check.infos, page=f"/checks/{check.id}",
                    report=f"/api/checks/{check.id}/report" if done else None, documents=documents)


@router.post("/checks", status_code=201, summary="上传文件并排队检查")
def create_check(session: DatabaseSession, settings: Settings,
                 files: Annotated[list[UploadFile], File(description="Excel、PDF、文本、YAML/JSON 文件或 zip 压缩包")],
                 unit: Annotated[str, Form(description="单位名称（可空；同一单位同一年度再次检查时比较新增和已改正的问题）")] = "",
                 year: Annotated[str, Form(description="年度，如 2024（可空）")] = "") -> CheckOut:
    try:
        check = queue_check(session, settings, [Received(f.filename or "", f.file) for f in files], unit, year)
    except UploadRefused as refusal:
        raise HTTPException(400, str(refusal)) from None
    session.commit()
    return check_out(check)


@router.get("/checks", summary="检查列表（最新的在前）")
def list_checks(session: DatabaseSession, unit: str = "", year: str = "", kind: str = "") -> list[CheckOut]:
    return [check_out(c) for c in checks_matching(session, unit, year, kind)]


@router.get("/checks/{check_id}", summary="一次检查的状态（每个文件的进度）")
def get_check(session: DatabaseSession, check_id: str) -> CheckOut:
    return check_out(existing_check(session, check_id))


class FindingOut(BaseModel):
    rule: str
    severity: str
    title: str
    message: str
    place: str
    file_name: str


class ChangesOut(BaseModel):
    unit: str
    year: str
    previous: str  # the id of the check compared with
    new: list[FindingOut]
    fixed: list[FindingOut]


def _finding_out(finding: models.Finding) -> FindingOut:
    return FindingOut(rule=finding.rule, severity=finding.severity, title=finding.title, message=finding.message,
                      place=finding.place, file_name=finding.document.file_name)


@router.get("/checks/{check_id}/changes", summary="与同一单位同一年度上次检查相比新增和已改正的问题")
def get_changes(session: DatabaseSession, check_id: str) -> list[ChangesOut]:
    return [ChangesOut(unit=c.unit, year=c.year, previous=c.previous.id, new=[_finding_out(f) for f in c.new],
                       fixed=[_finding_out(f) for f in c.fixed])
            for c in changes_since_last(session, existing_check(session, check_id))]


@router.get("/checks/{check_id}/report", summary="JSON 报告（与 budgetlint check --format json 相同）",
            response_class=FileResponse)
def get_report(session: DatabaseSession, settings: Settings, check_id: str) -> FileResponse:
    check = existing_check(session, check_id)
    if check.state != models.DONE:
        raise HTTPException(409, f"检查尚未完成（{check.state}）")
    return FileResponse(settings.checks_folder / check.id / "report.json", media_type=DOWNLOADS["report.json"][1])


@router.delete("/checks/{check_id}", status_code=204, summary="删除检查及其文件")
def remove_check(session: DatabaseSession, settings: Settings, check_id: str) -> Response:
    delete_check(session, settings, existing_check(session, check_id))
    session.commit()
    return Response(status_code=204)
