"""
gunicorn settings for a Kaigong web node (docs/adr/0003):
`gunicorn -c deploy/gunicorn.conf.py config.asgi:application` — ASGI through uvicorn's worker,
so the same server carries WebSockets (the video site inspection) when they come.
`make run` uses this file too, with 2 workers on 127.0.0.1:$PORT (manage.py serve).
"""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
worker_class = os.environ.get("GUNICORN_WORKER_CLASS", "uvicorn_worker.UvicornWorker")
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2 + 1))
threads = int(os.environ.get("GUNICORN_THREADS", "2"))  # used by the sync (WSGI) worker only
timeout = 60
graceful_timeout = 30
max_requests = 2000
max_requests_jitter = 200
accesslog = "-"
errorlog = "-"
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1")
