"""Warnings that libraries log during a stage (MkDocs, WeasyPrint), collected so the stage can fail
on them. A module of its own: `check` never needs logging, which takes a while to import."""

from __future__ import annotations

import logging


class LogCollector(logging.Handler):
    """Collects warnings a library logs during one stage, so the stage can fail on them."""

    def __init__(self, logger_name: str):
        super().__init__(logging.WARNING)
        self.logger = logging.getLogger(logger_name)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())

    def __enter__(self) -> LogCollector:
        self.logger.addHandler(self)
        return self

    def __exit__(self, *exc_info) -> None:
        self.logger.removeHandler(self)
