from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from .banner import forget_banner
from .models import CrisisResource


@receiver([post_save, post_delete], sender=CrisisResource)
def refresh_banner(**kwargs):
    forget_banner()
