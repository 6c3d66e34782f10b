from django.contrib.auth.management import create_permissions
from django.db import migrations


def grant(apps, schema_editor):
    """Directory moderators send links, work the call list, review providers' changes and see each round."""
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, verbosity=0, apps=apps)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    codenames = [
        "view_verificationround",
        "view_verificationrequest",
        "change_verificationrequest",
        "view_listingtocall",
        "change_listingtocall",
        "view_listingchange",
        "change_listingchange",
    ]
    moderators, _ = Group.objects.get_or_create(name="Directory moderator")
    moderators.permissions.add(*Permission.objects.filter(content_type__app_label="directory", codename__in=codenames))


class Migration(migrations.Migration):
    dependencies = [("directory", "0011_listings_that_stay_true")]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
