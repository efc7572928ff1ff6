"""The checks kept: queueing an upload as a check, finding checks by unit, year and kind, deleting one."""

from __future__ import annotations

import shutil
import uuid
from datetime import datetime, timezone

from fastapi import HTTPException
from sqlalchemy import select
from sqlalchemy.orm import Session

from . import models
from .settings import ServiceSettings
from .uploads import Received, store


def queue_check(session: Session, settings: ServiceSettings, received: list[Received], unit: str = "",
                year: str = "") -> models.Check:
    """Store the files (uploads.store: raises UploadRefused) and queue their check; the caller commits."""
    check_id = uuid.uuid4().hex
    stored = store(received, settings.checks_folder / check_id, settings)
    check = models.Check(id=check_id, created=datetime.now(timezone.utc), state=models.QUEUED,
                         errors=0, warnings=0, infos=0)
    check.documents = [models.Document(id=item.id, position=position, unit=unit.strip()[:200], year=year.strip()[:8],
                                       file_name=item.name[:500], stored_file=item.stored_file, state=models.QUEUED)
                       for position, item in enumerate(stored)]
    session.add(check)
    return check


def checks_matching(session: Session, unit: str = "", year: str = "", kind: str = "",
                    limit: int = 200) -> list[models.Check]:
    """The newest checks first, those with a document of the unit, year and kind given (each optional)."""
    query = select(models.Check).order_by(models.Check.created.desc()).limit(limit)
    conditions = [column == value for column, value in ((models.Document.unit, unit), (models.Document.year, year),
                                                        (models.Document.kind, kind)) if value]
    if conditions:
        query = query.where(models.Check.id.in_(select(models.Document.check_id).where(*conditions)))
    return list(session.scalars(query))


def filter_choices(session: Session) -> dict[str, list[str]]:
    """The units, years and kinds there are, for the list's filters."""
    return {name: sorted(v for v in session.scalars(select(column).distinct()) if v)
            for name, column in (("unit", models.Document.unit), ("year", models.Document.year),
                                 ("kind", models.Document.kind))}


def delete_check(session: Session, settings: ServiceSettings, check: models.Check) -> None:
    """The check with its documents and findings, and its folder (uploaded files, reports); not while it runs."""
    if check.state == models.RUNNING:
        raise HTTPException(409, "检查正在进行，完成后才能删除")
    session.delete(check)
    session.flush()
    shutil.rmtree(settings.checks_folder / check.id, ignore_errors=True)
