"""Settings of the web load benchmark (`make bench-web`): the product's, with URLs that add
the benchmark's bare views (`benchmarks.urls`), so those views never ship with the portal."""

from returnee_portal.settings import *  # noqa: F403

ROOT_URLCONF = "benchmarks.urls"
