"""
Structured JSON logs (structlog), one object per line, for the run and production settings.

Every line carries ``timestamp`` (UTC, ISO 8601), ``level``, ``logger``, ``event`` and,
inside a request, ``request_id`` (kaigong/integrations/observability.py binds it); fields
given as ``extra={…}`` to a standard ``logging`` call become keys of their own. Django's and
the libraries' standard-library loggers go through the same formatter.
"""

from __future__ import annotations

from typing import Any

import structlog


def _shared() -> list:
    return [
        structlog.contextvars.merge_contextvars,
        structlog.stdlib.add_log_level,
        structlog.stdlib.add_logger_name,
        structlog.stdlib.ExtraAdder(),
        structlog.processors.TimeStamper(fmt="iso", utc=True),
    ]


def json_logging(level: str = "INFO") -> dict[str, Any]:
    """Configure structlog and return the ``LOGGING`` dict that renders JSON lines."""
    structlog.configure(
        processors=[
            structlog.stdlib.filter_by_level,
            *_shared(),
            structlog.stdlib.PositionalArgumentsFormatter(),
            structlog.stdlib.ProcessorFormatter.wrap_for_formatter,
        ],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=True,
    )
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {
            "json": {
                "()": structlog.stdlib.ProcessorFormatter,
                "foreign_pre_chain": _shared(),
                "processors": [
                    structlog.stdlib.ProcessorFormatter.remove_processors_meta,
                    structlog.processors.format_exc_info,
                    structlog.processors.JSONRenderer(ensure_ascii=False),
                ],
            }
        },
        "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "json"}},
        "root": {"handlers": ["console"], "level": level},
        "loggers": {"axes": {"level": "WARNING"}, "kaigong.request": {"level": "INFO"}},
    }
