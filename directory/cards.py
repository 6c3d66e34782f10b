"""The providers on a page of search results, with what each card lists about them.

A card names a provider's credentials, issues, levels of care and therapies, counts its insurers, and
says where it is. Prefetching those six relations took a third of the search page's Python time (each
prefetch builds, compiles and joins a queryset, and each use of it clones one) for a few strings from
most. So the strings come from one query instead, a UNION ALL over the join tables sorted as each
term's model orders itself, and the locations from another, as plain lists.
"""

from django.db import connection

from .models import Location, Provider

# Each relation's columns in SQL: the term's label, a detail, and its position; the terms' models order
# them by position, then label.
CARD_TERMS = {
    "credentials": ("r.abbreviation", "r.full_name", "0"),
    "specialties": ("r.name", "''", "0"),
    "levels": ("r.title", "''", 'r."order"'),
    "therapies": ("r.title", "''", 'r."order"'),
    "insurers": ("r.name", "''", "0"),
}


def result_cards(ids):
    """The providers with these ids, in that order, each with `card`: {relation: what the card lists}.

    Credentials are (abbreviation, full name) pairs, locations are Locations in their model's order, and
    the other relations are lists of names or titles.
    """
    if not ids:
        return []
    by_id = Provider.objects.in_bulk(ids)
    cards = {pk: {relation: [] for relation in [*CARD_TERMS, "locations"]} for pk in ids}
    with connection.cursor() as cursor:
        cursor.execute(terms_sql(len(ids)), ids * len(CARD_TERMS))
        for provider_id, relation, _position, label, detail in cursor.fetchall():
            cards[provider_id][relation].append((label, detail) if relation == "credentials" else label)
    for location in Location.objects.filter(provider_id__in=ids):
        cards[location.provider_id]["locations"].append(location)
    providers = [by_id[pk] for pk in ids]
    for provider in providers:
        provider.card = cards[provider.pk]
    return providers


def terms_sql(count):
    """One SELECT per relation of CARD_TERMS, each taking the `count` provider ids as parameters."""
    quote = connection.ops.quote_name
    selects = []
    for relation, (label, detail, position) in CARD_TERMS.items():
        field = Provider._meta.get_field(relation)
        through, term = quote(field.remote_field.through._meta.db_table), field.related_model._meta
        provider_id, term_id = quote(field.m2m_column_name()), quote(field.m2m_reverse_name())
        selects.append(
            f"SELECT t.{provider_id}, '{relation}', {position}, {label}, {detail} "
            f"FROM {through} t JOIN {quote(term.db_table)} r ON r.{quote(term.pk.column)} = t.{term_id} "
            f"WHERE t.{provider_id} IN ({', '.join(['%s'] * count)})"
        )
    return " UNION ALL ".join(selects) + " ORDER BY 2, 3, 4"
