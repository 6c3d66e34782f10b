from pagecache.version import bump_on_change

from .models import Credential, Insurer, Language, Location, Population, Provider, Specialty

# Listings, their places and the terms they are filtered by; visitor submissions show on no page.
bump_on_change(Provider, Location, Specialty, Population, Language, Insurer, Credential)
