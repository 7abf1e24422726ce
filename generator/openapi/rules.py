"""The catalogue of contract rules: one id, level and line each, grouped by the part of the API they judge.

Direction matters: a request rule fires when the server stops accepting what clients send; a response rule
fires when clients may receive what they do not expect. In webhooks and callbacks the API is the client: the
request it sends is judged by the response rules, the responses it receives by the request rules.

RULES are what every comparison judges (breaking and risky changes). CHANGES are the changelog's notes: every
other change clients may notice, all at level info, reported only when the comparison is asked for a
changelog (`diff-api --changelog`), so that `validate` and plain `diff-api` stay as quiet as they were.
"""

from __future__ import annotations

from generator.findings import Rule
from generator.openapi import access, servers  # rules declared beside the code that emits them

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
RESPONSE_HEADER_BECAME_OPTIONAL = Rule(
    "api.response-header-became-optional",
    "error",
    "A required response header became optional: clients that read it may not get it.",
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

# JSON Schema keywords (issue 18)
REQUEST_MULTIPLE_OF_CHANGED = Rule(
    "api.request-multiple-of-changed",
    "error",
    "A request number must now be a multiple of a value (multipleOf added, or changed to one the old is not a "
    "multiple of).",
)
REQUEST_UNIQUE_ITEMS_ADDED = Rule(
    "api.request-unique-items-added", "error", "A request array must now have unique items (uniqueItems)."
)
REQUEST_CONTAINS_NARROWED = Rule(
    "api.request-contains-narrowed",
    "error",
    "A request array must now contain matching items (contains added, minContains raised, maxContains lowered).",
)
REQUEST_ITEMS_NARROWED = Rule(
    "api.request-items-narrowed",
    "error",
    "A request array's items are newly constrained: a prefixItems position where any value was accepted, or no "
    "more items accepted after the tuple (items or unevaluatedItems false).",
)
REQUEST_DEPENDENCY_ADDED = Rule(
    "api.request-dependency-added",
    "error",
    "A request object gained a dependency: a property now requires others (dependentRequired) or a schema "
    "(dependentSchemas).",
)
REQUEST_PATTERN_PROPERTY_ADDED = Rule(
    "api.request-pattern-property-added",
    "error",
    "Request properties whose names match a pattern must now match a schema (patternProperties).",
)
REQUEST_PROPERTY_NAMES_RESTRICTED = Rule(
    "api.request-property-names-restricted",
    "error",
    "A request object's property names must now match a schema (propertyNames added).",
)
REQUEST_CONDITION_ADDED = Rule(
    "api.request-condition-added",
    "error",
    "A request schema gained a condition (if/then/else): values that match `if` must now match `then`, the others "
    "`else`.",
)
REQUEST_CONTENT_CHANGED = Rule(
    "api.request-content-changed",
    "error",
    "A request string's encoded content changed: contentMediaType or contentEncoding added or changed, or "
    "contentSchema added.",
)
REQUEST_FORMAT_CHANGED = Rule(
    "api.request-format-changed",
    "error",
    "A request value gained a format or its format changed (other than widened: int32 -> int64, float -> double).",
)
REQUEST_DISCRIMINATOR_CHANGED = Rule(
    "api.request-discriminator-changed",
    "error",
    "A request discriminator changed its property, or a mapping value clients send was removed or re-targeted.",
)
REQUEST_VARIANTS_OVERLAP = Rule(
    "api.request-variants-overlap",
    "error",
    "Two alternatives of a request oneOf newly overlap: a value that matches both matches not exactly one, and is "
    "rejected.",
)
PATTERN_UNDECIDED = Rule(
    "api.pattern-undecided",
    "warning",
    "A pattern changed and lockstep could not decide whether the change rejects values sent before (request) or "
    "returns values not promised before (response): check it by hand.",
)
CONDITION_UNDECIDED = Rule(
    "api.condition-undecided",
    "warning",
    "The `if` of an if/then/else changed: lockstep could not decide which values now fall on which side.",
)
RESPONSE_RANGE_WIDENED = Rule(
    "api.response-range-widened",
    "warning",
    "A response maximum, minimum, length, item or property count was raised, lowered or removed: clients may "
    "receive values outside the range they were promised.",
)
RESPONSE_CONSTRAINT_RELAXED = Rule(
    "api.response-constraint-relaxed",
    "warning",
    "A response constraint was relaxed or removed (pattern, multipleOf, uniqueItems, contains, dependencies, "
    "propertyNames, patternProperties, if/then/else, content*): clients may receive values it excluded.",
)
RESPONSE_FORMAT_CHANGED = Rule(
    "api.response-format-changed",
    "warning",
    "A response value's format was removed or changed (other than narrowed: int64 -> int32, double -> float).",
)
RESPONSE_CONST_CHANGED = Rule(
    "api.response-const-changed", "error", "A response const was replaced or removed: clients match on it."
)
DEFAULT_REPLACED = Rule(
    "api.default-replaced",
    "warning",
    "A default value was replaced by another: clients that omit the value (request) or rely on it (response) see "
    "a different one.",
)

# not, $dynamicRef, undecided overlaps (issue 18)
VARIANTS_OVERLAP_UNDECIDED = Rule(
    "api.variants-overlap-undecided",
    "warning",
    "Two alternatives of a request oneOf changed and lockstep could not decide whether a value matches both (such "
    "a value matches not exactly one, and is rejected): check them by hand.",
)
REQUEST_NOT_WIDENED = Rule(
    "api.request-not-widened",
    "error",
    "A request's `not` now matches values it did not match, or a `not` was added that matches values the API "
    "accepted: the API rejects them.",
)
RESPONSE_NOT_NARROWED = Rule(
    "api.response-not-narrowed",
    "warning",
    "A response's `not` matches fewer values, or was removed: clients may receive values it excluded.",
)
NOT_UNDECIDED = Rule(
    "api.not-undecided",
    "warning",
    "A `not` was added to a request, removed from a response, or changed, and lockstep could not decide whether "
    "the API now rejects values it accepted (request) or returns values it excluded (response): check it by hand.",
)
DYNAMIC_REF_UNDECIDED = Rule(
    "api.dynamic-ref-undecided",
    "warning",
    "A `$dynamicRef` could not be followed to one schema: the schema resource that binds it defines its "
    "`$dynamicAnchor` twice, so lockstep did not compare what lies behind it: check it by hand.",
)

# The document itself
REMOTE_REF = Rule("api.remote-ref", "error", "`$ref`s point inside the contract's files, never to the network.")
UNRESOLVED_REF = Rule("api.unresolved-ref", "error", "Every `$ref` (and `$dynamicRef`) resolves to a node that exists.")

LIMIT = Rule(
    "api.limit",
    "error",
    "A comparison stays within lockstep's limits (findings per pair of documents, nesting); past one it stops and "
    "says what it left out.",
)

EXCEPTION_EXPIRED = Rule(
    "api.exception-expired", "error", "An entry of .lockstep/api-exceptions.yaml is past its expiry date."
)

# paths, webhooks, security, servers (issue 18)
AMBIGUOUS_PATH = Rule(
    "api.ambiguous-path",
    "error",
    "Two paths of one document are equal up to parameter names (`/things/{id}`, `/things/{digest}`): OpenAPI "
    "calls them the same path, and which one a request reaches is undefined.",
)
BODY_REMOVED = Rule(
    "api.request-body-removed",
    "warning",
    "The request body was removed: clients still send it, and what it said is ignored (or refused).",
)
PARAMETER_DEFAULT_REMOVED = Rule(
    "api.request-parameter-default-removed",
    "warning",
    "An optional parameter's default was removed: clients that leave it out get other behaviour (a default "
    "replaced by another is `api.default-replaced`).",
)
CALLBACK_PARAMETER_REMOVED = Rule(
    "api.callback-parameter-removed",
    "error",
    "A webhook or callback request no longer always carries a parameter it always carried (required).",
)
CALLBACK_OPTIONAL_PARAMETER_REMOVED = Rule(
    "api.callback-optional-parameter-removed",
    "warning",
    "A webhook or callback request no longer carries an optional parameter it could carry.",
)
CALLBACK_BODY_REMOVED = Rule(
    "api.callback-body-removed",
    "error",
    "A webhook or callback request no longer (always) carries the body it always carried.",
)

# The changelog's notes (only with --changelog): what changed without breaking clients.
# Operations
OPERATION_ADDED = Rule("api.operation-added", "info", "An operation (or a whole path) was added.")
OPERATION_DEPRECATED = Rule("api.operation-deprecated", "info", "An operation was marked `deprecated`.")
OPERATION_REACTIVATED = Rule("api.operation-reactivated", "info", "An operation is no longer `deprecated`.")
OPERATION_ID_ADDED = Rule("api.operation-id-added", "info", "An operation got an operationId.")
OPERATION_ID_REMOVED = Rule("api.operation-id-removed", "info", "An operation's operationId was removed.")
TAG_ADDED = Rule("api.tag-added", "info", "An operation got a tag.")
TAG_REMOVED = Rule("api.tag-removed", "info", "A tag was removed from an operation.")

# Request parameters
PARAMETER_ADDED = Rule("api.request-parameter-added", "info", "A new optional request parameter.")
PARAMETER_BECAME_OPTIONAL = Rule(
    "api.request-parameter-became-optional", "info", "A required request parameter became optional."
)
PARAMETER_DEPRECATED = Rule("api.request-parameter-deprecated", "info", "A request parameter was marked `deprecated`.")
PARAMETER_REACTIVATED = Rule(
    "api.request-parameter-reactivated", "info", "A request parameter is no longer `deprecated`."
)

# Request bodies
BODY_ADDED = Rule("api.request-body-added", "info", "An optional request body was added.")
BODY_BECAME_OPTIONAL = Rule("api.request-body-became-optional", "info", "A required request body became optional.")
REQUEST_MEDIA_TYPE_ADDED = Rule("api.request-media-type-added", "info", "A request media type is now accepted.")

# Request schemas (bodies and parameters)
REQUEST_PROPERTY_ADDED = Rule("api.request-property-added", "info", "A new optional property in a request schema.")
REQUEST_PROPERTY_REMOVED = Rule(
    "api.request-property-removed", "info", "A request property was removed (clients still send it)."
)
REQUEST_PROPERTY_BECAME_OPTIONAL = Rule(
    "api.request-property-became-optional", "info", "A required request property became optional."
)
REQUEST_TYPE_WIDENED = Rule("api.request-type-widened", "info", "A request value accepts a type it did not accept.")
REQUEST_BECAME_NULLABLE = Rule("api.request-became-nullable", "info", "A request value now accepts null.")
REQUEST_ENUM_VALUE_ADDED = Rule(
    "api.request-enum-value-added", "info", "A request enum gained a value (or is no longer an enum)."
)
REQUEST_MAX_INCREASED = Rule(
    "api.request-max-increased",
    "info",
    "A request maximum, maxLength, maxItems or maxProperties was raised or removed.",
)
REQUEST_MIN_DECREASED = Rule(
    "api.request-min-decreased",
    "info",
    "A request minimum, minLength, minItems or minProperties was lowered or removed.",
)
REQUEST_PATTERN_REMOVED = Rule("api.request-pattern-removed", "info", "A request string no longer has a pattern.")
REQUEST_VARIANT_ADDED = Rule(
    "api.request-variant-added", "info", "A oneOf/anyOf alternative was added to a request schema."
)
REQUEST_ADDITIONAL_PROPERTIES_OPENED = Rule(
    "api.request-additional-properties-opened",
    "info",
    "A request object that refused additional properties now accepts them.",
)

# Responses
RESPONSE_STATUS_ADDED = Rule("api.response-status-added", "info", "A response status was added.")
RESPONSE_STATUS_REMOVED = Rule("api.response-status-removed", "info", "A non-success response status was removed.")
RESPONSE_MEDIA_TYPE_ADDED = Rule("api.response-media-type-added", "info", "A response media type was added.")
RESPONSE_HEADER_ADDED = Rule("api.response-header-added", "info", "A response header was added.")
RESPONSE_PROPERTY_ADDED = Rule("api.response-property-added", "info", "A response schema gained a property.")
RESPONSE_PROPERTY_BECAME_REQUIRED = Rule(
    "api.response-property-became-required", "info", "An optional response property became required."
)
RESPONSE_TYPE_NARROWED = Rule(
    "api.response-type-narrowed", "info", "A response value no longer has a type it could have."
)
RESPONSE_BECAME_NON_NULLABLE = Rule("api.response-became-non-nullable", "info", "A response value is no longer null.")
RESPONSE_ENUM_VALUE_REMOVED = Rule(
    "api.response-enum-value-removed", "info", "A response enum lost a value (or a free value became an enum)."
)
RESPONSE_CONSTRAINT_CHANGED = Rule(
    "api.response-constraint-changed",
    "info",
    "A response maximum, minimum, length, item count or pattern was added or tightened.",
)
RESPONSE_VARIANT_REMOVED = Rule(
    "api.response-variant-removed", "info", "A oneOf/anyOf alternative of a response schema was removed."
)

# Schemas in either direction
DEFAULT_CHANGED = Rule("api.default-changed", "info", "A default value was set or removed.")
PROPERTY_DEPRECATED = Rule("api.property-deprecated", "info", "A property or schema was marked `deprecated`.")
PROPERTY_REACTIVATED = Rule("api.property-reactivated", "info", "A property or schema is no longer `deprecated`.")

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
    RESPONSE_HEADER_BECAME_OPTIONAL,
    RESPONSE_PROPERTY_REMOVED,
    RESPONSE_OPTIONAL_PROPERTY_REMOVED,
    RESPONSE_PROPERTY_BECAME_OPTIONAL,
    RESPONSE_TYPE_CHANGED,
    RESPONSE_BECAME_NULLABLE,
    RESPONSE_ENUM_VALUE_ADDED,
    RESPONSE_VARIANT_ADDED,
    REQUEST_MULTIPLE_OF_CHANGED,
    REQUEST_UNIQUE_ITEMS_ADDED,
    REQUEST_CONTAINS_NARROWED,
    REQUEST_ITEMS_NARROWED,
    REQUEST_DEPENDENCY_ADDED,
    REQUEST_PATTERN_PROPERTY_ADDED,
    REQUEST_PROPERTY_NAMES_RESTRICTED,
    REQUEST_CONDITION_ADDED,
    REQUEST_CONTENT_CHANGED,
    REQUEST_FORMAT_CHANGED,
    REQUEST_DISCRIMINATOR_CHANGED,
    REQUEST_VARIANTS_OVERLAP,
    PATTERN_UNDECIDED,
    CONDITION_UNDECIDED,
    RESPONSE_RANGE_WIDENED,
    RESPONSE_CONSTRAINT_RELAXED,
    RESPONSE_FORMAT_CHANGED,
    RESPONSE_CONST_CHANGED,
    DEFAULT_REPLACED,
    VARIANTS_OVERLAP_UNDECIDED,
    REQUEST_NOT_WIDENED,
    RESPONSE_NOT_NARROWED,
    NOT_UNDECIDED,
    DYNAMIC_REF_UNDECIDED,
    REMOTE_REF,
    UNRESOLVED_REF,
    LIMIT,
    EXCEPTION_EXPIRED,
    AMBIGUOUS_PATH,
    BODY_REMOVED,
    PARAMETER_DEFAULT_REMOVED,
    *access.RULES,  # security requirements and schemes
    *servers.RULES,
    CALLBACK_PARAMETER_REMOVED,
    CALLBACK_OPTIONAL_PARAMETER_REMOVED,
    CALLBACK_BODY_REMOVED,
)

