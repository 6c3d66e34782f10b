from django.contrib.admin.apps import AdminConfig


class StaffAdminConfig(AdminConfig):
    """Django admin, on a site that asks staff for a one-time code when ADMIN_REQUIRE_OTP is on."""

    default_site = "config.admin.StaffAdminSite"
