"""Settings package: pick one with DJANGO_SETTINGS_MODULE (development, production, test)."""
