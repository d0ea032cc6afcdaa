"""The projet de santé PDF prints indicator figures with only the decimals they have."""

import re

import pytest

from lifecycle import documents
from projects.models import Document

pytestmark = pytest.mark.django_db


def test_indicator_baselines_and_targets_have_no_useless_decimals(demo):
    html = documents.render_html(demo["projects"]["pic-saint-loup"], Document.Kind.PROJET_DE_SANTE)

    assert re.search(r">400 patients<", html), "the target of 400 patients"
    assert ">7,8 %<" in html.replace("\u00a0", " ")
    assert not re.search(r"\d,00 ", html)
