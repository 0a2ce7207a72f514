import csv
import io

from rest_framework import renderers

from core.exports import safe_cell


class CSVRenderer(renderers.BaseRenderer):
    """`?format=csv`: a list of flat dicts as a CSV file with a header row."""

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if not isinstance(data, list):  # an error: the message as a one-cell file
            data = [{"detail": (data or {}).get("detail", "")}] if isinstance(data, dict) else []
        data = [{key: safe_cell(value) for key, value in row.items()} for row in data]
        buffer = io.StringIO()
        if data:
            writer = csv.DictWriter(buffer, fieldnames=list(data[0]))
            writer.writeheader()
            writer.writerows(data)
        return "\ufeff" + buffer.getvalue()  # a BOM so Excel reads the Chinese names


class ICalendarRenderer(renderers.BaseRenderer):
    media_type = "text/calendar"
    format = "ics"
    charset = None

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if isinstance(data, bytes):
            return data
        return str((data or {}).get("detail", "")).encode()
