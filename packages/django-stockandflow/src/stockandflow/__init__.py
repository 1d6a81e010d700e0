"""Stock and flow metrics for a Django project (after django-stockandflow).

The public API lives in small modules: `stockandflow.stocks` (Stock, Facet), `stockandflow.flows`
(Flow), `stockandflow.tracker` (ModelTracker), `stockandflow.scheduler` (schedule), `stockandflow.decay`
(Decay), `stockandflow.process` (Process), `stockandflow.analytics` (conversion, time in a stock) and
`stockandflow.registry` (register). This package imports nothing at load time so that it can sit in
INSTALLED_APPS.
"""

__version__ = "0.1.0"
