"""What every response tells browsers: the Content-Security-Policy and the other security headers.
(The browser tests prove the admin, records and metrics pages work under the policy.)"""

import base64
import hashlib
import re
from pathlib import Path

import pytest
import reversion_compare
from django.apps import apps
from django.conf import settings

pytestmark = pytest.mark.django_db

POLICY = {
    "default-src 'self'",
    "script-src 'self'",
    f"style-src 'self' {settings.CSP_REVERSION_COMPARE_RAW_DIFF_STYLE}",
    f"style-src-attr 'unsafe-hashes' {settings.CSP_REVERSION_COMPARE_STYLE_ATTRIBUTE}",
    "img-src 'self' data:",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
}


@pytest.mark.parametrize("path", ["/admin/login/", "/_status", "/data-sets", "/metrics/"])
def test_every_response_carries_the_policy_and_the_security_headers(client, path):
    response = client.get(path)

    assert set(response["Content-Security-Policy"].split("; ")) == POLICY
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"


def _sha256(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


def test_the_allowed_inline_styles_are_exactly_those_of_the_installed_reversion_compare():
    templates = Path(reversion_compare.__file__).parent / "templates" / "reversion-compare"
    history = (templates / "action_list_partial.html").read_text()
    raw_diff = (templates / "compare_raw.html").read_text()

    assert re.findall(r'style="([^"]*)"', history) == ["visibility:hidden"]
    assert _sha256("visibility:hidden") == settings.CSP_REVERSION_COMPARE_STYLE_ATTRIBUTE
    (style,) = re.findall(r"<style[^>]*>(.*?)</style>", raw_diff, re.DOTALL)
    assert _sha256(style) == settings.CSP_REVERSION_COMPARE_RAW_DIFF_STYLE


def test_our_templates_have_no_inline_script_or_style():
    # The project's template folder and those of the apps that live in this repository.
    root = Path(settings.BASE_DIR).resolve()
    folders = [Path(settings.BASE_DIR) / "stagecraft" / "templates"]
    folders += [Path(app.path) / "templates" for app in apps.get_app_configs()]
    ours = {
        f.resolve() for f in folders if f.is_dir() and root in f.resolve().parents and ".venv" not in f.parts
    }
    templates = [template for folder in ours for template in folder.glob("**/*.html")]
    assert len(templates) > 10
    for template in templates:
        text = template.read_text()
        assert not re.search(r"<script(?![^>]*\bsrc=)|<style|\sstyle=|\son[a-z]+=", text), template
