"""An OpenAPI document (3.0, 3.1) or Swagger 2.0 document, loaded, checked and resolvable.

Parsing is PyYAML (JSON is YAML); the document is checked against the OpenAPI schemas by
``openapi-spec-validator``; ``$ref`` lookups, local and to relative files, go through
``referencing`` (the resolver jsonschema itself uses), so a reference is found exactly as a
JSON Schema validator would find it. Nothing here rewrites or inlines the document:
recursive schemas stay references.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urldefrag, urljoin, urlsplit

import yaml
from referencing import Registry, Resource, Specification
from referencing.exceptions import Unresolvable
from referencing.jsonschema import DRAFT4, DRAFT202012

from stubforge.openapi.pointer import escape

_Loader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _NoDates(_Loader):  # type: ignore[misc]
    """Safe loader that keeps dates as text, as JSON would."""


_NoDates.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


class SpecError(ValueError):
    """The file cannot be read as an OpenAPI or Swagger document."""


def read_document(path: Path) -> Any:
    """Parse a YAML or JSON file (integer-like response codes become strings later)."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise SpecError(f"{path}: cannot read: {exc}") from None
    if text.lstrip().startswith("{"):
        try:  # JSON: the json module is ten times faster than a YAML parser
            return json.loads(text)
        except ValueError:
            pass
    try:
        return yaml.load(text, Loader=_NoDates)  # a safe loader subclass
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{path}:{mark.line + 1}:{mark.column + 1}" if mark is not None else str(path)
        raise SpecError(f"{where}: not valid YAML/JSON: {getattr(exc, 'problem', exc)}") from None


@dataclass(frozen=True, slots=True)
class Node:
    """A resolved value of the document and where it is: a base URI and a JSON pointer."""

    value: Any
    uri: str
    pointer: str
    synthetic: bool = False
    """Built by us (a Swagger 2.0 parameter as a schema), not a value found at ``pointer``."""

    def child(self, *keys: str | int) -> Node:
        value = self.value
        pointer = self.pointer
        for key in keys:
            value = value[key]
            pointer += "/" + escape(str(key))
        return Node(value, self.uri, pointer)

    @property
    def ref(self) -> str:
        """``#/components/schemas/Pet`` (or ``other.yaml#/Pet`` for another file)."""
        return f"#{self.pointer}"


class Spec:
    """A loaded document: its version, raw data and a resolver for ``$ref``."""

    def __init__(self, path: Path, document: Any) -> None:
        if not isinstance(document, dict):
            raise SpecError(f"{path}: not an OpenAPI document (top level is not a mapping)")
        self.path = path
        self.document: dict[str, Any] = document
        self.version = _version(path, document)
        self.specification: Specification[Any] = DRAFT202012 if self.version == "3.1" else DRAFT4
        self.uri = path.resolve().as_uri()
        resource = self.specification.create_resource(document)
        registry: Registry[Any] = Registry(retrieve=self._retrieve)  # type: ignore[call-arg]
        self.registry = registry.with_resource(self.uri, resource)
        self._lookups: dict[tuple[str, str], Node] = {}

    @classmethod
    def load(cls, path: Path) -> Spec:
        return cls(path, read_document(path))

    def _retrieve(self, uri: str) -> Resource[Any]:
        parts = urlsplit(uri)
        if parts.scheme != "file":
            raise Unresolvable(ref=uri)
        document = read_document(Path(unquote(parts.path)))
        return self.specification.create_resource(document)

    @property
    def root(self) -> Node:
        return Node(self.document, self.uri, "")

    def resolve(self, node: Node, limit: int = 50) -> Node:
        """Follow ``$ref`` until a value that is not a reference; raise ``SpecError`` if a
        reference cannot be found or references loop."""
        seen = 0
        while isinstance(node.value, dict) and isinstance(node.value.get("$ref"), str):
            node = self.lookup(node.value["$ref"], node.uri)
            seen += 1
            if seen > limit:
                raise SpecError(f"{node.uri}#{node.pointer}: $ref loop")
        return node

    def lookup(self, ref: str, base: str) -> Node:
        """The value a ``$ref`` written in the resource at ``base`` points to."""
        key = (ref, base)
        found = self._lookups.get(key)
        if found is None:
            found = self._lookups[key] = self._lookup(ref, base)
        return found

    def _lookup(self, ref: str, base: str) -> Node:
        short = "#" not in ref and "/" not in ref and not ref.endswith((".json", ".yaml", ".yml"))
        if self.version == "2.0" and short:
            ref = "#/definitions/" + ref  # Swagger 2.0 short form: ``$ref: Pet``
        try:
            resolved = self.registry.resolver(base).lookup(ref)
        except Unresolvable as exc:
            raise SpecError(
                f"cannot resolve $ref {ref!r} (in {_short(base, self.uri) or 'the spec'}): {exc}"
            ) from None
        target, fragment = urldefrag(urljoin(base, ref))
        return Node(resolved.contents, target or base, unquote(fragment))

    def display(self, node: Node) -> str:
        """``#/components/schemas/Pet`` in the main file, ``other.yaml#/Pet`` elsewhere."""
        return _short(node.uri, self.uri) + f"#{node.pointer}"


def _short(uri: str, main: str) -> str:
    if uri == main:
        return ""
    main_dir = main.rsplit("/", 1)[0] + "/"
    return uri[len(main_dir) :] if uri.startswith(main_dir) else uri


def _version(path: Path, document: dict[str, Any]) -> str:
    swagger = document.get("swagger")
    if swagger is not None:
        if str(swagger) != "2.0":
            raise SpecError(f"{path}: swagger {swagger!r} is not supported (only 2.0)")
        return "2.0"
    openapi = document.get("openapi")
    if openapi is None:
        raise SpecError(
            f"{path}: neither 'openapi' nor 'swagger' at the top: not an API description"
        )
    text = str(openapi)
    if text.startswith("3.0"):
        return "3.0"
    if text.startswith("3.1"):
        return "3.1"
    raise SpecError(f"{path}: openapi {text!r} is not supported (3.0.x, 3.1.x or swagger 2.0)")


def spec_problems(spec: Spec, limit: int = 20) -> list[tuple[str, str]]:
    """What ``openapi-spec-validator`` finds wrong with the document: (pointer, message)."""
    from openapi_spec_validator import (
        OpenAPIV2SpecValidator,
        OpenAPIV30SpecValidator,
        OpenAPIV31SpecValidator,
    )

    cls: Any = {
        "2.0": OpenAPIV2SpecValidator,
        "3.0": OpenAPIV30SpecValidator,
        "3.1": OpenAPIV31SpecValidator,
    }[spec.version]
    out: list[tuple[str, str]] = []
    try:
        for error in cls(spec.document, base_uri=spec.uri).iter_errors():
            where = "/".join(escape(str(p)) for p in getattr(error, "absolute_path", ()))
            message = str(getattr(error, "message", error)).splitlines()[0]
            out.append((f"#/{where}" if where else "#", message[:300]))
            if len(out) >= limit:
                break
    except Exception as exc:  # the validator itself failed on an odd document
        out.append(("#", f"spec validation stopped: {type(exc).__name__}: {exc}"[:300]))
    return out
