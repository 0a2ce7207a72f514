from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from core.api.mixins import CachedListMixin
from policies import selectors, services
from policies.eligibility import Result, status_label
from policies.filters import PolicyFilterSet
from policies.models import Policy, TopicFollow

from . import serializers


class CanWritePolicies(permissions.BasePermission):
    """Writing policies is for district officials and admins; reading is for everyone."""

    message = _("Only district officials and admins can write policies.")

    def has_permission(self, request, view):
        if view.action != "create":
            return True
        return services.can_write_policies(request.user)

    def has_object_permission(self, request, view, obj):
        if view.action in ("partial_update", "publish", "archive"):
            return services.can_manage(user=request.user, policy=obj)
        return True


def eligibility_body(policy: Policy, result: Result, alternatives: list[dict]) -> dict:
    return {
        "policy": policy.pk,
        "status": result.status,
        "status_label": status_label(result.status),
        "narrowly_missed": result.narrowly_missed,
        "hint": result.hint,
        "to_fill_in": result.to_fill_in,
        "criteria": [
            {
                "kind": line.kind,
                "label": line.label,
                "required": line.required,
                "found": line.found,
                "met": line.met,
                "hint": line.hint,
            }
            for line in result.lines
        ],
        "alternatives": alternatives,
    }


class PolicyViewSet(CachedListMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """District and municipal policies. Anyone reads the published ones; officials write
    their own district's (drafts first, then published as versions); a signed-in returnee
    checks their eligibility and follows policies."""

    list_cache_apps = ("policies", "core", "search")
    filterset_class = PolicyFilterSet
    ordering_fields = ["published_at", "effective_from", "expires_on", "benefit_amount", "id"]
    lookup_value_regex = r"\d+"
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation has no user
            return Policy.objects.none()
        if self.action == "list":
            return selectors.policy_list(user=self.request.user)
        return selectors.policy_details(user=self.request.user)

    def filter_queryset(self, queryset):
        # The filters (published only unless asked) are the list's; a policy's own address
        # finds any policy the user may see.
        if self.action != "list":
            return queryset
        return super().filter_queryset(queryset)

    def get_serializer_class(self):
        if self.action == "list":
            return serializers.PolicySerializer
        return serializers.PolicyDetailSerializer

    def get_permissions(self):
        if self.action in ("list", "retrieve"):
            return [permissions.AllowAny()]
        return [permissions.IsAuthenticated(), CanWritePolicies()]

    def _detail(self, policy: Policy, status_code: int = status.HTTP_200_OK) -> Response:
        policy = selectors.policy_detail(user=self.request.user, policy_id=policy.pk)
        serializer = serializers.PolicyDetailSerializer(
            policy, context=self.get_serializer_context()
        )
        return Response(serializer.data, status=status_code)

    @extend_schema(
        request=serializers.PolicyWriteSerializer,
        responses={201: serializers.PolicyDetailSerializer},
    )
    def create(self, request, *args, **kwargs):
        """Write a new policy as a draft (officials: for one of their districts)."""
        data = serializers.PolicyWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields, criteria = data.split()
        policy = services.policy_create(user=request.user, data=fields, criteria=criteria)
        return self._detail(policy, status.HTTP_201_CREATED)

    @extend_schema(
        request=serializers.PolicyWriteSerializer,
        responses={200: serializers.PolicyDetailSerializer},
    )
    def partial_update(self, request, *args, **kwargs):
        """Change some fields (officials of the policy's district). Changing a published
        policy publishes the change as its next version; followers are told."""
        policy = self.get_object()
        data = serializers.PolicyWriteSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        fields, criteria = data.split()
        policy = services.policy_update(
            policy=policy, user=request.user, data=fields, criteria=criteria
        )
        return self._detail(policy)

    @extend_schema(request=None, responses={200: serializers.PolicyDetailSerializer})
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        """Publish the policy (officials of its district); publishing it again changes
        nothing."""
        policy = self.get_object()
        services.policy_publish(policy=policy, user=request.user)
        return self._detail(policy)

    @extend_schema(request=None, responses={200: serializers.PolicyDetailSerializer})
    @action(detail=True, methods=["post"])
    def archive(self, request, pk=None):
        """Withdraw the policy from the lists (officials of its district)."""
        policy = self.get_object()
        services.policy_archive(policy=policy, user=request.user)
        return self._detail(policy)

    @extend_schema(responses={200: serializers.EligibilitySerializer})
    @action(detail=True, methods=["get"])
    def eligibility(self, request, pk=None):
        """Whether the signed-in returnee qualifies, with a line for every criterion: what
        is required, what the profile says, whether it is met, and what would change it."""
        policy = self.get_object()
        today = timezone.localdate()
        result = services.eligibility_check(user=request.user, policy=policy, today=today)
        alternatives = selectors.policy_alternatives(
            user=request.user, policy=policy, result=result, day=today
        )
        body = eligibility_body(policy, result, alternatives)
        return Response(serializers.EligibilitySerializer(body).data)

    @extend_schema(
        methods=["POST"],
        request=None,
        responses={201: serializers.FollowSerializer},
        description="Follow the policy: you are told of new versions and of its expiry.",
    )
    @extend_schema(
        methods=["DELETE"],
        request=None,
        responses={204: OpenApiResponse(description="No longer followed.")},
        description="Stop following the policy.",
    )
    @action(detail=True, methods=["post", "delete"])
    def follow(self, request, pk=None):
        policy = self.get_object()
        if request.method == "DELETE":
            services.policy_unfollow(user=request.user, policy=policy)
            return Response(status=status.HTTP_204_NO_CONTENT)
        services.policy_follow(user=request.user, policy=policy)
        return Response({"policy": policy.pk, "following": True}, status=status.HTTP_201_CREATED)

    @extend_schema(
        responses={200: serializers.ForMeSerializer(many=True)},
        filters=False,
    )
    @action(
        detail=False,
        methods=["get"],
        url_path="for-me",
        filterset_class=None,
        pagination_class=None,
    )
    def for_me(self, request):
        """The policies in force today, checked against your profile: those you qualify for
        first, then those that need more of your profile, then those you narrowly miss."""
        found = selectors.policies_for_me(user=request.user, day=timezone.localdate())
        rows = []
        for group, matches in (
            ("eligible", found.eligible),
            ("unknown", found.unknown),
            ("narrowly_missed", found.narrowly_missed),
            ("ineligible", found.ineligible),
        ):
            rows.extend(
                {
                    "group": group,
                    "policy": match.policy,
                    "status": match.status,
                    "hint": match.result.hint,
                    "to_fill_in": match.result.to_fill_in,
                    "alternatives": match.alternatives,
                }
                for match in matches
            )
        services.eligibility_record(
            user=request.user, results={match.policy: match.result for match in found.ordered}
        )
        serializer = serializers.ForMeSerializer(
            rows, many=True, context=self.get_serializer_context()
        )
        return Response(serializer.data)


class TopicViewSet(mixins.ListModelMixin, mixins.DestroyModelMixin, viewsets.GenericViewSet):
    """Districts (or the municipal level) and categories you follow: you are told of every
    new policy published there."""

    serializer_class = serializers.TopicSerializer
    permission_classes = [permissions.IsAuthenticated]
    lookup_value_regex = r"\d+"
    pagination_class = None
    filter_backends = []

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return TopicFollow.objects.none()
        return selectors.topics_of(user=self.request.user)

    @extend_schema(
        request=serializers.TopicWriteSerializer, responses={201: serializers.TopicSerializer}
    )
    def create(self, request, *args, **kwargs):
        """Follow a district (`district` code, or `municipal: true`) and/or a `category`."""
        data = serializers.TopicWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        topic = services.topic_follow(user=request.user, **data.validated_data)
        return Response(serializers.TopicSerializer(topic).data, status=status.HTTP_201_CREATED)

    def perform_destroy(self, instance):
        services.topic_unfollow(user=self.request.user, topic_id=instance.pk)
