"""The verify tests serve the same payments-like stubs as the admin tests."""

from tests.admin.conftest import payments

__all__ = ["payments"]
