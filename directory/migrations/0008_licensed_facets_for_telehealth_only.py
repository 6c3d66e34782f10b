"""States a provider is licensed in now count only for providers offering telehealth (see LICENSED_IN)."""

from django.db import migrations


def drop_licensed_rows_without_telehealth(apps, schema_editor):
    ProviderFacet = apps.get_model("directory", "ProviderFacet")
    ProviderFacet.objects.filter(name="licensed", provider__telehealth=False).delete()


class Migration(migrations.Migration):
    dependencies = [("directory", "0007_location_external_id")]

    operations = [migrations.RunPython(drop_licensed_rows_without_telehealth, migrations.RunPython.noop)]
