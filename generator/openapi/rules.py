"""The catalogue of contract rules: one id, level and line each, grouped by the part of the API they judge.

Direction matters: a request rule fires when the server stops accepting what clients send; a response rule
fires when clients may receive what they do not expect.
"""

from __future__ import annotations

from generator.findings import Rule

# Operations and paths
OPERATION_REMOVED = Rule("api.operation-removed", "error", "An operation (or its whole path) was removed.")
DEPRECATED_REMOVED = Rule(
    "api.deprecated-operation-removed",
    "warning",
    "An operation the base marked `deprecated` was removed (after its `x-sunset` date, if it had one).",
)
REMOVED_BEFORE_SUNSET = Rule(
    "api.operation-removed-before-sunset",
    "error",
    "A deprecated operation was removed before the `x-sunset` date it promised.",
)
OPERATION_ID_CHANGED = Rule(
    "api.operation-id-changed", "warning", "An operationId changed (generated clients and `requires` use it)."
)

# Request parameters (path, query, header, cookie)
PARAMETER_ADDED_REQUIRED = Rule("api.request-parameter-added-required", "error", "A new required request parameter.")
PARAMETER_BECAME_REQUIRED = Rule(
    "api.request-parameter-became-required", "error", "An optional request parameter became required."
)
PARAMETER_REMOVED = Rule(
    "api.request-parameter-removed", "warning", "A request parameter was removed (clients still send it)."
)

# Request bodies
BODY_BECAME_REQUIRED = Rule(
    "api.request-body-became-required", "error", "A request body became required (or a required one appeared)."
)
REQUEST_MEDIA_TYPE_REMOVED = Rule(
    "api.request-media-type-removed", "error", "A request media type is no longer accepted."
)

# Request schemas (bodies and parameters)
REQUEST_PROPERTY_ADDED_REQUIRED = Rule(
    "api.request-required-property-added", "error", "A new required property in a request schema."
)
REQUEST_PROPERTY_BECAME_REQUIRED = Rule(
    "api.request-property-became-required", "error", "An optional request property became required."
)
REQUEST_TYPE_CHANGED = Rule(
    "api.request-type-changed", "error", "A request value no longer accepts a type it accepted."
)
REQUEST_BECAME_NON_NULLABLE = Rule(
    "api.request-became-non-nullable", "error", "A request value no longer accepts null."
)
REQUEST_ENUM_VALUE_REMOVED = Rule(
    "api.request-enum-value-removed", "error", "A request enum lost a value (or a free value became an enum)."
)
REQUEST_MAX_DECREASED = Rule(
    "api.request-max-decreased",
    "error",
    "A request maximum, maxLength, maxItems or maxProperties was lowered or added.",
)
REQUEST_MIN_INCREASED = Rule(
    "api.request-min-increased",
    "error",
    "A request minimum, minLength, minItems or minProperties was raised or added.",
)
REQUEST_PATTERN_CHANGED = Rule(
    "api.request-pattern-changed", "error", "A request string gained a pattern or its pattern changed."
)
REQUEST_VARIANT_REMOVED = Rule(
    "api.request-variant-removed", "error", "A oneOf/anyOf alternative of a request schema was removed."
)
REQUEST_ADDITIONAL_PROPERTIES_CLOSED = Rule(
    "api.request-additional-properties-closed",
    "error",
    "A request object that accepted additional properties no longer does.",
)

# Responses
SUCCESS_STATUS_REMOVED = Rule(
    "api.response-success-status-removed", "error", "A success (2xx) response status was removed."
)
RESPONSE_MEDIA_TYPE_REMOVED = Rule(
    "api.response-media-type-removed", "error", "A response media type is no longer returned."
)
RESPONSE_HEADER_REMOVED = Rule("api.response-header-removed", "error", "A required response header is no longer sent.")
RESPONSE_OPTIONAL_HEADER_REMOVED = Rule(
    "api.response-optional-header-removed", "warning", "An optional response header is no longer sent."
)
RESPONSE_PROPERTY_REMOVED = Rule("api.response-property-removed", "error", "A required response property was removed.")
RESPONSE_OPTIONAL_PROPERTY_REMOVED = Rule(
    "api.response-optional-property-removed", "warning", "An optional response property was removed."
)
RESPONSE_PROPERTY_BECAME_OPTIONAL = Rule(
    "api.response-property-became-optional", "error", "A required response property became optional."
)
RESPONSE_TYPE_CHANGED = Rule(
    "api.response-type-changed", "error", "A response value may now have a type it did not have."
)
RESPONSE_BECAME_NULLABLE = Rule("api.response-became-nullable", "error", "A response value may now be null.")
RESPONSE_ENUM_VALUE_ADDED = Rule(
    "api.response-enum-value-added", "warning", "A response enum gained a value clients may not handle."
)
RESPONSE_VARIANT_ADDED = Rule(
    "api.response-variant-added", "error", "A oneOf/anyOf alternative was added to a response schema."
)

# The document itself
REMOTE_REF = Rule("api.remote-ref", "error", "`$ref`s point inside the contract's files, never to the network.")
UNRESOLVED_REF = Rule("api.unresolved-ref", "error", "Every `$ref` resolves to a node that exists.")

LIMIT = Rule(
    "api.limit",
    "error",
    "A comparison stays within lockstep's limits (findings per pair of documents, nesting); past one it stops and "
    "says what it left out.",
)

EXCEPTION_EXPIRED = Rule(
    "api.exception-expired", "error", "An entry of .lockstep/api-exceptions.yaml is past its expiry date."
)

RULES: tuple[Rule, ...] = (
    OPERATION_REMOVED,
    DEPRECATED_REMOVED,
    REMOVED_BEFORE_SUNSET,
    OPERATION_ID_CHANGED,
    PARAMETER_ADDED_REQUIRED,
    PARAMETER_BECAME_REQUIRED,
    PARAMETER_REMOVED,
    BODY_BECAME_REQUIRED,
    REQUEST_MEDIA_TYPE_REMOVED,
    REQUEST_PROPERTY_ADDED_REQUIRED,
    REQUEST_PROPERTY_BECAME_REQUIRED,
    REQUEST_TYPE_CHANGED,
    REQUEST_BECAME_NON_NULLABLE,
    REQUEST_ENUM_VALUE_REMOVED,
    REQUEST_MAX_DECREASED,
    REQUEST_MIN_INCREASED,
    REQUEST_PATTERN_CHANGED,
    REQUEST_VARIANT_REMOVED,
    REQUEST_ADDITIONAL_PROPERTIES_CLOSED,
    SUCCESS_STATUS_REMOVED,
    RESPONSE_MEDIA_TYPE_REMOVED,
    RESPONSE_HEADER_REMOVED,
    RESPONSE_OPTIONAL_HEADER_REMOVED,
    RESPONSE_PROPERTY_REMOVED,
    RESPONSE_OPTIONAL_PROPERTY_REMOVED,
    RESPONSE_PROPERTY_BECAME_OPTIONAL,
    RESPONSE_TYPE_CHANGED,
    RESPONSE_BECAME_NULLABLE,
    RESPONSE_ENUM_VALUE_ADDED,
    RESPONSE_VARIANT_ADDED,
    REMOTE_REF,
    UNRESOLVED_REF,
    LIMIT,
    EXCEPTION_EXPIRED,
)
