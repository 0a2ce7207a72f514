"""OpenAPI additions: every operation documents the errors the API answers with."""

ERROR_SCHEMA = {
    "type": "object",
    "description": "An error, with a message a person can act on.",
    "properties": {
        "detail": {"type": "string", "description": "What went wrong and what to do."},
        "code": {"type": "string", "description": "A machine-readable error code."},
        "errors": {
            "type": "object",
            "description": "For invalid input: the messages of each field.",
            "additionalProperties": True,
        },
    },
    "required": ["detail", "code"],
}

ERROR_RESPONSES = {
    "400": "The request is not valid; `detail` says why and `errors` lists each field.",
    "401": "Authentication is needed: send `Authorization: Token <key>` or sign in.",
    "403": "You are signed in but may not do this.",
    "404": "Not found, or not visible to you.",
    "406": "The `Accept` header asks for a format the API does not give.",
    "415": "The request body is not in a format the API reads (send JSON).",
    "429": "Too many requests or failed sign-ins; wait and try again.",
}


def add_error_responses(result, generator, request, public):
    """drf-spectacular post-processing hook."""
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
    reference = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            responses = operation.setdefault("responses", {})
            for status, description in ERROR_RESPONSES.items():
                responses.setdefault(status, {"description": description, "content": reference})
    return result
