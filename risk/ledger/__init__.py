"""Ledger exports (台账): the case list's cases, with its filters and personal data masked, as
an Excel workbook (``export``) built by a Celery task (``tasks``) and asked for, watched and
downloaded on its pages (``views``)."""
