"""The contracts engine: load two OpenAPI documents, diff them in one walk, judge each change.

It knows nothing of platforms: `diff(base, head)` takes two specs and returns findings, so it can be used and
tested on its own (`lockstep diff-api`). Stages: loader (files, git refs, `$ref`) -> differ (one walk over
paths, operations, parameters, bodies, responses) -> schema_diff (effective schemas, direction-aware rules)
-> rules (the catalogue).
"""
