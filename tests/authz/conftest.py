"""The world of the authorization matrix is built once per test module, inside a
transaction that is rolled back at the module's end; each test runs in a savepoint of it."""

import pytest

from .world import world_in_transaction


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    with world_in_transaction(django_db_blocker) as built:
        yield built
