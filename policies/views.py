"""Server-rendered policy pages: the list (search and facets), a policy (eligibility panel,
version history, follow button), "policies for me", the comparison across districts, and
the officials' pages to write, publish and archive their district's policies. Writes go
through services; a PermissionDeniedError is a 403 page, any other ApplicationError a form
error or a message."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.exceptions import ApplicationError, PermissionDeniedError
from core.listcache import cached_page
from core.models import District

from . import forms, selectors, services
from .choices import MUNICIPAL, PolicyCategory
from .filters import PolicyFilterSet
from .models import Policy
from .versions import describe_changes, format_amount

PAGE_SIZE = 20


def _page(request, queryset):
    return Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))


def _forbidden(request, message: str):
    return render(request, "403.html", {"message": message}, status=403)


def _policy_or_404(request, pk: int) -> Policy:
    policy = selectors.policy_detail(user=request.user, policy_id=pk)
    if policy is None:
        raise Http404
    return policy


def _filtered(data, queryset):
    filterset = PolicyFilterSet(data or None, queryset=queryset)
    if filterset.is_bound and not filterset.is_valid():
        return filterset, queryset.none()
    return filterset, filterset.qs


def _facets(request) -> dict:
    """Counts per category and per issuer for the current search, each ignoring its own
    filter (so the other choices show how many they would give)."""
    facets = {}
    base = selectors.policy_visible(user=request.user)
    for name, count in (
        ("category", selectors.category_counts),
        ("district", selectors.district_counts),
    ):
        data = request.GET.copy()
        data.pop(name, None)
        data.pop("page", None)
        _filterset, queryset = _filtered(data, base)
        facets[name] = count(queryset)
    districts = {district.code: district for district in District.objects.all()}
    by_district = []
    for code, count in sorted(facets["district"].items(), key=lambda item: -item[1]):
        if code == MUNICIPAL:
            by_district.append({"code": code, "name": _("Shanghai (municipal)"), "count": count})
        elif code in districts:
            by_district.append({"code": code, "name": districts[code].name, "count": count})
    by_category = [
        {"code": code, "name": label, "count": facets["category"][code]}
        for code, label in PolicyCategory.choices
        if facets["category"].get(code)
    ]
    return {"categories": by_category, "districts": by_district}


@cached_page(("policies", "core", "search"))
def policy_list(request):
    filterset, queryset = _filtered(request.GET, selectors.policy_list(user=request.user))
    chosen = filterset.form.cleaned_data if filterset.is_bound and filterset.is_valid() else {}
    topic_initial = {}
    if chosen.get("district") or chosen.get("category"):
        district = chosen.get("district")
        topic_initial = {
            "district": district.code if isinstance(district, District) else district,
            "category": chosen.get("category") or "",
        }
    return render(
        request,
        "policies/list.html",
        {
            "filter": filterset,
            "page": _page(request, queryset),
            "facets": _facets(request),
            "topic_initial": topic_initial,
            "can_write": services.can_write_policies(request.user),
            "searching": bool(chosen.get("q")),
        },
    )


def policy_detail(request, pk: int):
    policy = _policy_or_404(request, pk)
    context = {
        "policy": policy,
        "amount": format_amount(policy.benefit_amount) if policy.benefit_amount is not None else "",
        "versions": [
            (version, describe_changes(version.changes)) for version in policy.versions.all()
        ],
        "can_manage": services.can_manage(user=request.user, policy=policy),
        "following": selectors.is_following(user=request.user, policy=policy),
        "today": timezone.localdate(),
    }
    if request.user.is_authenticated:
        today = context["today"]
        result = services.eligibility_check(user=request.user, policy=policy, today=today)
        context["result"] = result
        context["alternatives"] = selectors.policy_alternatives(
            user=request.user, policy=policy, result=result, day=today
        )
    return render(request, "policies/detail.html", context)


def _back(request, default: str):
    target = request.POST.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect(default)


@login_required
@require_POST
def follow(request, pk: int):
    policy = _policy_or_404(request, pk)
    try:
        services.policy_follow(user=request.user, policy=policy)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _("You follow this policy: you will be told when it changes and before it expires."),
        )
    return redirect(policy)


@login_required
@require_POST
def unfollow(request, pk: int):
    policy = _policy_or_404(request, pk)
    services.policy_unfollow(user=request.user, policy=policy)
    messages.success(request, _("You no longer follow this policy."))
    return redirect(policy)


@login_required
@require_POST
def topic_follow(request):
    form = forms.TopicForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return _back(request, "policies:for_me")
    try:
        topic = services.topic_follow(user=request.user, **form.service_data())
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _("You will be told of new policies: %(topic)s.") % {"topic": topic.label},
        )
    return _back(request, "policies:for_me")


@login_required
@require_POST
def topic_unfollow(request, pk: int):
    services.topic_unfollow(user=request.user, topic_id=pk)
    messages.success(request, _("You no longer follow this topic."))
    return _back(request, "policies:for_me")


@login_required
def for_me(request):
    today = timezone.localdate()
    found = selectors.policies_for_me(user=request.user, day=today)
    services.eligibility_record(
        user=request.user, results={match.policy: match.result for match in found.ordered}
    )
    return render(
        request,
        "policies/for_me.html",
        {
            "found": found,
            "followed": selectors.followed_policies(user=request.user),
            "topics": selectors.topics_of(user=request.user),
            "topic_form": forms.TopicForm(),
        },
    )


def compare(request):
    form = forms.CompareForm(request.GET or {"category": PolicyCategory.TALENT_SUBSIDY})
    comparison = None
    if form.is_valid():
        comparison = selectors.compare_policies(
            category=form.cleaned_data["category"],
            day=timezone.localdate(),
            user=request.user,
            district_codes=request.GET.getlist("district") or None,
        )
    return render(request, "policies/compare.html", {"form": form, "comparison": comparison})


# Officials -------------------------------------------------------------------------------


@login_required
def manage(request):
    if not services.can_write_policies(request.user):
        return _forbidden(request, _("Only district officials and admins can write policies."))
    return render(
        request,
        "policies/manage.html",
        {"page": _page(request, selectors.managed_policies(user=request.user))},
    )


def _add_service_error(exc: ApplicationError, form, formset) -> None:
    """Show a service's error next to the field it names (`criteria.1.value`)."""
    parts = (exc.field or "").split(".")
    if len(parts) == 3 and parts[0] == "criteria" and parts[1].isdigit():
        kept = [
            entry
            for entry in formset.forms
            if entry.cleaned_data
            and entry.cleaned_data.get("kind")
            and not entry.cleaned_data.get("DELETE")
        ]
        index = int(parts[1])
        if index < len(kept):
            field = parts[2] if parts[2] in kept[index].fields else None
            kept[index].add_error(field, exc.message)
            return
    form.add_error(parts[0] if parts[0] in form.fields else None, exc.message)


