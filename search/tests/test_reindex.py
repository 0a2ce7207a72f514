"""`manage.py search_reindex` rewrites every searchable row's words (after the dictionary,
or what a row's words are made of, changed)."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from policies.models import Policy
from policies.tests.factories import PolicyFactory
from startups.models import Opening, Startup
from startups.tests.factories import OpeningFactory

pytestmark = pytest.mark.django_db


def test_every_kind_is_rebuilt_and_an_unknown_one_refused():
    PolicyFactory(title_zh="人才公寓政策")
    OpeningFactory(title="Chip designer")
    for model in (Policy, Startup, Opening):
        model.objects.update(search_a="", search_b="", search_c="")
    assert not Policy.objects.filter(search_vector="公寓").exists()
    out = StringIO()
    call_command("search_reindex", stdout=out)
    assert "policies: 1 rows" in out.getvalue()
    assert "startups: 2 rows" in out.getvalue()  # a startup and its opening
    assert Policy.objects.filter(search_vector="公寓").exists()
    assert Opening.objects.filter(search_vector="designers").exists()
    with pytest.raises(CommandError, match="Unknown kind"):
        call_command("search_reindex", "events")
