"""Who may send what: the access token, CSRF tokens on forms, the size of a request.

Off the local host every request carries the token (header `Authorization: Bearer …` or
`X-Budgetlint-Token`), or a session cookie that the login form set after the token was typed in.
Forms carry a per-session CSRF token (kept in Starlette's signed session cookie) that the form
routes compare with `require_csrf`; any other state-changing request from a browser of another
origin is refused by its Origin header.
"""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Awaitable, Callable
from pathlib import Path
from urllib.parse import urlsplit

from fastapi import HTTPException, Request
from fastapi.responses import JSONResponse, PlainTextResponse, RedirectResponse, Response

from .settings import ServiceSettings

UNSAFE_METHODS = ("POST", "PUT", "PATCH", "DELETE")
OPEN_PATHS = ("/login", "/static/")  # reachable before logging in

Handler = Callable[[Request], Awaitable[Response]]


def session_secret(data: Path) -> str:
    """The key signing session cookies, kept in the data folder so that sessions survive a restart."""
    path = data / "session-secret"
    if not path.exists():
        path.touch(mode=0o600)
        path.write_text(secrets.token_urlsafe(32), encoding="utf-8")
    return path.read_text(encoding="utf-8").strip()


def csrf_token(request: Request) -> str:
    if "csrf" not in request.session:
        request.session["csrf"] = secrets.token_urlsafe(32)
    return request.session["csrf"]


def require_csrf(request: Request, submitted: str) -> None:
    expected = request.session.get("csrf")
    if not expected or not hmac.compare_digest(expected, submitted or ""):
        raise HTTPException(403, "表单已过期或来自其他网站（CSRF 校验未通过）：请刷新页面后重新提交")


def token_matches(settings: ServiceSettings, given: str | None) -> bool:
    return settings.token is not None and given is not None and hmac.compare_digest(settings.token, given)


def guard(settings: ServiceSettings) -> Callable[[Request, Handler], Awaitable[Response]]:
    """The middleware: request size, origin of state-changing requests, and the token."""

    async def check(request: Request, call_next: Handler) -> Response:
        refusal = _too_large(request, settings) or _foreign_origin(request) or _not_allowed(request, settings)
        return refusal or await call_next(request)

    return check


def _too_large(request: Request, settings: ServiceSettings) -> Response | None:
    if request.method not in UNSAFE_METHODS:
        return None
    length = request.headers.get("content-length")
    if length is None:
        if request.headers.get("transfer-encoding"):
            return _refusal(request, "请求须给出 Content-Length", 411)
        return None
    if not length.isdigit() or int(length) > settings.max_upload_bytes:
        return _refusal(request, f"上传内容超过上限 {settings.max_upload_bytes:,} 字节，请分批上传", 413)
    return None


def _foreign_origin(request: Request) -> Response | None:
    origin = request.headers.get("origin")
    if request.method in UNSAFE_METHODS and origin is not None and urlsplit(origin).netloc != request.url.netloc:
        return _refusal(request, "拒绝来自其他网站的请求", 403)
    return None


def _not_allowed(request: Request, settings: ServiceSettings) -> Response | None:
    if settings.token is None or request.url.path.startswith(OPEN_PATHS) or request.session.get("signed_in"):
        return None
    authorization = request.headers.get("authorization", "")
    given = authorization[7:] if authorization.lower().startswith("bearer ") else request.headers.get("x-budgetlint-token")
    if token_matches(settings, given):
        return None
    if request.url.path.startswith("/api/") or request.method != "GET":
        return JSONResponse({"detail": "需要访问口令（请求头 Authorization: Bearer 口令）"}, 401,
                            headers={"WWW-Authenticate": "Bearer"})
    return RedirectResponse("/login", 303)


def _refusal(request: Request, message: str, status: int) -> Response:
    """JSON for the API (as FastAPI's own errors), the message as text for a form sent from a page."""
    if request.url.path.startswith("/api/"):
        return JSONResponse({"detail": message}, status)
    return PlainTextResponse(message, status)