def _policy_form_page(request, policy: Policy | None):
    if request.method == "POST":
        form = forms.PolicyForm(request.POST, user=request.user)
        formset = forms.CriterionFormSet(request.POST, prefix="criteria")
        if form.is_valid() and formset.is_valid():
            data = dict(form.cleaned_data)
            criteria = forms.criteria_entries(formset)
            try:
                if policy is None:
                    policy = services.policy_create(user=request.user, data=data, criteria=criteria)
                    messages.success(request, _("The draft is saved. Publish it when ready."))
                else:
                    services.policy_update(
                        policy=policy, user=request.user, data=data, criteria=criteria
                    )
                    messages.success(request, _("The policy is saved."))
            except PermissionDeniedError as exc:
                return _forbidden(request, exc.message)
            except ApplicationError as exc:
                _add_service_error(exc, form, formset)
            else:
                return redirect(policy)
    elif policy is None:
        form = forms.PolicyForm(user=request.user)
        formset = forms.CriterionFormSet(prefix="criteria")
    else:
        form = forms.PolicyForm(initial=forms.PolicyForm.initial_from(policy), user=request.user)
        formset = forms.CriterionFormSet(
            prefix="criteria",
            initial=[forms.CriterionForm.initial_from(item) for item in policy.criteria.all()],
        )
    return render(
        request, "policies/form.html", {"form": form, "formset": formset, "policy": policy}
    )


@login_required
def create(request):
    if not services.can_write_policies(request.user):
        return _forbidden(request, _("Only district officials and admins can write policies."))
    return _policy_form_page(request, None)


@login_required
def edit(request, pk: int):
    policy = _policy_or_404(request, pk)
    if not services.can_manage(user=request.user, policy=policy):
        return _forbidden(request, _("Only officials of the policy's district can change it."))
    return _policy_form_page(request, policy)


def _act(request, pk: int, service, done: str):
    policy = _policy_or_404(request, pk)
    try:
        service(policy=policy, user=request.user)
    except PermissionDeniedError as exc:
        return _forbidden(request, exc.message)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, done)
    return redirect(policy)


@login_required
@require_POST
def publish(request, pk: int):
    return _act(request, pk, services.policy_publish, _("The policy is published."))


@login_required
@require_POST
def archive(request, pk: int):
    return _act(request, pk, services.policy_archive, _("The policy is archived."))
