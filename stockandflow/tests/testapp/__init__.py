"""A test-only app (registered by stagecraft.settings.test) with small models to track."""
