"""The application factory: database migrated, interrupted checks requeued, the worker started, routes mounted."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from starlette.middleware.sessions import SessionMiddleware

from ..version import __version__
from . import json_api, pages
from .database import connect, migrate, sessions
from .jobs import Worker, requeue_interrupted
from .security import guard, session_secret
from .settings import ServiceSettings


def create_app(settings: ServiceSettings, run_worker: bool = True) -> FastAPI:
    """The service; without `run_worker` checks stay queued (tests run them with jobs.work_off)."""
    settings.checks_folder.mkdir(parents=True, exist_ok=True)
    engine = connect(settings.database)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        migrate(engine)
        requeue_interrupted(app.state.sessions)
        worker = Worker(settings) if run_worker else None
        if worker:
            worker.start()
        try:
            yield
        finally:
            if worker:
                worker.stop()
            engine.dispose()

    app = FastAPI(title="budgetlint", version=__version__, lifespan=lifespan,
                  description="预决算公开检查服务：上传文件、查询进度、获取报告（命令行 `budgetlint check` 的网页与 JSON 接口）")
    app.state.settings = settings
    app.state.sessions = sessions(engine)
    app.middleware("http")(guard(settings))
    app.add_middleware(SessionMiddleware, secret_key=session_secret(settings.data), session_cookie="budgetlint_session",
                       same_site="lax")
    app.mount("/static", StaticFiles(directory=Path(__file__).parent / "static"), name="static")
    app.include_router(pages.router)
    app.include_router(json_api.router)
    return app

