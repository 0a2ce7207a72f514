"""The format of the authorization matrix's cases, and the list of them all.

A case is one request (a method on one address) made by every actor of the world (see
`tests.authz.world`), with the status code each actor must get::

    Case(
        "POST",
        "/api/v1/consultations/{id}/accept/",       # an OpenAPI path of the API ...
        args=lambda w: {"id": w.consultation_a},    # ... filled in from the world
        data=lambda w: {"scheduled_at": "..."},     # JSON for the API, a form for pages
        expect=by(404, anon=401, advisor=200, a=403),
    )
    Case("GET", "talent:consultation_detail", args=lambda w: {"pk": w.consultation_a}, ...)

- ``url``: for the API, the path exactly as the OpenAPI schema names it (``{id}``
  placeholders); for pages (and the API root, which the schema leaves out), the URL name,
  reversed with ``args`` as keyword arguments.
- ``expect``: the status code of every actor, made with ``by(default, actor=code, ...)``.
  A tuple of codes accepts any of them. ``staff_a`` (staff granted district A) is expected
  to answer as ``official_a`` unless named: outside Django admin a staff member is an
  official of their districts, nothing more.
- ``data``: the body, a dict or a function of the world; ``query``: a query string;
  ``headers``: extra request headers (``{"Accept": "text/html"}`` for the browsable API).
- ``shows``: ``{actor: (text, ...)}``: texts the actor's answer must contain (positive
  controls: the data is there for those who may see it); ``staff_a`` must see what
  ``official_a`` must, unless named.
- ``hides``: texts (or a function of the world giving them) no actor's answer may
  contain: a filter on hidden data must not find its owner, or it tells the hidden value.
- ``changes``: the actors whose unsafe request may change the database. By default those
  expected to succeed (2xx, and 3xx except anonymous, whose 302 is the sign-in page). For
  everyone else an unsafe request must leave every watched table exactly as it was.
- ``name``: tells apart cases of one method and address (their test ids).

Every answer, to every actor, is searched for the world's marker strings; one the actor may
not see (`world.MARKERS`) fails the case. Each request runs in a savepoint that is rolled
back, so cases do not affect one another.

Each app's cases live in a ``cases_<app>.py`` module of this package exporting ``CASES``
(every such module is read). `test_matrix` fails when an API operation or a URL name has no
case.
"""

import importlib
import pkgutil
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.urls import reverse

from .world import ACTORS, ANON, OFFICIAL_A, STAFF_A, World

Statuses = int | tuple[int, ...]

SAFE_METHODS = ("GET", "HEAD", "OPTIONS")
# The browsable API's pages, whose forms may be filled in with an object's data.
BROWSABLE = {"Accept": "text/html"}


def by(default: Statuses | None = None, **actors: Statuses) -> dict[str, Statuses]:
    """The expected status of every actor: the named ones, `default` for the rest, and for
    the staff member granted district A what official A gets, unless named."""
    unknown = set(actors) - set(ACTORS)
    if unknown:
        raise ValueError(f"Unknown actors: {sorted(unknown)}")
    inherited = {STAFF_A: OFFICIAL_A}
    missing = [
        actor
        for actor in ACTORS
        if actor not in actors and inherited.get(actor) not in actors and default is None
    ]
    if missing:
        raise ValueError(f"No expectation for {missing}")
    expected = {actor: actors.get(actor, default) for actor in ACTORS}
    for actor, like in inherited.items():
        if actor not in actors:
            expected[actor] = expected[like]
    return expected


def _codes(statuses: Statuses) -> tuple[int, ...]:
    return statuses if isinstance(statuses, tuple) else (statuses,)


@dataclass(frozen=True)
class Case:
    method: str
    url: str
    expect: Mapping[str, Statuses]
    args: Callable[[World], dict] | None = None
    data: Callable[[World], Any] | Mapping | list | None = None
    query: str = ""
    headers: Mapping[str, str] = field(default_factory=dict)
    shows: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    hides: Callable[[World], tuple[str, ...]] | tuple[str, ...] = ()
    changes: frozenset[str] | None = None
    name: str = ""

    @property
    def is_api_path(self) -> bool:
        return self.url.startswith("/")

    @property
    def is_api(self) -> bool:
        return self.is_api_path or self.url.startswith("api:")

    @property
    def id(self) -> str:
        suffix = f"[{self.name}]" if self.name else ""
        return f"{self.method} {self.url}{suffix}"

    def path(self, world: World) -> str:
        kwargs = self.args(world) if self.args else {}
        if self.is_api_path:
            path = self.url.format(**kwargs)
        else:
            path = reverse(self.url, kwargs=kwargs or None)
        return path + self.query

    def body(self, world: World):
        return self.data(world) if callable(self.data) else self.data

    def hidden(self, world: World) -> tuple[str, ...]:
        return self.hides(world) if callable(self.hides) else self.hides

    def shown(self, actor: str) -> tuple[str, ...]:
        """The texts `actor`'s answer must contain."""
        if actor == STAFF_A and actor not in self.shows:
            actor = OFFICIAL_A
        return tuple(self.shows.get(actor, ()))

    def expected(self, actor: str) -> tuple[int, ...]:
        return _codes(self.expect[actor])

    def may_change(self, actor: str) -> bool:
        if self.method in SAFE_METHODS:
            return True
        if self.changes is not None:
            return actor in self.changes
        codes = self.expected(actor)
        if actor == ANON and not self.is_api:
            return all(200 <= code < 300 for code in codes)
        return all(200 <= code < 400 for code in codes)


def all_cases() -> list[Case]:
    """The cases of every `cases_*` module of this package."""
    package = Path(__file__).parent
    cases = []
    for module in sorted(pkgutil.iter_modules([str(package)]), key=lambda module: module.name):
        if module.name.startswith("cases_"):
            cases.extend(importlib.import_module(f"{__package__}.{module.name}").CASES)
    return cases
