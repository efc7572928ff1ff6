"""What a running service is configured with: where its data lives, its address, token and limits."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from ..readers import DEFAULT_MAX_BYTES

LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1")
TOKEN_VARIABLE = "BUDGETLINT_TOKEN"


@dataclass(frozen=True)
class ServiceSettings:
    data: Path  # uploaded files, reports and (by default) the SQLite database
    database_url: str | None = None  # None: SQLite in the data folder
    host: str = "127.0.0.1"
    token: str | None = None  # every request must carry it (required off the local host)
    max_upload_bytes: int = 256 * 1024 * 1024  # one request, all files together
    max_file_bytes: int = DEFAULT_MAX_BYTES  # one file, also inside a zip (the checker's own limit)
    max_files: int = 200  # files in one check, zip entries counted
    max_zip_ratio: int = 100  # uncompressed / compressed size of a zip entry above this is a bomb
    timeout: float = 300.0  # seconds per file, as `budgetlint check --timeout`
    jobs: int = max(1, min(4, os.cpu_count() or 1))  # worker processes per check

    @property
    def database(self) -> str:
        return self.database_url or f"sqlite:///{(self.data / 'budgetlint.db').resolve()}"

    @property
    def checks_folder(self) -> Path:
        return self.data / "checks"


class ExposedWithoutToken(ValueError):
    """Serving beyond this machine with nobody asked who they are."""


def require_token_off_local_host(host: str, token: str | None) -> None:
    if host not in LOCAL_HOSTS and not token:
        raise ExposedWithoutToken(
            f"拒绝在 {host} 上启动：其他计算机可以访问这个地址，须用 --token 或环境变量 {TOKEN_VARIABLE} 设置访问口令"
            f"（或只在本机使用：--host 127.0.0.1）")
