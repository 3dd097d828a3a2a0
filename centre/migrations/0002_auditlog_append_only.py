"""The audit log is append-only in the database itself (等保 三级: audit records must be
protected from change and deletion), whatever code or admin tries."""

from django.db import migrations

POSTGRES_UP = """
CREATE OR REPLACE FUNCTION centre_auditlog_refuse_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION '审计日志只能追加，不能修改或删除 (audit log is append-only)'
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER centre_auditlog_append_only
    BEFORE UPDATE OR DELETE ON centre_auditlog
    FOR EACH ROW EXECUTE FUNCTION centre_auditlog_refuse_change();
"""
POSTGRES_DOWN = """
DROP TRIGGER IF EXISTS centre_auditlog_append_only ON centre_auditlog;
DROP FUNCTION IF EXISTS centre_auditlog_refuse_change();
"""
SQLITE_UP = [
    """CREATE TRIGGER centre_auditlog_no_update BEFORE UPDATE ON centre_auditlog
       BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END;""",
    """CREATE TRIGGER centre_auditlog_no_delete BEFORE DELETE ON centre_auditlog
       BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END;""",
]
SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS centre_auditlog_no_update;",
    "DROP TRIGGER IF EXISTS centre_auditlog_no_delete;",
]


def up(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRES_UP)
    elif vendor == "sqlite":
        for sql in SQLITE_UP:
            schema_editor.execute(sql)


def down(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRES_DOWN)
    elif vendor == "sqlite":
        for sql in SQLITE_DOWN:
            schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("centre", "0001_initial")]
    operations = [migrations.RunPython(up, down)]
