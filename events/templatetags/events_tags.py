"""Template helpers of the event pages: the ticket's QR code."""

import qrcode
import qrcode.image.svg
from django import template
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe

register = template.Library()


@register.simple_tag
def ticket_qr(code: str, label: str = ""):
    """The code as an inline SVG QR code (no image request, nothing inline to execute)."""
    image = qrcode.make(code, image_factory=qrcode.image.svg.SvgPathImage)
    svg = image.to_string(encoding="unicode")
    attributes = f'class="qr" role="img" aria-label="{conditional_escape(label)}" '
    # Safe: the SVG is the QR library's own markup (path data only), the label is escaped.
    return mark_safe(svg.replace("<svg ", f"<svg {attributes}", 1))  # nosec B308, B703
