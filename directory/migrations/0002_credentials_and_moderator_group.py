from django.contrib.auth.management import create_permissions
from django.db import migrations

CREDENTIALS = [
    ("LCSW", "Licensed Clinical Social Worker"),
    ("LICSW", "Licensed Independent Clinical Social Worker"),
    ("LMFT", "Licensed Marriage and Family Therapist"),
    ("LPC", "Licensed Professional Counselor"),
    ("LPCC", "Licensed Professional Clinical Counselor"),
    ("LMHC", "Licensed Mental Health Counselor"),
    ("LCPC", "Licensed Clinical Professional Counselor"),
    ("NCC", "National Certified Counselor"),
    ("PsyD", "Doctor of Psychology"),
    ("PhD", "Doctor of Philosophy"),
    ("MD", "Doctor of Medicine"),
    ("DO", "Doctor of Osteopathic Medicine"),
    ("PMHNP", "Psychiatric-Mental Health Nurse Practitioner"),
]
MODERATED = ["provider", "location", "suggestion", "problemreport", "credential", "specialty", "population", "language", "insurer"]


def forwards(apps, schema_editor):
    Credential = apps.get_model("directory", "Credential")
    for abbreviation, full_name in CREDENTIALS:
        Credential.objects.get_or_create(abbreviation=abbreviation, defaults={"full_name": full_name})
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, verbosity=0, apps=apps)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    codenames = [f"{action}_{model}" for action in ["add", "change", "view"] for model in MODERATED]
    codenames += ["delete_location", "delete_problemreport", "delete_suggestion"]
    moderators, _ = Group.objects.get_or_create(name="Directory moderator")
    moderators.permissions.add(*Permission.objects.filter(content_type__app_label="directory", codename__in=codenames))


def backwards(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name="Directory moderator").delete()


class Migration(migrations.Migration):
    dependencies = [("directory", "0001_initial"), ("auth", "0012_alter_user_first_name_max_length")]

    operations = [migrations.RunPython(forwards, backwards)]
