"""The web service under load (a script that prints numbers, not a test).

    python benchmarks/web.py                 # 50 concurrent uploads of the seed files
    python benchmarks/web.py --uploads 100

Starts `budgetlint serve` on a free port with a fresh data folder, sends --uploads API uploads at
once (each one seed file: tests/fixtures/seed00*.txt and seed 002's workbook, in turn), polls each
check until it is done and prints how many completed and were lost, and the p50/p95/max time from
sending the upload to the finished check. Needs the `web` extra.
"""

from __future__ import annotations

import argparse
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx2 as httpx

REPO = Path(__file__).resolve().parent.parent
FIXTURES = REPO / "tests" / "fixtures"
POLL_SECONDS = 1.0  # as the list page polls
SEEDS = [*sorted(FIXTURES.glob("seed00*.txt")), FIXTURES / "seed002" / "final_accounts.xlsx"]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(base: str) -> None:
    for _ in range(200):
        try:
            httpx.get(f"{base}/api/checks", timeout=2)
            return
        except httpx.TransportError:
            time.sleep(0.3)
    raise SystemExit(f"no server at {base}")


def upload_and_wait(base: str, seed: Path) -> tuple[str, float]:
    """(check id, seconds from sending the upload to the finished check)."""
    started = time.monotonic()
    with httpx.Client(base_url=base, timeout=60) as client:
        created = client.post("/api/checks", files=[("files", (seed.name, seed.read_bytes()))])
        created.raise_for_status()
        check_id = created.json()["id"]
        while (state := client.get(f"/api/checks/{check_id}").json()["state"]) not in ("done", "failed"):
            time.sleep(POLL_SECONDS)
    if state != "done":
        raise RuntimeError(f"check {check_id} of {seed.name} failed")
    return check_id, time.monotonic() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--uploads", type=int, default=50)
    arguments = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        server = subprocess.Popen([sys.executable, "-m", "validator", "serve", "--port", str(port), "--data",
                                   str(Path(folder) / "data")], stdout=subprocess.DEVNULL, start_new_session=True)
        try:
            wait_for(base)
            began = time.monotonic()
            with ThreadPoolExecutor(arguments.uploads) as pool:
                results = list(pool.map(lambda i: upload_and_wait(base, SEEDS[i % len(SEEDS)]),
                                        range(arguments.uploads)))
            elapsed = time.monotonic() - began
            kept = {c["id"]: c["state"] for c in httpx.get(f"{base}/api/checks", params={}).json()}
        finally:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(60)
    times = sorted(seconds for _, seconds in results)
    lost = [check_id for check_id, _ in results if kept.get(check_id) != "done"]
    p95 = times[max(0, round(0.95 * len(times)) - 1)]
    print(f"{arguments.uploads} uploads at once ({os.cpu_count()} cores): {len(results)} completed, {len(lost)} lost, "
          f"{len(kept)} checks kept; all done in {elapsed:.1f} s")
    print(f"time to result: p50 {statistics.median(times):.1f} s, p95 {p95:.1f} s, max {times[-1]:.1f} s")


if __name__ == "__main__":
    main()
