from django import template

from policies.versions import format_amount

register = template.Library()


@register.filter
def cny(value) -> str:
    """An amount in yuan: ¥50,000."""
    return format_amount(value)
