"""Test support shared by every app's tests. Not imported by production code.

- cast.py      the fixed cast (pytest fixtures): people `admin_user`, `writer`, `outsider` and their
               logged-in test clients; the API clients `cast`. Registered in the root conftest.py.
- api.py       the configuration API's test client (`api` fixture), checked against the OpenAPI
               document. Registered in the root conftest.py.
- clock.py     `frozen_at(moment)` (a fixture) and `pin_clock(moment)` (a block): the clock pinned
               with time-machine.
- commands.py  `run` and `run_argv`: a management command as a user types it.
- browser.py   a real browser (`page` fixture: Playwright driving Chromium), logging in, screenshots,
               a strict Content Security Policy for pages under test. Registered in the root conftest.py.

Test modules import plain helpers and constants from here, never fixtures (pytest injects those).
cast.py, clock.py, commands.py and browser.py import nothing above the API clients app, so any app's tests may
import them; api.py reads the datasets app's OpenAPI document and is for pytest to load.
"""
