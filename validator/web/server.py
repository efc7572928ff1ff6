"""`budgetlint serve`: the service on an address, with the files named on the command line queued first."""

from __future__ import annotations

from collections.abc import Iterable
from contextlib import ExitStack
from pathlib import Path

import uvicorn

from ..api import expand
from .app import create_app
from .checks import queue_check
from .database import connect, migrate, sessions
from .settings import ServiceSettings, require_token_off_local_host
from .uploads import Received


def serve(settings: ServiceSettings, port: int, paths: Iterable[Path] = ()) -> str:
    """Run until Ctrl-C; raises ExposedWithoutToken before listening off the local host without a token,
    UploadRefused for named files that cannot be taken."""
    require_token_off_local_host(settings.host, settings.token)
    files = list(expand(paths))
    if files:
        queue_files(settings, files)
    address = f"http://{settings.host if ':' not in settings.host else f'[{settings.host}]'}:{port}/"
    print(f"budgetlint 网页服务：{address}（数据目录 {settings.data.resolve()}；按 Ctrl-C 停止）", flush=True)
    uvicorn.run(create_app(settings), host=settings.host, port=port, log_level="warning")
    return address


def queue_files(settings: ServiceSettings, files: list[Path]) -> None:
    settings.checks_folder.mkdir(parents=True, exist_ok=True)
    engine = connect(settings.database)
    migrate(engine)
    with ExitStack() as opened, sessions(engine).begin() as session:
        queue_check(session, settings, [Received(str(f), opened.enter_context(f.open("rb"))) for f in files])
    engine.dispose()
