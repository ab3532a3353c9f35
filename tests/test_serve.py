"""`manage.py serve` (make run) really serves: gunicorn, uvicorn's worker, our 404 page."""

import http.client
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _get(port: int, path: str) -> tuple[int, dict, str]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    conn.request("GET", path, headers={"Accept-Language": "zh-CN"})
    response = conn.getresponse()
    return response.status, dict(response.getheaders()), response.read().decode()


def test_serve_answers_through_gunicorn_and_uvicorn_with_our_chinese_404():
    # given the production server started as make run starts it (without the runner)
    port = _free_port()
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test"}
    server = subprocess.Popen(
        [sys.executable, "manage.py", "serve", "--no-runner", "--workers", "1",
         "--bind", f"127.0.0.1:{port}"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        for _ in range(120):
            try:
                status, headers, body = _get(port, "/no-such-page/")
                break
            except OSError:
                time.sleep(0.25)
        else:
            raise AssertionError("the server did not start")

        # then a missing page is our Chinese 404, served by uvicorn (ASGI), not runserver
        assert status == 404
        assert headers.get("server") == "uvicorn"
        assert "页面不存在" in body and "返回首页" in body
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
