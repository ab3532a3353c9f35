"""
gunicorn settings for a Kaigong web node (docs/adr/0003):
`gunicorn -c deploy/gunicorn.conf.py config.asgi:application` — ASGI through uvicorn's worker,
so the same server carries WebSockets (the video site inspection) when they come; with a
WSGI class (`KAIGONG_WEB_WORKER_CLASS=sync` or `gthread`) serve `config.wsgi:application`.
`make run` uses this file too, with 2 workers on 127.0.0.1:$PORT (manage.py serve).

Sizing (issue #16, part 5): a request is mostly CPU (Python and the database on the same
node), so workers beyond the cores add context switches and CPU per request rather than
throughput. Start from `KAIGONG_WEB_WORKERS` = the node's cores (2 sync workers on a 2-core
node), add a worker only when requests wait on I/O (a remote database, object storage),
and threads (`gthread`) only for slow clients; measure each choice with
`manage.py bench_workflow --servers sync:2,sync:3,gthread:5x2,conf` (docs/benchmarks.md)
before changing the defaults below.
"""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
worker_class = os.environ.get("KAIGONG_WEB_WORKER_CLASS") or "uvicorn_worker.UvicornWorker"
workers = int(os.environ.get("KAIGONG_WEB_WORKERS") or multiprocessing.cpu_count() * 2 + 1)
threads = int(
    os.environ.get("KAIGONG_WEB_THREADS") or 2
)  # per worker, for gthread (sync with threads > 1 runs as gthread)
timeout = 60
graceful_timeout = 30
max_requests = 2000
max_requests_jitter = 200
accesslog = os.environ.get("KAIGONG_WEB_ACCESS_LOG", "-") or None  # "" turns it off
errorlog = "-"
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1")
