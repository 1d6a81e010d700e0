"""Signals the metrics app sends, for the apps above it (alerts) to act on without metrics knowing them."""

from django.dispatch import Signal

# Sent by the staleness check (check.py) for each data set whose freshness changed since the last
# check, inside the check's transaction: a receiver's writes commit or roll back with the check.
# Arguments (keywords): data_set (a DataSet), old_state and new_state (records' FRESH, STALE or NEVER),
# at (the time of the check, aware UTC) and old_since (when a check first saw old_state).
freshness_changed = Signal()
