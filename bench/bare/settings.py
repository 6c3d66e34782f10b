"""The floor to compare the site against: Django 5.2 with no apps, no middleware and no database."""

import os

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "bench-bare-throwaway-key")
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
ROOT_URLCONF = "bench.bare.urls"
WSGI_APPLICATION = "bench.bare.wsgi.application"
INSTALLED_APPS = []
MIDDLEWARE = []
DATABASES = {}
USE_TZ = True
