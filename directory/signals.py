"""Keep each provider's search facets, and every cached page, in step with the listings."""

from functools import partial

from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from content.models import Page
from pagecache.version import bump_on_change

from .models import (
    FACET_RELATIONS,
    Credential,
    Insurer,
    Language,
    Location,
    Population,
    Provider,
    ProviderFacet,
    Specialty,
)

# Listings, their places and the terms they are filtered by; visitor submissions show on no page.
bump_on_change(Provider, Location, Specialty, Population, Language, Insurer, Credential)


@receiver(post_save, sender=Provider)
def refresh_provider_facets(sender, instance, raw=False, **kwargs):
    if not raw:
        Provider.objects.filter(pk=instance.pk).refresh_facets()


def refresh_after_relation_change(facet_name, sender, instance, action, reverse, pk_set, **kwargs):
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    if not reverse:
        Provider.objects.filter(pk=instance.pk).refresh_facets()
    elif action == "post_clear":  # a term taken from every provider at once
        ProviderFacet.objects.filter(name=facet_name, value=str(instance.pk)).delete()
    else:
        Provider.objects.filter(pk__in=pk_set).refresh_facets()


for facet_name, relation in FACET_RELATIONS.items():
    m2m_changed.connect(
        partial(refresh_after_relation_change, facet_name),
        sender=getattr(Provider, relation).through,
        weak=False,
        dispatch_uid=f"directory-facets-{relation}",
    )


@receiver(post_delete, sender=Page)
@receiver(post_delete, sender=Specialty)
@receiver(post_delete, sender=Insurer)
@receiver(post_delete, sender=Language)
def forget_deleted_term(sender, instance, **kwargs):
    names = [
        name for name, relation in FACET_RELATIONS.items() if Provider._meta.get_field(relation).related_model is sender
    ]
    ProviderFacet.objects.filter(name__in=names, value=str(instance.pk)).delete()
