"""HTTP receivers the tests start on 127.0.0.1 (a real server in a thread, real sockets)."""

from __future__ import annotations

import importlib.util
import json
import threading
import time
from collections.abc import Callable
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def example_receiver_module():
    """examples/webhook_receiver.py, the receiver docs/integrations.md shows."""
    spec = importlib.util.spec_from_file_location(
        "webhook_receiver", ROOT / "examples" / "webhook_receiver.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class Recorder:
    """Every request as received (method, path, headers, body)."""

    def __init__(self) -> None:
        self.requests: list[dict] = []
        self.lock = threading.Lock()


@contextmanager
def serve(respond: Callable[[dict], tuple[int, str, float]]):
    """
    Start a server; ``respond(request)`` returns (status, text, delay seconds before the
    answer). Yields (base URL, recorder).
    """
    recorder = Recorder()

    class Handler(BaseHTTPRequestHandler):
        def _any(self):
            body = self.rfile.read(int(self.headers.get("content-length") or 0))
            request = {
                "method": self.command,
                "path": self.path,
                "headers": dict(self.headers.items()),
                "body": body,
            }
            with recorder.lock:
                recorder.requests.append(request)
            status, text, delay = respond(request)
            if delay:
                time.sleep(delay)
            try:
                self.send_response(status)
                self.send_header("content-type", "application/json")
                self.end_headers()
                self.wfile.write(text.encode())
            except (BrokenPipeError, ConnectionResetError):
                pass

        do_GET = do_POST = do_PUT = _any  # noqa: N815

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", recorder
    finally:
        server.shutdown()
        server.server_close()


def json_body(request: dict) -> dict:
    return json.loads(request["body"])
