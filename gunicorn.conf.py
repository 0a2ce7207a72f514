"""gunicorn's settings for the portal (read from the working directory when gunicorn starts;
the command line and `GUNICORN_CMD_ARGS` still add to them)."""

# The longest request line gunicorn allows (its default, 4,094 bytes, answers a longer one
# with its own HTML 414): a search of a few kilobytes then reaches the portal, which answers
# with a JSON 400 or a page that says what is too long.
limit_request_line = 8190
