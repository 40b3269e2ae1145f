"""Tamper-evident audit of who did what to which data, and why.

Stable API: ``record``, ``verify``, ``entries``, ``AuditWriter`` (group commit for the
web app); table ``audit_log``.
"""

from clearsight.audit.log import (
    ACTION_CATEGORIES,
    CATEGORIES,
    AuditEntry,
    AuditError,
    AuditWriter,
    VerifyResult,
    ensure_audit_schema,
    entries,
    printable,
    record,
)
from clearsight.audit.verification import verify

__all__ = [
    "ACTION_CATEGORIES",
    "CATEGORIES",
    "AuditEntry",
    "AuditError",
    "AuditWriter",
    "VerifyResult",
    "ensure_audit_schema",
    "entries",
    "printable",
    "record",
    "verify",
]
