"""``bench_workflow``: workflow transitions over HTTP against gunicorn, vs pgbench."""

from __future__ import annotations

import http.client
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from queue import Empty, Queue
from typing import Any
from urllib.parse import urlparse

from benchmarks.cases import ROOT, bench_url, recreate_database, server_connect


@dataclass
class WorkflowResult:
    concurrency: int
    cases: int
    transitions: int
    errors: int
    seconds: float
    pgbench_tps: float | None
    floor_per_second: float = 0.0  # the lightest authenticated read, same server and clients
    certificates: int = 0  # rendered and signed after commit by the relay, after the run
    documents: int = 0  # the official documents, likewise (受理通知书, 准予行政许可决定书)
    render_seconds: float = 0.0
    bare_per_second: float = 0.0  # the bare DRF view (benchmarks.bare), same server and clients
    server: str = ""  # the gunicorn configuration (ServerSpec.label)
    server_cpu_seconds: float = 0.0  # gunicorn's master and workers, during the transitions
    # requests/s of each measured round, floor and bare alternating (floor_per_second and
    # bare_per_second are their medians); requests per round, all clients together
    floor_rounds: list[float] = field(default_factory=list)
    bare_rounds: list[float] = field(default_factory=list)
    round_requests: int = 0
    # gunicorn's CPU ms per request of each round (less noisy than requests/s on a shared
    # machine: what a read costs the server, not how long it waited)
    floor_cpu_rounds: list[float] = field(default_factory=list)
    bare_cpu_rounds: list[float] = field(default_factory=list)
    # the bare transition (benchmarks.bare.BareTransitionView): requests/s after the rounds,
    # and gunicorn's CPU ms per request
    bare_transition_per_second: float = 0.0
    bare_transition_cpu_ms: float = 0.0

    @property
    def bare_transition_share(self) -> float | None:
        """Bare transition ÷ floor: what the stack itself allows a transition, read as the
        product's transitions are (issue #16 goal for those ≥ 0.5)."""
        if not self.floor_per_second:
            return None
        return self.bare_transition_per_second / self.floor_per_second

    @property
    def stack_share(self) -> float | None:
        """The product's transitions ÷ the bare transition (same server, same clients)."""
        if not self.bare_transition_per_second:
            return None
        return self.per_second / self.bare_transition_per_second

    @property
    def round_shares(self) -> list[float]:
        """Floor ÷ bare of each round (a floor round and the bare round that follows it)."""
        return [f / b for f, b in zip(self.floor_rounds, self.bare_rounds, strict=False) if b]

    @property
    def cpu_share(self) -> float | None:
        """Bare ÷ floor of the medians of gunicorn's CPU per read (floor ÷ bare if CPU-bound)."""
        if not (self.floor_cpu_rounds and self.bare_cpu_rounds):
            return None
        floor = statistics.median(self.floor_cpu_rounds)
        return statistics.median(self.bare_cpu_rounds) / floor if floor else None

    @property
    def paired_share(self) -> float | None:
        """The median of ``round_shares``: each round's pair read under the same load."""
        return statistics.median(self.round_shares) if self.round_shares else None

    @property
    def bare_share(self) -> float | None:
        """Floor ÷ bare DRF (issue #16 goal ≥ 0.7)."""
        return self.floor_per_second / self.bare_per_second if self.bare_per_second else None

    @property
    def cpu_ms_per_transition(self) -> float | None:
        return self.server_cpu_seconds * 1000 / self.transitions if self.transitions else None

    @property
    def per_second(self) -> float:
        return self.transitions / self.seconds if self.seconds else 0.0

    @property
    def ratio(self) -> float | None:
        return self.per_second / self.pgbench_tps if self.pgbench_tps else None

    @property
    def floor_share(self) -> float | None:
        """Transitions ÷ floor (issue #16 goal ≥ 0.5)."""
        return self.per_second / self.floor_per_second if self.floor_per_second else None

    @property
    def floor_ratio(self) -> float | None:
        return self.floor_per_second / self.pgbench_tps if self.pgbench_tps else None


