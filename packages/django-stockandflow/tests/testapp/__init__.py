"""A test-only app (installed by tests.settings) with small models to track."""
