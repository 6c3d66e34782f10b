from django.contrib.auth.management import create_permissions
from django.db import migrations


def codenames(actions, models):
    return [f"{action}_{model}" for action in actions for model in models]


def grant(apps, schema_editor):
    """Editors edit evidence findings as they edit therapy facts; only Reviewers set a tool's review dates."""
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, verbosity=0, apps=apps)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")

    def perms(names):
        return list(Permission.objects.filter(content_type__app_label="content", codename__in=names))

    editor, _ = Group.objects.get_or_create(name="Editor")
    editor.permissions.add(*perms(codenames(["add", "change", "view"], ["evidencefinding"]) + ["view_toolreview"]))
    reviewer, _ = Group.objects.get_or_create(name="Reviewer")
    reviewer.permissions.add(
        *perms(codenames(["add", "change", "view", "delete"], ["evidencefinding"]) + codenames(["change", "view"], ["toolreview"]))
    )


class Migration(migrations.Migration):
    dependencies = [("content", "0008_tool_reviews")]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
