"""Keep each provider's search facets, and every cached page, in step with the listings."""

from functools import partial

from django.db.models.signals import m2m_changed, post_delete, post_migrate, post_save
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
    SearchEntry,
    Specialty,
)

# Listings, their places and the terms they are filtered by; visitor submissions show on no page.
bump_on_change(Provider, Location, Specialty, Population, Language, Insurer, Credential)


@receiver(post_save, sender=Provider)
def refresh_provider_facets(sender, instance, raw=False, **kwargs):
    if not raw:
        Provider.objects.filter(pk=instance.pk).refresh_facets()


# A provider's search entries are one per location: they follow its locations too.
@receiver(post_save, sender=Location)
@receiver(post_delete, sender=Location)
def refresh_after_location_change(sender, instance, raw=False, origin=None, **kwargs):
    # A provider being deleted takes its entries along; refreshing it halfway through would write them back.
    if raw or isinstance(origin, Provider) or getattr(origin, "model", None) is Provider:
        return
    Provider.objects.filter(pk=instance.provider_id).refresh_facets()


def refresh_providers_with(names, term):
    """Refresh the providers that had a facet of `term` (by facet name), after it left them all at once."""
    having = ProviderFacet.objects.filter(name__in=names, value=str(term.pk)).values_list("provider_id", flat=True)
    # Listed first: refreshing rewrites the very facet rows the list comes from.
    Provider.objects.filter(pk__in=list(having)).refresh_facets()


def refresh_after_relation_change(facet_name, sender, instance, action, reverse, pk_set, **kwargs):
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    if not reverse:
        Provider.objects.filter(pk=instance.pk).refresh_facets()
    elif action == "post_clear":  # a term taken from every provider at once
        refresh_providers_with([facet_name], instance)
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
    refresh_providers_with(names, instance)


@receiver(post_migrate)
def fill_missing_search_entries(sender, app_config=None, **kwargs):
    """Listings with no search entries after migrate (a database from before entries existed) get theirs."""
    if app_config is None or app_config.name != "directory":
        return
    if Provider.objects.published().exists() and not SearchEntry.objects.exists():
        Provider.objects.all().refresh_facets()
