"""Resources: a collection of items served statefully (create, read, update, delete, list).

::

    resources:
      - name: users
        collection: /users
        item: /users/{user_id}
        ids: {kind: sequence, start: 4}
        operations: [list, create, read, update, replace, delete]
        list: {pagination: {style: page, page: page, size: per_page, default_size: 10}}
        not_found: {status: 404, json: {error: "no user {{ path.user_id }}"}}
        seed:
          - {id: 1, name: Ada}

Each session (``X-Stubforge-Session``) starts from ``seed`` and keeps its own items; the
admin reset puts it back to the seed.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, JsonValue, model_validator

from stubforge.model.base import Model
from stubforge.model.path_syntax import PathTemplate, parse_path_template
from stubforge.model.response import ResponseSpec

Operation = Literal["list", "create", "read", "update", "replace", "delete"]
"""``list``: GET collection; ``create``: POST collection; ``read``: GET item; ``update``:
PATCH item (merge); ``replace``: PUT item; ``delete``: DELETE item."""

OPERATION_METHODS: dict[str, tuple[str, bool]] = {
    "list": ("GET", False),
    "create": ("POST", False),
    "read": ("GET", True),
    "update": ("PATCH", True),
    "replace": ("PUT", True),
    "delete": ("DELETE", True),
}
"""Each operation's method and whether it addresses an item (else the collection)."""

Alphabet = Literal["digits", "hex", "lower", "upper", "alnum", "lower-alnum", "upper-alnum"]


class IdAssignment(Model):
    """How the provider assigns the id of a created item."""

    kind: Literal["sequence", "prefixed", "uuid4", "uuid7", "ulid", "opaque"]
    """``sequence``: integers counting up; ``prefixed``: a fixed prefix and a random tail
    (``cus_9aB3...``); ``uuid4`` / ``uuid7``; ``ulid``; ``opaque``: no pattern seen (a
    random hex string of ``length``)."""
    start: int = 1
    """``sequence``: the next id to assign."""
    number: bool = True
    """``sequence``: the id is a JSON number (false: a string of digits)."""
    prefix: str = ""
    """``prefixed``: the fixed start of every id."""
    length: int = Field(default=24, ge=1, le=128)
    """``prefixed`` / ``opaque``: the length of the random part."""
    alphabet: Alphabet = "alnum"
    """``prefixed`` / ``opaque``: the characters of the random part."""


class Pagination(Model):
    """How the provider pages a list (query parameter names as the provider spells them)."""

    style: Literal["page", "offset", "cursor"]
    """``page``: page number and size; ``offset``: offset and limit; ``cursor``: the id of
    the last item seen (``starting_after``) and a limit."""
    page: str = "page"
    """``page``: the page-number parameter."""
    first_page: int = 1
    """``page``: the number of the first page."""
    size: str = "per_page"
    """The page-size parameter (``per_page``, ``limit``, ``page_size``...)."""
    offset: str = "offset"
    """``offset``: the offset parameter (``offset``, ``skip``...)."""
    after: str = "starting_after"
    """``cursor``: the parameter carrying the id of the last item of the previous page."""
    default_size: int | None = Field(default=None, ge=1)
    """The page size when the request gives none (none: everything)."""


class ListShape(Model):
    """The shape of a list response."""

    items: str | None = None
    """The top-level field holding the items; none: the body is the array itself."""
    total: str | None = None
    """A field holding the number of items matching (all pages)."""
    has_more: str | None = None
    """A boolean field telling whether items follow this page."""
    fields: dict[str, JsonValue] = Field(default_factory=dict)
    """Other top-level fields of the list body, answered as recorded."""
    pagination: Pagination | None = None
    """How the list is paged; none: every item in one answer."""
    echo: dict[str, str] = Field(default_factory=dict)
    """Top-level fields answering a query parameter's value (``{page: page}``); a number
    when the value is one; the page parameter defaults to the first page."""
    filters: list[str] = Field(default_factory=list)
    """Query parameters that keep only the items whose field of the same name equals
    the value (``?status=paid``)."""


class CreateSpec(Model):
    """What a created item holds."""

    echo: list[str] | Literal["*"] = "*"
    """Request body fields copied into the item (``*``: every field)."""
    fields: dict[str, JsonValue] = Field(default_factory=dict)
    """Fields the provider sets itself, with the value it set (the id is assigned apart)."""
    generated: dict[str, IdAssignment] = Field(default_factory=dict)
    """Fields the provider fills with a fresh value on each create, in the shape it used
    (``rootResourceId: {kind: opaque, length: 10, alphabet: lower-alnum}``)."""


class Resource(Model):
    """A collection of items the mock keeps per session."""

    name: str = Field(pattern=r"^[A-Za-z0-9_.-]+$")
    """A name unique in the file (letters, digits, ``_.-``); state keys use it."""
    collection: PathTemplate
    """The collection's path (``/v1/customers``, ``/users/{user_id}/posts``)."""
    item: PathTemplate
    """An item's path: the collection's path plus one parameter segment, the item's id."""
    id_field: str = "id"
    """The top-level field of an item holding its id."""
    ids: IdAssignment = Field(default_factory=lambda: IdAssignment(kind="opaque"))
    """How created items get their id."""
    operations: list[Operation] = Field(min_length=1)
    """The operations the provider answers; a route with the same method and path is
    answered from the items (routes are added for operations without one)."""
    envelope: str | None = None
    """The top-level field wrapping the item in item responses; none: the item is the body."""
    list_: ListShape = Field(default_factory=ListShape, alias="list")
    """The shape of list responses."""
    create: CreateSpec = Field(default_factory=CreateSpec)
    """The fields of an item made by a create."""
    replace_mode: Literal["replace", "merge"] = "replace"
    """What a PUT does: replace the item with the body, or merge the body into it."""
    delete_returns: Literal["recorded", "item"] = "recorded"
    """What a delete answers: the route's recorded response, or the deleted item."""
    not_found: ResponseSpec | None = None
    """The provider's answer for an id it does not hold (templates see ``path``); none:
    a missing id gets the route's own answer, as recorded."""
    seed: list[dict[str, JsonValue]] = Field(default_factory=list)
    """The items every session starts with (top-level collections)."""
    seed_in: dict[str, list[dict[str, JsonValue]]] = Field(default_factory=dict)
    """Nested collections: starting items per parent, keyed by the parent parameters'
    values joined with ``/`` (``"42"`` for ``/users/42/posts``)."""

    @model_validator(mode="after")
    def _item_under_collection(self) -> Resource:
        coll = parse_path_template(self.collection)
        item = parse_path_template(self.item)
        if len(item) != len(coll) + 1 or item[: len(coll)] != coll or item[-1].name is None:
            raise ValueError(
                f"item {self.item!r} must be the collection {self.collection!r} plus one "
                "parameter segment (the id)"
            )
        if item[-1].type == "path":
            raise ValueError(f"item {self.item!r}: the id cannot be a catch-all parameter")
        for i, entry in enumerate(self.seed):
            if self.id_field not in entry:
                raise ValueError(f"seed[{i}] has no {self.id_field!r} (the id_field)")
        return self

    @property
    def id_param(self) -> str:
        """The path parameter carrying the id."""
        name = parse_path_template(self.item)[-1].name
        assert name is not None
        return name

    @property
    def scope_params(self) -> tuple[str, ...]:
        """The parent parameters (nested collections)."""
        return tuple(s.name for s in parse_path_template(self.collection) if s.name is not None)