def _prepare_cases(count: int) -> tuple[list[dict], dict[str, str]]:
    """``count`` complete drafts of one world, and a token per role (services only)."""
    from knox.models import AuthToken

    from kaigong.cases.tests.factories import CaseFactory, lifecycle_world, upload_all

    # two certificates per concluded case, as the demo bundles issue (issue #16 §3)
    world = lifecycle_world(certificates=True)
    roles = ["applicant", "clerk", "reviewer1", "reviewer2", "approver1", "approver2"]
    tokens = {r: AuthToken.objects.create(user=world.users[r])[1] for r in roles}
    # the bare transition's clients: one user each, so that their row locks never wait on
    # each other (the journeys' cases are distinct rows too)
    from kaigong.accounts.tests.factories import UserFactory

    for n in range(BARE_TRANSITION_CLIENTS):
        tokens[f"bare{n}"] = AuthToken.objects.create(user=UserFactory())[1]
    cases = []
    for _ in range(count):
        case = CaseFactory(world=world)
        upload_all(case, world.applicant)
        cases.append({"case": str(case.public_id)})
    return cases, tokens


@dataclass
class _Answer:
    status_code: int
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body) if self.body else None


class _LeanClient:
    """
    A keep-alive HTTP/1.1 client on the standard library's ``http.client``: the load
    generator shares the CPUs with the server and PostgreSQL, so it should spend as little
    of them as it can (no connection pool, no event hooks).
    """

    def __init__(self, base: str) -> None:
        parts = urlparse(base)
        self._connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)

    def _send(self, method: str, url: str, body: bytes | None, headers: dict) -> _Answer:
        path = urlparse(url)
        target = path.path + (f"?{path.query}" if path.query else "")
        self._connection.request(method, target, body=body, headers=headers)
        response = self._connection.getresponse()
        return _Answer(response.status, response.read())

    def post(self, url: str, body: Any, *, headers: dict) -> _Answer:
        """POST ``body`` as JSON."""
        encoded = json.dumps(body).encode()
        return self._send("POST", url, encoded, {**headers, "Content-Type": "application/json"})

    def get(self, url: str, *, headers: dict) -> _Answer:
        return self._send("GET", url, None, headers)

    def close(self) -> None:
        self._connection.close()


def _journey(client, base: str, case: str, tokens: dict[str, str]) -> tuple[int, int]:
    """One case from draft to concluded: 6 transitions. Return (done, errors)."""

    def post(role: str, path: str, body: dict) -> dict | None:
        response = client.post(
            base + path, body, headers={"Authorization": f"Token {tokens[role]}"}
        )
        return response.json() if response.status_code < 300 else None

    done = errors = 0
    url = f"/api/v1/cases/{case}/"
    steps: list[tuple[str, str, dict]] = [
        ("applicant", url + "submit/", {}),
        ("clerk", url + "accept/", {}),
    ]
    items: dict[str, str] = {}
    for role, path, body in steps:
        answer = post(role, path, body)
        if answer is None:
            return done, errors + 1
        done += 1
        items = {i["matter_code"]: i["item"] for i in answer.get("items", [])}
    for n, matter in ((1, "M1"), (2, "M2")):
        opinion = {"text": "同意", "recommendation": "approve"}
        if post(f"reviewer{n}", f"/api/v1/items/{items[matter]}/opinions/", opinion) is None:
            return done, errors + 1
        done += 1
    for n, matter in ((1, "M1"), (2, "M2")):
        decision = {"decision": "approve"}
        if post(f"approver{n}", f"/api/v1/items/{items[matter]}/decide/", decision) is None:
            return done, errors + 1
        done += 1
    return done, errors


