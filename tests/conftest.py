"""Fixtures shared by several test folders."""

from tests.alert_receivers import smtp_server, webhooks

__all__ = ["smtp_server", "webhooks"]
