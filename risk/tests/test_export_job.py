"""ExportJob belongs to the risk app but keeps the table the centre app created for it."""

from __future__ import annotations

from django.db import connection

from risk.models import ExportJob


def test_export_jobs_stay_in_the_centre_table(db):
    assert ExportJob._meta.app_label == "risk"
    assert ExportJob._meta.db_table == "centre_exportjob"
    assert "centre_exportjob" in connection.introspection.table_names()
