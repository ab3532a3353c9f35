"""
Real workers, no eager tasks (#15 §6): the platform on PostgreSQL with the Redis broker,
two web processes (gunicorn + uvicorn), one ``celery worker`` and one ``celery beat``.

It proves, within a bounded time (each wait ≤ 90 s):

1. a decision made through web process A is seen by web process B (no shared memory:
   the database is the only state);
2. every outbox message of the subscribed topics reaches a webhook receiver (started here,
   verifying each signature with ``standardwebhooks``), delivered by the worker — the
   relay task sent on commit and by beat;
3. periodic jobs run: beat sends ``exchange-export`` (every 5 s here) and the worker runs
   it (``ExchangeRun`` rows appear), and the relay passes of ``outbox-relay``.

Run by scripts/ci_real_workers.sh (which sets the environment); stops everything it started.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
WORK = Path(os.environ["KAIGONG_CI_WORK"])
BIN = Path(sys.executable).parent
PORT_A, PORT_B = int(os.environ["KAIGONG_CI_PORT_A"]), int(os.environ["KAIGONG_CI_PORT_B"])

received: dict[str, dict] = {}  # webhook-id → message, as verified by the receiver
refused: list[str] = []
secret_holder: dict[str, str] = {}


def receiver() -> ThreadingHTTPServer:
    from standardwebhooks import Webhook, WebhookVerificationError

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802
            body = self.rfile.read(int(self.headers.get("content-length") or 0))
            try:
                message = Webhook(secret_holder["secret"]).verify(body, dict(self.headers.items()))
            except (WebhookVerificationError, KeyError) as exc:
                refused.append(str(exc))
                self.send_response(401)
            else:
                received.setdefault(self.headers["webhook-id"], message)
                self.send_response(204)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def wait_for(what: str, check, timeout: float = 90.0, every: float = 0.5):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = check()
        if result:
            return result
        time.sleep(every)
    raise SystemExit(f"FAILED: {what} (after {timeout:.0f} s)")


def main() -> int:
    import django

    django.setup()
    from django.db.models import Q

    import httpx
    from knox.models import AuthToken

    from kaigong.cases.tests.factories import CaseFactory, item_of, lifecycle_world
    from kaigong.certificates.tests.factories import issue, issuing_catalogue
    from kaigong.core.models import DeliveryStatus, OutboxDelivery, OutboxMessage
    from kaigong.integrations.models import ExchangeRun
    from kaigong.integrations.services import webhook_subscription_create

    hook = receiver()
    world = lifecycle_world()
    subscription = webhook_subscription_create(
        actor=world.catalog_admin,
        name="CI 接收方",
        url=f"http://127.0.0.1:{hook.server_address[1]}/hook",
        topics=["case.*", "case_item.*", "certificates.*"],
    )
    secret_holder["secret"] = subscription.secret
    case = CaseFactory(world=world, proposed=True)  # accepted, every opinion in
    issue(issuing_catalogue())  # certificates released: a certificates.released message
    tokens = {
        name: AuthToken.objects.create(user=world.users[name])[1]
        for name in ("approver1", "approver2", "supervisor")
    }
    print(f"world ready: case {case.number}", flush=True)

    logs = {name: open(WORK / f"{name}.log", "w") for name in ("web-a", "web-b", "worker", "beat")}
    gunicorn = [str(BIN / "gunicorn"), "-c", str(ROOT / "deploy" / "gunicorn.conf.py")]
    commands = {
        "web-a": [*gunicorn, "--bind", f"127.0.0.1:{PORT_A}", "--workers", "1", "config.asgi:application"],
        "web-b": [*gunicorn, "--bind", f"127.0.0.1:{PORT_B}", "--workers", "1", "config.asgi:application"],
        "worker": [str(BIN / "celery"), "-A", "config", "worker", "-l", "INFO", "-c", "2",
                   "--without-gossip", "--without-mingle", "--without-heartbeat"],
        "beat": [str(BIN / "celery"), "-A", "config", "beat", "-l", "INFO",
                 "-s", str(WORK / "beat-schedule")],
    }  # fmt: skip
    started = {
        name: subprocess.Popen(command, cwd=ROOT, stdout=logs[name], stderr=subprocess.STDOUT)
        for name, command in commands.items()
    }
    try:
        return _prove(httpx, world, case, item_of, tokens, Q, DeliveryStatus, OutboxDelivery,
                      OutboxMessage, ExchangeRun, subscription)  # fmt: skip
    finally:
        for process in started.values():
            if process.poll() is None:
                process.terminate()
        for process in started.values():
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
        hook.shutdown()


def _prove(httpx, world, case, item_of, tokens, Q, DeliveryStatus, OutboxDelivery,
           OutboxMessage, ExchangeRun, subscription) -> int:  # fmt: skip
    a, b = f"http://127.0.0.1:{PORT_A}", f"http://127.0.0.1:{PORT_B}"

    def up(base):
        try:
            return httpx.get(f"{base}/readyz", timeout=2).status_code == 200
        except httpx.HTTPError:
            return False

    wait_for("both web processes ready (database, broker, relay)", lambda: up(a) and up(b))
    print("web A and web B ready", flush=True)

    def auth(name):
        return {"Authorization": f"Token {tokens[name]}", "Host": "127.0.0.1"}

    # 1. decide both items through web A; read the case through web B
    for name, code in (("approver1", "M1"), ("approver2", "M2")):
        item = item_of(case, code)
        answer = httpx.post(
            f"{a}/api/v1/items/{item.public_id}/decide/",
            json={"decision": "approve"},
            headers=auth(name),
            timeout=30,
        )
        if answer.status_code != 200:
            raise SystemExit(
                f"FAILED: decide {code} on web A: {answer.status_code} {answer.text[:300]}"
            )
    seen = httpx.get(f"{b}/api/v1/cases/{case.public_id}/", headers=auth("supervisor"), timeout=30)
    body = seen.json()
    statuses = sorted(i["status"] for i in body["items"])
    if (
        seen.status_code != 200
        or body["status"] not in ("concluded", "issued")
        or statuses
        != [
            "approved",
            "approved",
        ]
    ):
        raise SystemExit(f"FAILED: web B does not see the decisions: {seen.status_code} {body}")
    print(
        f"decisions made on web A, seen on web B: case {body['status']}, items {statuses}",
        flush=True,
    )

    # 2. every subscribed outbox message reaches the receiver, signed, via the worker
    subscribed = (
        Q(topic__startswith="case.")
        | Q(topic__startswith="case_item.")
        | Q(topic__startswith="certificates.")
    )

    def all_delivered():
        wanted = {
            f"msg_{pk}"
            for pk in OutboxMessage.objects.filter(subscribed).values_list("pk", flat=True)
        }
        open_ = OutboxDelivery.objects.filter(consumer=subscription.consumer_name).exclude(
            status=DeliveryStatus.DELIVERED
        )
        return wanted and wanted <= set(received) and not open_.exists() and wanted

    wanted = wait_for("every subscribed outbox message delivered to the receiver", all_delivered)
    topics = sorted({m["type"] for m in received.values()})
    print(
        f"webhooks: {len(wanted)} messages delivered and verified ({', '.join(topics)})", flush=True
    )
    if refused:
        raise SystemExit(f"FAILED: the receiver refused signatures: {refused[:3]}")
    if not any(t.startswith("certificates.") for t in topics):
        raise SystemExit("FAILED: no certificate event reached the receiver")

    # 3. periodic jobs: beat → worker runs the SPGL export (ExchangeRun rows appear)
    wait_for(
        "beat sent exchange-export and the worker ran it twice",
        lambda: ExchangeRun.objects.filter(status="done").count() >= 2,
    )
    beat_log = (WORK / "beat.log").read_text()
    worker_log = (WORK / "worker.log").read_text()
    for needle, log, name in (
        ("Scheduler: Sending due task exchange-export", beat_log, "beat"),
        ("Scheduler: Sending due task outbox-relay", beat_log, "beat"),
        ("kaigong.integrations.exchange_export", worker_log, "worker"),
        ("kaigong.core.outbox_relay", worker_log, "worker"),
    ):
        if needle not in log:
            raise SystemExit(f"FAILED: {name} log lacks {needle!r}")
    runs = ExchangeRun.objects.filter(status="done").count()
    print(
        f"periodic jobs: {runs} SPGL export runs by the worker, relay passes sent by beat",
        flush=True,
    )
    print("real workers: 3 passed, 0 failed", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
