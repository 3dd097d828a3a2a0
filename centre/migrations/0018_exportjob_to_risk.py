"""ExportJob moves to the risk app (risk 0006), which uses it: the centre forgets the model
but leaves its table, which the risk app takes over under the same name."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("centre", "0017_delegated_mediation_source")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="ExportJob")],
            database_operations=[],
        )
    ]
