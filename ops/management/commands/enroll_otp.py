from base64 import b32encode

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django_otp import devices_for_user
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice


class Command(BaseCommand):
    help = (
        "Give a staff account an authenticator-app device for admin sign-in, and one-time backup codes. "
        "Prints the secret and an otpauth:// link to type or paste into the app; no QR service is used. "
        "Run it again with --replace when a phone is lost: the old device and codes stop working."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--backup-codes", type=int, default=10, help="How many backup codes (default 10).")
        parser.add_argument("--replace", action="store_true", help="Remove the account's existing devices first.")

    @transaction.atomic
    def handle(self, username, backup_codes, replace, **options):
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No account called {username!r}.")
        existing = list(devices_for_user(user, confirmed=None))
        if existing and not replace:
            raise CommandError(f"{username} already has a device. Use --replace to issue a new one.")
        for device in existing:
            device.delete()
        totp = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)
        backup = StaticDevice.objects.create(user=user, name="Backup codes", confirmed=True)
        codes = [StaticToken.random_token() for _ in range(backup_codes)]
        StaticToken.objects.bulk_create(StaticToken(device=backup, token=code) for code in codes)
        self.stdout.write(f"Authenticator secret for {username}: {b32encode(totp.bin_key).decode()}")
        self.stdout.write(f"otpauth link: {totp.config_url}")
        self.stdout.write("Backup codes (each works once; keep them somewhere safe, away from the phone):")
        for code in codes:
            self.stdout.write(f"  {code}")
