from django.conf import settings
from django.contrib.admin import AdminSite
from django.contrib.admin.forms import AdminAuthenticationForm
from django_otp.admin import OTPAdminAuthenticationForm, OTPAdminSite
from django_otp.plugins.otp_totp.models import TOTPDevice


class StaffLoginForm(OTPAdminAuthenticationForm):
    """Username, password and the code from the authenticator app, in one post.

    django-otp asks which device a code is from; most sign-ins use the app, so it is the default.
    Backup codes are chosen from the device menu the form shows after a first try.
    """

    def _chosen_device(self, user):
        return super()._chosen_device(user) or TOTPDevice.objects.devices_for_user(user).first()


class StaffAdminSite(OTPAdminSite):
    """The admin site. With ADMIN_REQUIRE_OTP on, the login form asks for a code from the staff member's
    authenticator app and only a session verified by that code reaches admin pages.

    The setting is read on each request rather than at import so tests can switch it.
    """

    site_header = "Self-harm help: editors and moderators"
    site_title = "Site admin"

    def __init__(self, name="admin"):
        super().__init__(name)

    @property
    def login_form(self):
        return StaffLoginForm if settings.ADMIN_REQUIRE_OTP else AdminAuthenticationForm

    @property
    def login_template(self):
        return OTPAdminSite.login_template if settings.ADMIN_REQUIRE_OTP else None

    def has_permission(self, request):
        if settings.ADMIN_REQUIRE_OTP:
            return super().has_permission(request)
        return AdminSite.has_permission(self, request)
