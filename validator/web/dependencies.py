"""What a route is given: the database session of its request and the service's settings."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, HTTPException, Request
from sqlalchemy.orm import Session

from . import models
from .settings import ServiceSettings


def database_session(request: Request) -> Iterator[Session]:
    with request.app.state.sessions() as session:
        yield session


def service_settings(request: Request) -> ServiceSettings:
    return request.app.state.settings


DatabaseSession = Annotated[Session, Depends(database_session)]
Settings = Annotated[ServiceSettings, Depends(service_settings)]


def existing_check(session: Session, check_id: str) -> models.Check:
    check = session.get(models.Check, check_id)
    if check is None:
        raise HTTPException(404, f"没有编号为 {check_id} 的检查（可能已删除）")
    return check
