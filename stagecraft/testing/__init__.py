"""Test support shared by every app's tests, registered as pytest plugins in the root conftest.py.
Not imported by production code."""