FLOOR_PATH = "/api/v1/inbox/?page_size=1"
BARE_TRANSITION_CLIENTS = 32  # users with a token for the bare transition (≥ the clients)
BARE_TRANSITIONS = 800  # requests of the bare transition, all clients together
# the floor and the bare view: ROUNDS rounds each, alternating, of FLOOR_REQUESTS ÷ ROUNDS
# requests, after WARM_REQUESTS untimed ones of each (and one untimed journey)
FLOOR_REQUESTS = 1600
ROUNDS = 5
WARM_REQUESTS = 160


def interleaved_rounds(measure: Callable[[str], float], paths: list[str], rounds: int):
    """
    ``measure(path)`` for each of ``paths`` in turn, ``rounds`` times (A B A B A B, not
    A A A B B B: a slow patch of the machine — autovacuum, a noisy neighbour — then falls on
    both alike). ``{path: [one value per round]}``.
    """
    found: dict[str, list[float]] = {path: [] for path in paths}
    for _ in range(rounds):
        for path in paths:
            found[path].append(measure(path))
    return found


def spread(values: list[float]) -> tuple[float, float, float]:
    """(median, min, max) of ``values``; zeros for none."""
    if not values:
        return 0.0, 0.0, 0.0
    return statistics.median(values), min(values), max(values)


