from django.http import HttpResponse
from rest_framework import mixins

from core import listcache


class CachedListMixin(mixins.ListModelMixin):
    """`list` answered from the shared cache for visitors who are not signed in (JSON only),
    under the generations of `list_cache_apps`: the apps whose tables the list shows (see
    `core.listcache`)."""

    list_cache_apps: tuple[str, ...] = ()

    def list(self, request, *args, **kwargs):
        key = None
        if request.accepted_renderer.format == "json":
            key = listcache.key_for(request, self.list_cache_apps, variant="api")
        content = listcache.get(key)
        if content is not None:
            return HttpResponse(content, content_type=request.accepted_media_type)
        response = super().list(request, *args, **kwargs)
        if key is not None and response.status_code == 200:
            response.add_post_render_callback(
                lambda rendered: listcache.store(key, rendered.content)
            )
        return response
