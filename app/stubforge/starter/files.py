"""The files ``stubforge init`` writes: a stub file with one route of each kind, a templated
body file and a README. The stub file passes ``stubforge check`` (a test loads it)."""

from __future__ import annotations

from stubforge.model.schema_cli import SCHEMA_LINE

EXAMPLE = f"""{SCHEMA_LINE}
# A starter stub file: one route of each kind. Edit freely; 'stubforge check' validates,
# 'stubforge serve' serves it (and reloads on every save). Format: docs/stub-format.md.
version: 1
service: example
x-json: &json {{content-type: application/json}}     # x- keys are ignored: anchors live here
defaults:
  headers: {{x-mock: stubforge}}
routes:
  # a literal path and a JSON answer
  - id: ping
    request: {{method: GET, path: /ping}}
    response: {{json: {{ok: true}}}}

  # a path template; strings with {{{{ }}}} are templates
  - id: get-user
    request: {{method: GET, path: "/users/{{user_id}}"}}
    response:
      headers: *json
      json: {{id: "{{{{ path.user_id }}}}", name: Ada, fetched_at: "{{{{ now }}}}"}}

  # variants: the first whose `when` holds answers; the last one is the default
  - id: create-order
    request: {{method: POST, path: /orders}}
    responses:
      - when: {{body: {{jsonpath: {{"$.quantity": {{gt: 10}}}}}}}}
        status: 422
        json: {{error: too many}}
      - status: 201
        headers: {{location: "/orders/{{{{ uuid }}}}"}}
        json: {{status: created, quantity: "{{{{ json.quantity }}}}"}}

  # a templated body file (bodies/ is never read as stub files)
  - id: greeting
    request: {{method: GET, path: /greeting, query: {{name: {{present: true}}}}}}
    response: {{body_file: bodies/greeting.txt, template: true}}

  # a sequence: one response per request, the last one repeats
  - id: job-status
    request: {{method: GET, path: /jobs/1}}
    sequence:
      responses:
        - {{status: 202, json: {{status: pending}}}}
        - {{json: {{status: done}}}}

  # a scenario: routes that require and move a state
  - id: login
    request: {{method: POST, path: /session}}
    response: {{status: 201}}
    state: {{scenario: auth, requires: started, next: logged_in}}
  - id: me
    request: {{method: GET, path: /me}}
    response: {{json: {{user: ada}}}}
    state: {{scenario: auth, requires: logged_in}}

  # behaviour: latency, injected errors and a rate limit
  - id: flaky-search
    request: {{method: GET, path: /search}}
    response: {{json: {{results: []}}}}
    latency: {{p50: 40ms, p99: 300ms}}
    errors:
      - {{rate: 0.1, response: {{status: 503, json: {{error: unavailable}}}}}}
    rate_limit: {{limit: 5, per: 1s}}
"""

GREETING = "Hello, {{ query.name }}!\n"

README = f"""# Stubs

Served by stubforge:

```sh
stubforge check .      # every error as file:line:col
stubforge serve .      # http://127.0.0.1:8080, reloads when a file changes
curl localhost:8080/ping
curl 'localhost:8080/greeting?name=Ada'
```

- `example.yaml` holds one route of each kind; copy a route and edit it.
- `bodies/` holds body files (`body_file:`); YAML there is never read as stubs.
- `stubs.schema.json` gives editors completion and validation through the first line of
  each stub file: `{SCHEMA_LINE}` (from a subdirectory: `../stubs.schema.json`).
  `stubforge schema --install .` refreshes it after an upgrade.
"""

FILES = {
    "example.yaml": EXAMPLE,
    "bodies/greeting.txt": GREETING,
    "README.md": README,
}
"""Relative path -> text (the schema is written by :func:`stubforge.model.schema_cli.install`)."""
