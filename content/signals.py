from pagecache.version import bump_on_change

from .models import Citation, LevelFacts, Page, Reviewer, Source, TherapyFacts

# Readers see all of these on pages; a change to any of them must reach every cached page at once.
bump_on_change(Page, Source, Citation, Reviewer, LevelFacts, TherapyFacts)
