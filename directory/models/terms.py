"""The directory's terms: issues treated, populations, languages, insurers and credentials."""

from django.db import models


class NamedTerm(models.Model):
    name = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(max_length=100, unique=True)

    class Meta:
        abstract = True
        ordering = ["name"]

    def __str__(self):
        return self.name


class Specialty(NamedTerm):
    class Meta(NamedTerm.Meta):
        verbose_name_plural = "specialties"


class Population(NamedTerm):
    pass


class Language(NamedTerm):
    pass


class Insurer(NamedTerm):
    pass


class Credential(models.Model):
    abbreviation = models.CharField(max_length=20, unique=True)
    full_name = models.CharField(max_length=200)

    class Meta:
        ordering = ["abbreviation"]

    def __str__(self):
        return self.abbreviation
