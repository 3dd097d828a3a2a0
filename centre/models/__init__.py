"""The centre's tables, by concern; import them from ``centre.models``.

- ``organisation``: counties, regions, windows, departments, categories, staff, capabilities
- ``accounts``: API tokens, account security, password history, service accounts
- ``audit``: the audit log and the head of its chain
- ``deadlines``: the holiday calendar, the statutory deadline rules and the running clocks
- ``notifications``: messages to parties and staff
- ``documents``: administrators' document templates
- ``health``: the Celery heartbeats
- ``counters``: the abstract base of the per-county, per-year number counters
"""

from centre.models.accounts import AccountSecurity, ApiToken, PasswordHistory, ServiceAccount
from centre.models.audit import AuditChainHead, AuditLog
from centre.models.counters import CountyYearCounter
from centre.models.deadlines import CalendarYear, Clock, DeadlineRule, Holiday
from centre.models.documents import DocumentTemplate
from centre.models.health import Heartbeat
from centre.models.notifications import Notification, SmsOptOut
from centre.models.organisation import (
    Capability,
    Category,
    County,
    Department,
    Region,
    StaffProfile,
    Window,
)

__all__ = [
    "AccountSecurity",
    "ApiToken",
    "AuditChainHead",
    "AuditLog",
    "CalendarYear",
    "Capability",
    "Category",
    "Clock",
    "County",
    "CountyYearCounter",
    "DeadlineRule",
    "Department",
    "DocumentTemplate",
    "Heartbeat",
    "Holiday",
    "Notification",
    "PasswordHistory",
    "Region",
    "ServiceAccount",
    "SmsOptOut",
    "StaffProfile",
    "Window",
]
