from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.generics import get_object_or_404
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from core.api.mixins import CachedListMixin
from core.api.throttling import ScopedRateThrottle
from core.exceptions import PermissionDeniedError
from events import calendar, selectors, services
from events.filters import EventFilterSet
from events.models import Registration

from . import serializers
from .renderers import CSVRenderer, ICalendarRenderer

# One serializer for every registration's answer, as DRF's list serializer reuses one child
# for every item: building a serializer's fields is most of its cost, and a registration rush
# answers thousands a minute.
REGISTRATION_ANSWER = serializers.RegistrationSerializer()


class EventViewSet(CachedListMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Forums, symposiums, workshops, roadshows and consultation days.

    Anyone sees published events; officials also see their district's drafts. Officials
    create (as drafts), edit, publish and cancel their district's events."""

    lookup_value_regex = r"\d+"
    list_cache_apps = ("events", "core")
    filterset_class = EventFilterSet
    ordering_fields = ["starts_at", "capacity"]
    throttle_scope = "registration"

    def get_queryset(self):
        return selectors.event_list(user=self.request.user)

    def get_serializer_class(self):
        if self.action == "retrieve":
            return serializers.EventDetailSerializer
        return serializers.EventSerializer

    def get_permissions(self):
        if self.action in ("list", "retrieve", "ics"):
            return [permissions.AllowAny()]
        return [permissions.IsAuthenticated()]

    def get_throttles(self):
        if self.action == "register":
            return [*super().get_throttles(), ScopedRateThrottle()]
        return super().get_throttles()

    def finalize_response(self, request, response, *args, **kwargs):
        """Errors are JSON even where the answer would have been CSV or iCalendar."""
        response = super().finalize_response(request, response, *args, **kwargs)
        if response.status_code >= 400 and not isinstance(response.accepted_renderer, JSONRenderer):
            response.accepted_renderer = JSONRenderer()
            response.accepted_media_type = "application/json"
        return response

    def _detail(self, event, status_code=status.HTTP_200_OK):
        event = selectors.event_detail(user=self.request.user, event_id=event.pk)
        return Response(serializers.EventDetailSerializer(event).data, status=status_code)

    @extend_schema(
        request=serializers.EventWriteSerializer,
        responses={201: serializers.EventDetailSerializer},
    )
    def create(self, request):
        """Create an event of your district, as a draft."""
        data = serializers.EventWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        district = values.pop("district")
        event = services.event_create(user=request.user, district=district, data=values)
        return self._detail(event, status.HTTP_201_CREATED)

    @extend_schema(
        request=serializers.EventWriteSerializer,
        responses={200: serializers.EventDetailSerializer},
    )
    def partial_update(self, request, pk=None):
        """Edit; changing `starts_at`/`ends_at` of a published event tells its registrants."""
        event = self.get_object()
        data = serializers.EventWriteSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        event = services.event_update(
            event=event, user=request.user, data=dict(data.validated_data)
        )
        return self._detail(event)

    @extend_schema(request=None, responses={200: serializers.EventDetailSerializer})
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        """Publish a draft."""
        return self._detail(services.event_publish(event=self.get_object(), user=request.user))

    @extend_schema(
        request=serializers.CancelEventSerializer,
        responses={200: serializers.EventDetailSerializer},
    )
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        """Cancel the event; everyone registered is told."""
        data = serializers.CancelEventSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        event = services.event_cancel(
            event=self.get_object(), user=request.user, reason=data.validated_data.get("reason", "")
        )
        return self._detail(event)

    @extend_schema(request=None, responses={201: serializers.RegistrationSerializer})
    @action(detail=True, methods=["post"])
    def register(self, request, pk=None):
        """Register yourself: `confirmed` while seats remain, else `waitlisted` with a position."""
        event = selectors.event_for_action(user=request.user, event_id=pk)
        if event is None:
            raise Http404
        registration = services.registration_create(user=request.user, event=event)
        return Response(
            REGISTRATION_ANSWER.to_representation(registration), status=status.HTTP_201_CREATED
        )

    @extend_schema(
        responses={
            (200, "application/json"): serializers.RegistrantSerializer(many=True),
            (200, "text/csv"): OpenApiTypes.STR,
        }
    )
    @action(detail=True, methods=["get"], renderer_classes=[JSONRenderer, CSVRenderer])
    def registrations(self, request, pk=None):
        """The registrants, for the event's officials; `?format=csv` exports them all."""
        event = self.get_object()
        if not services.can_manage(request.user, event):
            raise PermissionDeniedError(
                _("Only officials of this event's district see its registrants.")
            )
        rows = selectors.registration_list(event=event)
        if request.accepted_renderer.format == "csv":
            data = serializers.RegistrantSerializer(rows, many=True).data
            response = Response([dict(row) for row in data])
            response["Content-Disposition"] = (
                f'attachment; filename="event-{event.pk}-registrations.csv"'
            )
            return response
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(serializers.RegistrantSerializer(page, many=True).data)

    @extend_schema(responses={200: serializers.AttendeeSerializer(many=True)})
    @action(detail=True, methods=["get"])
    def attendees(self, request, pk=None):
        """Names and check-in state, for officials and the event's check-in volunteers."""
        event = self.get_object()
        if not services.can_check_in(request.user, event):
            raise PermissionDeniedError(_("You may not see this event's attendees."))
        rows = selectors.registration_list(event=event).filter(status__in=["confirmed", "attended"])
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(serializers.AttendeeSerializer(page, many=True).data)

    @extend_schema(
        request=serializers.CheckinSerializer,
        responses={
            200: serializers.AttendeeSerializer,
            409: OpenApiResponse(description="Already checked in (with when) or not confirmed."),
        },
    )
    @action(detail=True, methods=["post"])
    def checkin(self, request, pk=None):
        """Check the holder of a ticket code in; a second check-in answers 409 with when."""
        event = self.get_object()
        data = serializers.CheckinSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        registration = services.checkin(
            event=event, code=data.validated_data["code"], user=request.user
        )
        return Response(serializers.AttendeeSerializer(registration).data)

    @extend_schema(
        request=serializers.VolunteerSerializer,
        responses={201: serializers.VolunteerResponseSerializer},
    )
    @action(detail=True, methods=["post"])
    def volunteers(self, request, pk=None):
        """Give someone the check-in-only role for this event."""
        data = serializers.VolunteerSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        role = services.volunteer_grant(
            event=self.get_object(), user=request.user, email=data.validated_data["email"]
        )
        body = {"user": role.user_id, "full_name": role.user.full_name, "email": role.user.email}
        return Response(body, status=status.HTTP_201_CREATED)

    @extend_schema(responses={(200, "text/calendar"): OpenApiTypes.BINARY})
    @action(detail=True, methods=["get"], renderer_classes=[ICalendarRenderer])
    def ics(self, request, pk=None):
        """The event as an iCalendar file (times in Asia/Shanghai), linking to its page."""
        event = self.get_object()
        response = Response(calendar.event_ics(event), content_type="text/calendar; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="event-{event.pk}.ics"'
        return response


class MyRegistrationViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """Your registrations; DELETE cancels one (the first person waiting gets the seat)."""

    lookup_value_regex = r"\d+"
    permission_classes = [permissions.IsAuthenticated]
    serializer_class = serializers.RegistrationSerializer
    filterset_fields = ["status"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Registration.objects.none()
        return selectors.my_registrations(user=self.request.user)

    @extend_schema(responses={200: serializers.RegistrationSerializer})
    def destroy(self, request, pk=None):
        registration = get_object_or_404(self.get_queryset(), pk=pk)
        registration = services.registration_cancel(registration=registration, user=request.user)
        return Response(serializers.RegistrationSerializer(registration).data)