def _run_threads(target: Callable[[], None], count: int) -> float:
    """Run ``target`` in ``count`` threads at once; return the seconds until all finished."""
    threads = [threading.Thread(target=target) for _ in range(count)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return time.perf_counter() - started


def _http_floor(
    base: str, token: str, *, concurrency: int, requests: int, path: str = FLOOR_PATH
) -> float:
    """
    Requests per second of the lightest authenticated API read (the applicant's inbox,
    one row) by ``concurrency`` keep-alive clients: what the HTTP stack itself allows on
    this machine, the ceiling any transition is measured against. ``path``: another read
    (the bare DRF view, ``benchmarks.bare``).
    """
    headers = {"Authorization": f"Token {token}"}
    per_client = max(1, requests // concurrency)
    failures: list[int] = []

    def loop() -> None:
        client = _LeanClient(base)
        try:
            for _ in range(per_client):
                status = client.get(base + path, headers=headers).status_code
                if status != 200:
                    failures.append(status)
        finally:
            client.close()

    elapsed = _run_threads(loop, concurrency)
    if failures:
        raise RuntimeError(f"{path} answered {failures[0]}")
    return per_client * concurrency / elapsed


def _http_bare_transitions(
    base: str, tokens: list[str], *, concurrency: int, requests: int
) -> float:
    """
    Requests per second of the bare transition (``benchmarks.bare.BareTransitionView``) by
    ``concurrency`` keep-alive clients, each with a token (a row) of its own.
    """
    from benchmarks.bare import BARE_TRANSITION_PATH

    per_client = max(1, requests // concurrency)
    failures: list[int] = []

    def loop(token: str) -> None:
        client = _LeanClient(base)
        headers = {"Authorization": f"Token {token}"}
        try:
            for _ in range(per_client):
                status = client.post(base + BARE_TRANSITION_PATH, {}, headers=headers).status_code
                if status != 200:
                    failures.append(status)
        finally:
            client.close()

    left = list(tokens[:concurrency])
    lock = threading.Lock()

    def client() -> None:
        with lock:
            token = left.pop()
        loop(token)

    elapsed = _run_threads(client, concurrency)
    if failures:
        raise RuntimeError(f"{BARE_TRANSITION_PATH} answered {failures[0]}")
    return per_client * concurrency / elapsed


def _wait_for(port: int, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        client = _LeanClient(f"http://127.0.0.1:{port}")
        try:
            client.get(f"http://127.0.0.1:{port}/accounts/login/", headers={})
            return
        except (OSError, http.client.HTTPException):  # refused while gunicorn starts
            time.sleep(0.3)
        finally:
            client.close()
    raise RuntimeError("gunicorn did not start")


def pgbench_tps(url: str, *, concurrency: int, seconds: int) -> float | None:
    """tpcb-like TPS on a scratch database at ``concurrency`` clients; None without pgbench."""
    binary = shutil.which("pgbench")
    if binary is None:
        return None
    parts = urlparse(url)
    name = (parts.path.lstrip("/") or "kg_bench") + "_pgbench"
    recreate_database(url, name)
    common = ["-h", parts.hostname or "127.0.0.1", "-p", str(parts.port or 5432)]
    common += ["-U", parts.username or "postgres"]
    env = {**os.environ, **({"PGPASSWORD": parts.password} if parts.password else {})}
    subprocess.run([binary, *common, "-i", "-q", name], env=env, check=True, capture_output=True)
    out = subprocess.run(
        [binary, *common, "-b", "tpcb-like", "-c", str(concurrency), "-j", str(concurrency),
         "-T", str(seconds), name],
        env=env, check=True, capture_output=True, text=True,
    ).stdout  # fmt: skip
    match = re.search(r"tps = ([\d.]+) \(without initial connection time\)", out)
    with server_connect(url) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    return float(match.group(1)) if match else None


def _render_owed() -> tuple[int, int, float]:
    """
    The relay's work the run left (rendering and signing its certificates and its official
    documents, 受理通知书 and 准予行政许可决定书), timed: (certificates, documents, seconds).
    """
    from kaigong.certificates.models import Certificate
    from kaigong.core.relay import outbox_relay_run
    from kaigong.documents.models import OfficialDocument

    certificates = Certificate.objects.filter(rendered_at__isnull=True)
    documents = OfficialDocument.objects.filter(rendered_at__isnull=True)
    owed = certificates.count(), documents.count()
    started = time.perf_counter()
    while outbox_relay_run().delivered:
        pass
    if certificates.exists() or documents.exists():
        raise RuntimeError(
            f"{certificates.count()} certificates and {documents.count()} documents left "
            "unrendered by the relay"
        )
    return owed[0], owed[1], time.perf_counter() - started


@dataclass(frozen=True)
class ServerSpec:
    """
    One gunicorn configuration: ``config`` (a ``-c`` file, sized by its environment), or
    ``workers`` × ``threads`` of ``worker_class``. Written ``sync:2``, ``gthread:5x2``,
    ``uvicorn:3`` or ``conf`` (= ``-c deploy/gunicorn.conf.py``) on the command line.
    """

    worker_class: str = "sync"
    workers: int | None = None
    threads: int | None = None
    config: str = ""

    @classmethod
    def parse(cls, text: str) -> ServerSpec:
        text = text.strip()
        if text == "conf":
            return cls(worker_class="", config="deploy/gunicorn.conf.py")
        if text.startswith("conf:"):
            return cls(worker_class="", config=text.removeprefix("conf:"))
        kind, _, size = text.partition(":")
        workers, _, threads = (size or "2").partition("x")
        return cls(worker_class=kind, workers=int(workers), threads=int(threads or 1))

    def resolved_class(self) -> str:
        """The worker class gunicorn will run (read from the ``-c`` file when there is one)."""
        if self.worker_class or not self.config:
            return WORKER_CLASSES.get(self.worker_class, self.worker_class or "sync")
        namespace: dict[str, Any] = {"__file__": str(ROOT / self.config)}
        exec(compile((ROOT / self.config).read_text(), self.config, "exec"), namespace)  # noqa: S102
        return str(namespace.get("worker_class", "sync"))

    def argv(self, port: int) -> list[str]:
        worker_class = self.resolved_class()
        app = (
            "config.asgi:application"
            if "uvicorn" in worker_class.lower()
            else "config.wsgi:application"
        )
        argv = [str(Path(sys.executable).with_name("gunicorn"))]
        if self.config:
            argv += ["-c", self.config, "--log-level", "warning"]
        else:
            argv += ["-k", worker_class, "--log-level", "warning"]
        if self.workers is not None:
            argv += ["-w", str(self.workers)]
        if self.threads is not None:
            argv += ["--threads", str(self.threads)]
        return [*argv, "-b", f"127.0.0.1:{port}", app]  # the command line wins over -c

    def label(self) -> str:
        if self.config:
            return f"-c {self.config}"
        threads = f"×{self.threads}" if self.threads and self.threads > 1 else ""
        return f"{self.workers} {self.worker_class}{threads}"


WORKER_CLASSES = {"uvicorn": "uvicorn_worker.UvicornWorker"}


class _CpuSampler:
    """
    CPU seconds (user + system) spent by a gunicorn master and its workers from ``start()``
    to ``stop()``, read from /proc every 0.2 s so that a worker recycled meanwhile
    (``max_requests``) still counts up to its last sample. Linux only; 0 elsewhere.
    """

    def __init__(self, master: int) -> None:
        self.master = master
        self._first: dict[int, float] = {}
        self._last: dict[int, float] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)
        self._tick = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100

    def _read(self) -> dict[int, float]:
        found: dict[int, float] = {}
        proc = Path("/proc")
        if not proc.is_dir():
            return found
        for entry in proc.iterdir():
            if not entry.name.isdigit():
                continue
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            pid, ppid = int(entry.name), int(fields[1])
            if pid == self.master or ppid == self.master:
                found[pid] = (int(fields[11]) + int(fields[12])) / self._tick
        return found

    def _loop(self) -> None:
        while not self._stop.wait(0.2):
            self._last.update(self._read())

    def start(self) -> None:
        self._first = self._read()
        self._last = dict(self._first)
        self._thread.start()

    def stop(self) -> float:
        self._stop.set()
        self._thread.join()
        self._last.update(self._read())
        return sum(cpu - self._first.get(pid, 0.0) for pid, cpu in self._last.items())


def _drive(drafts: list[dict], tokens: dict[str, str], *, port: int, concurrency: int):
    """Every draft's journey by ``concurrency`` clients: (transitions, errors, seconds)."""
    queue: Queue = Queue()
    for draft in drafts:
        queue.put(draft["case"])
    totals = {"done": 0, "errors": 0}
    lock = threading.Lock()
    base = f"http://127.0.0.1:{port}"

    def client_loop() -> None:
        client = _LeanClient(base)
        try:
            while True:
                try:
                    case = queue.get_nowait()
                except Empty:
                    return
                done, errors = _journey(client, base, case, tokens)
                with lock:
                    totals["done"] += done
                    totals["errors"] += errors
        finally:
            client.close()

    elapsed = _run_threads(client_loop, concurrency)
    return totals["done"], totals["errors"], elapsed


def _warm_up(base: str, warm: dict, tokens: dict[str, str], *, concurrency: int) -> None:
    """
    Untimed: one journey (``warm``, a draft of its own) and ``WARM_REQUESTS`` floor and bare
    reads by ``concurrency`` clients, so that every worker has imported its modules, opened
    its pooled connections and filled its per-process caches before anything is timed: the
    benchmark measures the steady state, not a worker's first requests.
    """
    from benchmarks.bare import BARE_PATH

    client = _LeanClient(base)
    try:
        done, errors = _journey(client, base, warm["case"], tokens)
    finally:
        client.close()
    if errors:
        raise RuntimeError(f"the warm-up journey failed after {done} transitions")
    for path in (FLOOR_PATH, BARE_PATH):
        _http_floor(
            base, tokens["applicant"], concurrency=concurrency, requests=WARM_REQUESTS, path=path
        )


def _serve_and_measure(
    spec: ServerSpec, drafts: list[dict], tokens: dict[str, str], *, port: int, concurrency: int
) -> WorkflowResult:
    """
    Start gunicorn as ``spec`` says; warm it up with the first draft; the other drafts'
    transitions (with the server's CPU); then the floor and the bare view in alternating
    rounds.
    """
    from benchmarks.bare import BARE_PATH

    # pooled connections, as in production (config/settings/base.py); certificates
    # render after commit (production's default; the test settings render inline); the
    # benchmark's URLconf adds the bare DRF view to the product's URLs
    env = {
        **os.environ,
        "DATABASE_POOL": "1",
        "KAIGONG_CERTIFICATES_RENDER_INLINE": "false",
        "DJANGO_SETTINGS_MODULE": "benchmarks.settings",
    }
    # the access log of a -c file goes to /dev/null, not to the benchmark's output
    server = subprocess.Popen(spec.argv(port), env=env, cwd=ROOT, stdout=subprocess.DEVNULL)
    try:
        _wait_for(port)
        base = f"http://127.0.0.1:{port}"
        warm, drafts = drafts[0], drafts[1:]
        _warm_up(base, warm, tokens, concurrency=concurrency)
        sampler = _CpuSampler(server.pid)
        sampler.start()
        done, errors, elapsed = _drive(drafts, tokens, port=port, concurrency=concurrency)
        cpu = sampler.stop()
        per_client = max(1, FLOOR_REQUESTS // ROUNDS // concurrency)
        token = tokens["applicant"]

        requests = per_client * concurrency
        cpu_rounds: dict[str, list[float]] = {FLOOR_PATH: [], BARE_PATH: []}

        def measure(path: str) -> float:
            round_sampler = _CpuSampler(server.pid)
            round_sampler.start()
            rate = _http_floor(base, token, concurrency=concurrency, requests=requests, path=path)
            cpu_rounds[path].append(round_sampler.stop() * 1000 / requests)
            return rate

        rounds = interleaved_rounds(measure, [FLOOR_PATH, BARE_PATH], ROUNDS)
        bare_tokens = [tokens[f"bare{n}"] for n in range(min(concurrency, BARE_TRANSITION_CLIENTS))]
        _http_bare_transitions(base, bare_tokens, concurrency=len(bare_tokens), requests=80)
        bare_sampler = _CpuSampler(server.pid)
        bare_sampler.start()
        bare_transitions = _http_bare_transitions(
            base, bare_tokens, concurrency=len(bare_tokens), requests=BARE_TRANSITIONS
        )
        bare_transition_cpu = bare_sampler.stop() * 1000 / BARE_TRANSITIONS
    finally:
        server.terminate()
        server.wait(timeout=30)
    return WorkflowResult(
        concurrency=concurrency,
        cases=len(drafts),
        transitions=done,
        errors=errors,
        seconds=elapsed,
        pgbench_tps=None,
        floor_per_second=spread(rounds[FLOOR_PATH])[0],
        bare_per_second=spread(rounds[BARE_PATH])[0],
        server=spec.label(),
        server_cpu_seconds=cpu,
        floor_rounds=rounds[FLOOR_PATH],
        bare_rounds=rounds[BARE_PATH],
        round_requests=requests,
        floor_cpu_rounds=cpu_rounds[FLOOR_PATH],
        bare_cpu_rounds=cpu_rounds[BARE_PATH],
        bare_transition_per_second=bare_transitions,
        bare_transition_cpu_ms=bare_transition_cpu,
    )


def run_workflow_bench(
    *,
    concurrency: int,
    cases: int,
    port: int,
    pgbench_seconds: int,
    servers: list[ServerSpec],
) -> list[WorkflowResult]:
    """
    For each gunicorn configuration of ``servers`` in turn: one untimed journey and reads to
    warm it up, ``cases`` fresh drafts driven concurrently through it, then its floor and
    the bare view in alternating rounds; then the relay renders what the runs left, and
    pgbench. One result per server (pgbench and rendering on each).
    """
    batch = cases + 1  # one world, one batch per server: its warm-up draft and its cases
    every, tokens = _prepare_cases(batch * len(servers))
    prepared = [every[n * batch : (n + 1) * batch] for n in range(len(servers))]
    results = [
        _serve_and_measure(spec, drafts, tokens, port=port, concurrency=concurrency)
        for spec, drafts in zip(servers, prepared, strict=True)
    ]
    certificates, documents, render_seconds = _render_owed()
    tps = pgbench_tps(bench_url(), concurrency=concurrency, seconds=pgbench_seconds)
    for result in results:
        result.pgbench_tps = tps
        result.certificates, result.documents = certificates, documents
        result.render_seconds = render_seconds
    return results
