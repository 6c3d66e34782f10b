from django.contrib.auth.management import create_permissions
from django.db import migrations

EDITABLE = ["page", "source", "reviewer", "levelfacts", "therapyfacts", "citation"]


def perms(Permission, actions, models):
    codenames = [f"{action}_{model}" for action in actions for model in models]
    return list(Permission.objects.filter(content_type__app_label="content", codename__in=codenames))


def create_groups(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, verbosity=0, apps=apps)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    editing = perms(Permission, ["add", "change", "view"], EDITABLE)
    editor, _ = Group.objects.get_or_create(name="Editor")
    editor.permissions.add(*editing)
    reviewer, _ = Group.objects.get_or_create(name="Reviewer")
    publish = Permission.objects.filter(content_type__app_label="content", codename="publish_page")
    reviewer.permissions.add(*editing, *perms(Permission, ["delete"], EDITABLE), *publish)


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=["Editor", "Reviewer"]).delete()


class Migration(migrations.Migration):
    dependencies = [("content", "0002_postgres_search"), ("auth", "0012_alter_user_first_name_max_length")]

    operations = [migrations.RunPython(create_groups, remove_groups)]