CHANGES: tuple[Rule, ...] = (
    OPERATION_ADDED,
    OPERATION_DEPRECATED,
    OPERATION_REACTIVATED,
    OPERATION_ID_ADDED,
    OPERATION_ID_REMOVED,
    TAG_ADDED,
    TAG_REMOVED,
    *access.CHANGES,
    PARAMETER_ADDED,
    PARAMETER_BECAME_OPTIONAL,
    PARAMETER_DEPRECATED,
    PARAMETER_REACTIVATED,
    BODY_ADDED,
    BODY_BECAME_OPTIONAL,
    REQUEST_MEDIA_TYPE_ADDED,
    REQUEST_PROPERTY_ADDED,
    REQUEST_PROPERTY_REMOVED,
    REQUEST_PROPERTY_BECAME_OPTIONAL,
    REQUEST_TYPE_WIDENED,
    REQUEST_BECAME_NULLABLE,
    REQUEST_ENUM_VALUE_ADDED,
    REQUEST_MAX_INCREASED,
    REQUEST_MIN_DECREASED,
    REQUEST_PATTERN_REMOVED,
    REQUEST_VARIANT_ADDED,
    REQUEST_ADDITIONAL_PROPERTIES_OPENED,
    RESPONSE_STATUS_ADDED,
    RESPONSE_STATUS_REMOVED,
    RESPONSE_MEDIA_TYPE_ADDED,
    RESPONSE_HEADER_ADDED,
    RESPONSE_PROPERTY_ADDED,
    RESPONSE_PROPERTY_BECAME_REQUIRED,
    RESPONSE_TYPE_NARROWED,
    RESPONSE_BECAME_NON_NULLABLE,
    RESPONSE_ENUM_VALUE_REMOVED,
    RESPONSE_CONSTRAINT_CHANGED,
    RESPONSE_VARIANT_REMOVED,
    DEFAULT_CHANGED,
    PROPERTY_DEPRECATED,
    PROPERTY_REACTIVATED,
)

CATALOGUE: tuple[Rule, ...] = RULES + CHANGES  # what `diff-api --list-rules` prints
