"""Headless Chromium driven over the DevTools protocol on a pipe (`--remote-debugging-pipe`: JSON
messages ended by a NUL byte on file descriptors 3 and 4), so no driver or websocket library is needed.
A plain module (not a test file), so importing it collects no tests."""

import json
import os
import subprocess
import time
from pathlib import Path


class BrowserError(AssertionError):
    pass


class Browser:
    def __init__(self, chromium: str, profile: Path) -> None:
        self.chromium, self.profile = chromium, profile
        self._next_id = 0

    def __enter__(self) -> "Browser":
        to_browser, self._commands = os.pipe()
        self._replies, from_browser = os.pipe()

        def descriptors_3_and_4() -> None:  # in the child, before exec
            os.dup2(to_browser, 3)
            os.dup2(from_browser, 4)

        self._process = subprocess.Popen(
            [self.chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
             "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-extensions",
             f"--user-data-dir={self.profile}", "--remote-debugging-pipe", "--window-size=1280,1000", "about:blank"],
            preexec_fn=descriptors_3_and_4, pass_fds=(3, 4), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        os.close(to_browser)
        os.close(from_browser)
        self._buffer = b""
        page = next(t for t in self._send("Target.getTargets")["targetInfos"] if t["type"] == "page")
        self._session = self._send("Target.attachToTarget", targetId=page["targetId"], flatten=True)["sessionId"]
        return self

    def __exit__(self, *exc: object) -> None:
        os.close(self._commands)
        self._process.terminate()
        self._process.wait(30)
        os.close(self._replies)

    def open(self, url: str) -> None:
        self._send("Page.navigate", session=True, url=url)
        self.wait_for(f"location.href === {json.dumps(url)} && document.readyState === 'complete'")

    def evaluate(self, expression: str):
        reply = self._send("Runtime.evaluate", session=True, expression=expression, returnByValue=True,
                           awaitPromise=True)
        if "exceptionDetails" in reply:
            raise BrowserError(f"{expression}: {reply['exceptionDetails']}")
        return reply["result"].get("value")

    def wait_for(self, condition: str, seconds: float = 30) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            try:
                if self.evaluate(f"Boolean({condition})"):
                    return
            except BrowserError:
                pass  # the page is being replaced
            time.sleep(0.2)
        raise BrowserError(f"not true after {seconds} s: {condition}")

    def drop_files(self, selector: str, paths: list[Path]) -> None:
        """As a user drags files from the desktop onto the element's middle."""
        x, y = self.evaluate(f"(() => {{ const box = document.querySelector({json.dumps(selector)})"
                             ".getBoundingClientRect(); return [box.x + box.width / 2, box.y + box.height / 2]; })()")
        data = {"items": [], "files": [str(p) for p in paths], "dragOperationsMask": 1}  # 1: copy
        for event in ("dragEnter", "dragOver", "drop"):
            self._send("Input.dispatchDragEvent", session=True, type=event, x=x, y=y, data=data)

    def _send(self, method: str, session: bool = False, **params: object) -> dict:
        self._next_id += 1
        message = {"id": self._next_id, "method": method, "params": params}
        if session:
            message["sessionId"] = self._session
        os.write(self._commands, json.dumps(message).encode() + b"\0")
        while True:
            reply = self._read()
            if reply.get("id") == self._next_id:
                if "error" in reply:
                    raise BrowserError(f"{method}: {reply['error']}")
                return reply["result"]

    def _read(self) -> dict:
        while b"\0" not in self._buffer:
            chunk = os.read(self._replies, 65536)
            if not chunk:
                raise BrowserError("Chromium closed the pipe")
            self._buffer += chunk
        message, self._buffer = self._buffer.split(b"\0", 1)
        return json.loads(message)
