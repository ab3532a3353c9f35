"""
gunicorn settings for a Kaigong web node (docs/adr/0003):
`gunicorn -c deploy/gunicorn.conf.py config.asgi:application` — ASGI through uvicorn's worker,
so the same server carries WebSockets (the video site inspection) when they come; with a
WSGI class (`KAIGONG_WEB_WORKER_CLASS=sync` or `gthread`) serve `config.wsgi:application`.
`make run` uses this file too, with 2 workers on 127.0.0.1:$PORT (manage.py serve).

Sizing (issue #16, part 5): a request is mostly CPU (Python and the database on the same
node), so workers beyond the cores add context switches and CPU per request rather than
throughput. Measured on 2026-12-01 on a 2-core node with PostgreSQL beside it
(`manage.py bench_workflow --cases 32 --concurrency 8 --servers uvicorn:2,sync:2,conf`,
docs/benchmarks.md): 2 uvicorn workers 16.9 transitions/s at 84.5 ms of gunicorn CPU each;
5 uvicorn workers (this file's old default, 2 × cores + 1) 14.1/s at 114.5 ms; 2 sync
workers 23.1/s at 66.8 ms. On 2026-12-02, after the transitions were trimmed (same command, a quieter
machine): 2 uvicorn workers 57.0/s at 22.9 ms, 2 sync workers 72.1/s at 18.8 ms, this file
52.8/s at 23.9 ms; in the evening, after the last decision was trimmed, 49–66/s for 2 uvicorn
workers and 46–62/s for this file across runs whose machine speed moved by a third. The
platform needs the ASGI worker (the video inspection's
WebSockets), so the default is uvicorn's worker, one per core (`KAIGONG_WEB_WORKERS`); add a
worker only when requests wait on I/O (a remote database, object storage). A node that
serves no WebSockets (behind a router that sends /ws/ elsewhere) may run
`KAIGONG_WEB_WORKER_CLASS=sync` with `config.wsgi:application`, about a third faster here.
Keep processes × `DATABASE_POOL_MAX_SIZE` under PostgreSQL's max_connections.
"""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
worker_class = os.environ.get("KAIGONG_WEB_WORKER_CLASS") or "uvicorn_worker.UvicornWorker"
workers = int(os.environ.get("KAIGONG_WEB_WORKERS") or multiprocessing.cpu_count())
threads = int(
    os.environ.get("KAIGONG_WEB_THREADS") or 2
)  # per worker, for gthread (sync with threads > 1 runs as gthread)
timeout = 60
graceful_timeout = 30
# No periodic worker restart by default: a restart drops the worker's WebSockets (a video
# inspection's call) and, on 2 cores, boots Django while one worker serves alone (measured
# on 2026-12-02: the inbox floor 137/s with restarts every 2,000 requests, ~200/s without).
# Set KAIGONG_WEB_MAX_REQUESTS to recycle workers that leak.
max_requests = int(os.environ.get("KAIGONG_WEB_MAX_REQUESTS") or 0)
max_requests_jitter = max_requests // 10
accesslog = os.environ.get("KAIGONG_WEB_ACCESS_LOG", "-") or None  # "" turns it off
errorlog = "-"
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1")
