"""The bare views of the web load benchmark: what one authenticated insert and one small list
cost on this stack, with none of the product's work. `benchmarks.urls` serves them."""

from django.db import connection, transaction
from django.http import JsonResponse
from rest_framework import permissions, status
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api.authentication import TokenAuthentication
from events.models import Event

# Made by scripts/benchmark_web.py before the server starts.
BENCH_TABLE = "bench_row"


class BareInsertView(APIView):
    """POST: one row into the benchmark's own table, with the product's token authentication
    and nothing else (no throttles, no serializer)."""

    authentication_classes = [TokenAuthentication]
    permission_classes = [permissions.IsAuthenticated]
    throttle_classes = []
    renderer_classes = [JSONRenderer]

    def post(self, request):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {BENCH_TABLE} (user_id, created_at) VALUES (%s, now()) RETURNING id",
                [request.user.pk],
            )
            row_id = cursor.fetchone()[0]
        return Response({"id": row_id}, status=status.HTTP_201_CREATED)


def bare_list(request):
    """GET: 20 events as JSON, unauthenticated: the ceiling of a read on this stack."""
    rows = list(Event.objects.values("id", "title_en", "title_zh", "starts_at", "venue")[:20])
    return JsonResponse({"results": rows})
