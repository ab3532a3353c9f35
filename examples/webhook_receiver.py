"""
An example receiver of Kaigong's webhooks (docs/integrations.md#receiver).

Run it:  pip install standardwebhooks==1.1.0
         KAIGONG_WEBHOOK_SECRETS="whsec_…" python examples/webhook_receiver.py 8088

What a receiver must do, and this one does:

1. Verify the signature with the ``standardwebhooks`` package over the raw body and the
   ``webhook-id``, ``webhook-timestamp`` and ``webhook-signature`` headers. During a secret
   rotation Kaigong signs with both secrets; list the new secret (and the old one until you
   switch) in ``KAIGONG_WEBHOOK_SECRETS``, separated by spaces: any one match is enough.
2. Refuse a stale or future timestamp: the package refuses anything more than 5 minutes
   away from the receiver's clock, so a captured request cannot be replayed later.
3. Drop a ``webhook-id`` it has already processed (answer 2xx, do nothing): Kaigong delivers
   at least once and keeps the id across retries, and a replay inside the 5 minutes carries
   an id already seen. Keep the ids at least as long as the tolerance (here: in memory;
   in production: a table with a unique key, written in the same transaction as the effect).
4. Answer 2xx quickly; anything else (or no answer within Kaigong's timeout) is retried with
   backoff, in order per key.
"""

from __future__ import annotations

import json
import os
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from standardwebhooks import Webhook, WebhookVerificationError


class Receiver:
    """Verifies, refuses replays, processes each message id once."""

    def __init__(self, secrets: list[str]) -> None:
        self.webhooks = [Webhook(secret) for secret in secrets]
        self.seen: set[str] = set()
        self.processed: list[dict] = []  # the messages, in the order processed
        self.lock = threading.Lock()

    def verify(self, body: bytes, headers: dict[str, str]) -> dict:
        """The parsed message; raises WebhookVerificationError when no secret matches."""
        error: Exception | None = None
        for webhook in self.webhooks:
            try:
                return webhook.verify(body, headers)
            except WebhookVerificationError as exc:
                error = exc
        raise error or WebhookVerificationError("no secret")

    def handle(self, body: bytes, headers: dict[str, str]) -> tuple[int, str]:
        try:
            message = self.verify(body, headers)
        except WebhookVerificationError as exc:
            return 401, f"refused: {exc}"
        msg_id = {k.lower(): v for k, v in headers.items()}["webhook-id"]
        with self.lock:
            if msg_id in self.seen:
                return 200, "duplicate: already processed"
            self.seen.add(msg_id)
            self.processed.append({"id": msg_id, **message})
        return 200, "processed"


def make_handler(receiver: Receiver):
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 - http.server's name
            body = self.rfile.read(int(self.headers.get("content-length") or 0))
            status, text = receiver.handle(body, dict(self.headers.items()))
            self.send_response(status)
            self.send_header("content-type", "text/plain; charset=utf-8")
            self.end_headers()
            self.wfile.write(text.encode())

        def log_message(self, *args):  # quiet
            pass

    return Handler


if __name__ == "__main__":
    port = int(sys.argv[1]) if len(sys.argv) > 1 else 8088
    secrets = os.environ["KAIGONG_WEBHOOK_SECRETS"].split()
    receiver = Receiver(secrets)
    server = ThreadingHTTPServer(("127.0.0.1", port), make_handler(receiver))
    print(f"listening on 127.0.0.1:{port}")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        print(json.dumps(receiver.processed, ensure_ascii=False, indent=1))
