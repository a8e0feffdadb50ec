"""One JSON line per log record: requests (anju.request) and scheduled jobs (anju.schedule)
carry their fields as `extra`, and only those are written, never the request's data."""

import json
import logging
from datetime import UTC, datetime

_STANDARD = set(vars(logging.makeLogRecord({}))) | {"message", "asctime"}


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        at = datetime.fromtimestamp(record.created, UTC)
        line = {"time": at.isoformat(timespec="milliseconds"),
                "level": record.levelname, "logger": record.name, "event": record.getMessage()}
        line.update({k: v for k, v in vars(record).items() if k not in _STANDARD})
        if record.exc_info:
            line["error"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False, default=str)
