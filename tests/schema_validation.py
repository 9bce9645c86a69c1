"""Validation of what the program renders, against upstream schemas (Kubernetes, CRDs, Helm charts); test support.

Moved from govcloud/validation (issue 15): only tests use it, so it ships with them, not in the product.

Built-in kinds are checked against the strict JSON schemas that ``kubernetes_validate`` bundles, custom
resources against the upstream CRD's ``openAPIV3Schema`` made strict, and Helm values against the chart's
schema or default values. ``kubernetes_validate.validate()`` recompiles its schema on every call (~8 ms an
object); here one validator is built per (Kubernetes version, apiVersion, kind) and reused, so checking
thousands of rendered objects takes well under a second.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jsonschema
import yaml
from jsonschema.exceptions import ValidationError, best_match, relevance
from jsonschema.protocols import Validator
from referencing import Registry, Resource

__all__ = [
    "SchemaCatalog",
    "SchemaValidationError",
    "bundled_kubernetes_versions",
    "coalesce_values",
    "missing_default_keys",
    "strict_crd_schema",
    "validate_helm_values",
]

_MAX_MESSAGE = 300
"""jsonschema puts the whole failing instance in some messages; a line an engineer reads must stay short."""

_YAML_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
"""libyaml parses the 3.4 MB of upstream CRDs in ~0.3 s; the pure-Python loader takes many seconds."""


class SchemaValidationError(ValueError):
    """Raised by :meth:`SchemaCatalog.validate`; carries every message, one problem each."""

    def __init__(self, messages: Sequence[str]) -> None:
        self.messages: list[str] = list(messages)
        super().__init__("\n".join(self.messages))


# --------------------------------------------------------------------------------------------------
# Kubernetes name and label rules (apimachinery/pkg/util/validation), which the JSON schemas don't carry.

_DNS1123_LABEL = re.compile(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?")
_DNS1123_SUBDOMAIN = re.compile(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*")
_DNS1035_LABEL = re.compile(r"[a-z]([-a-z0-9]*[a-z0-9])?")
_QUALIFIED_NAME = re.compile(r"([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]")


def _dns1123_label(value: str) -> str | None:
    if len(value) <= 63 and _DNS1123_LABEL.fullmatch(value):
        return None
    return f"{value!r} is not a valid DNS-1123 label (lowercase alphanumerics and '-', at most 63 characters)"


def _dns1123_subdomain(value: str) -> str | None:
    if len(value) <= 253 and _DNS1123_SUBDOMAIN.fullmatch(value):
        return None
    return f"{value!r} is not a valid DNS-1123 subdomain (lowercase alphanumerics, '-' and '.', at most 253 characters)"


def _dns1035_label(value: str) -> str | None:
    if len(value) <= 63 and _DNS1035_LABEL.fullmatch(value):
        return None
    return (
        f"{value!r} is not a valid DNS-1035 label "
        "(starts with a lowercase letter; lowercase alphanumerics and '-', at most 63 characters)"
    )


def _path_segment(value: str) -> str | None:
    if value in (".", "..") or "/" in value or "%" in value:
        return f"{value!r} is not a valid path segment name (no '/', no '%', not '.' or '..')"
    return None


def _qualified_name(key: str) -> str | None:
    """Label and annotation keys: an optional DNS-1123 subdomain prefix and '/', then a name of <= 63."""
    prefix, _, name = key.rpartition("/")
    if "/" in key and (not prefix or len(prefix) > 253 or not _DNS1123_SUBDOMAIN.fullmatch(prefix)):
        return f"key {key!r}: prefix must be a DNS-1123 subdomain of at most 253 characters"
    if len(name) > 63 or not _QUALIFIED_NAME.fullmatch(name):
        return (
            f"key {key!r}: name part must be at most 63 characters, alphanumerics, '-', '_' or '.', "
            "starting and ending with an alphanumeric"
        )
    return None


def _label_value(value: str) -> str | None:
    if value == "" or (len(value) <= 63 and _QUALIFIED_NAME.fullmatch(value)):
        return None
    return (
        f"value {value!r} must be at most 63 characters, empty or alphanumerics, '-', '_' or '.', "
        "starting and ending with an alphanumeric"
    )


_NameRule = Callable[[str], "str | None"]

_NAME_RULES: dict[tuple[str, str], _NameRule] = {
    ("", "Namespace"): _dns1123_label,
    ("", "Service"): _dns1035_label,
    ("rbac.authorization.k8s.io", "Role"): _path_segment,
    ("rbac.authorization.k8s.io", "ClusterRole"): _path_segment,
    ("rbac.authorization.k8s.io", "RoleBinding"): _path_segment,
    ("rbac.authorization.k8s.io", "ClusterRoleBinding"): _path_segment,
}
"""Kinds whose names follow another rule than the usual DNS-1123 subdomain (as the apiserver checks)."""

_CLUSTER_SCOPED_BUILTINS: frozenset[tuple[str, str]] = frozenset(
    {
        ("", "Namespace"),
        ("", "Node"),
        ("", "PersistentVolume"),
        ("", "ComponentStatus"),
        ("rbac.authorization.k8s.io", "ClusterRole"),
        ("rbac.authorization.k8s.io", "ClusterRoleBinding"),
        ("storage.k8s.io", "StorageClass"),
        ("storage.k8s.io", "CSIDriver"),
        ("storage.k8s.io", "CSINode"),
        ("storage.k8s.io", "VolumeAttachment"),
        ("storage.k8s.io", "VolumeAttributesClass"),
        ("apiextensions.k8s.io", "CustomResourceDefinition"),
        ("apiregistration.k8s.io", "APIService"),
        ("admissionregistration.k8s.io", "MutatingWebhookConfiguration"),
        ("admissionregistration.k8s.io", "ValidatingWebhookConfiguration"),
        ("admissionregistration.k8s.io", "ValidatingAdmissionPolicy"),
        ("admissionregistration.k8s.io", "ValidatingAdmissionPolicyBinding"),
        ("admissionregistration.k8s.io", "MutatingAdmissionPolicy"),
        ("admissionregistration.k8s.io", "MutatingAdmissionPolicyBinding"),
        ("scheduling.k8s.io", "PriorityClass"),
        ("node.k8s.io", "RuntimeClass"),
        ("networking.k8s.io", "IngressClass"),
        ("networking.k8s.io", "IPAddress"),
        ("networking.k8s.io", "ServiceCIDR"),
        ("certificates.k8s.io", "CertificateSigningRequest"),
        ("certificates.k8s.io", "ClusterTrustBundle"),
        ("flowcontrol.apiserver.k8s.io", "FlowSchema"),
        ("flowcontrol.apiserver.k8s.io", "PriorityLevelConfiguration"),
        ("authentication.k8s.io", "TokenReview"),
        ("authentication.k8s.io", "SelfSubjectReview"),
        ("authorization.k8s.io", "SelfSubjectAccessReview"),
        ("authorization.k8s.io", "SelfSubjectRulesReview"),
        ("authorization.k8s.io", "SubjectAccessReview"),
        ("internal.apiserver.k8s.io", "StorageVersion"),
        ("storagemigration.k8s.io", "StorageVersionMigration"),
        ("resource.k8s.io", "DeviceClass"),
        ("resource.k8s.io", "ResourceSlice"),
        ("resource.k8s.io", "DeviceTaintRule"),
    }
)
"""The bundled JSON schemas don't say which kinds are namespaced; these are the apiserver's other ones."""

_POD_TEMPLATE_METADATA: tuple[tuple[str, ...], ...] = (
    ("spec", "template", "metadata"),
    ("spec", "jobTemplate", "metadata"),
    ("spec", "jobTemplate", "spec", "template", "metadata"),
)
"""Where built-in workloads carry nested metadata whose labels become real pod or job labels."""


def _group_of(api_version: str) -> str:
    return api_version.rpartition("/")[0]


# --------------------------------------------------------------------------------------------------
# Paths and messages


def _format_path(path: Iterable[Any]) -> str:
    """``spec.ingress[0].from``, as kubectl prints field paths; keys with dots or slashes get ``["…"]``."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        elif re.fullmatch(r"[A-Za-z_$][A-Za-z0-9_$-]*", str(part)):
            out += f".{part}" if out else str(part)
        else:
            out += f"[{json.dumps(str(part))}]"
    return out or "(root)"


def _shorten(message: str) -> str:
    return message if len(message) <= _MAX_MESSAGE else message[: _MAX_MESSAGE - 1] + "…"


def _describe(error: ValidationError) -> Iterator[str]:
    """One line per problem; a refused unknown field is named by its own path, as kubectl does."""
    path = list(error.absolute_path)
    if error.validator == "additionalProperties" and isinstance(error.instance, Mapping):
        schema = error.schema if isinstance(error.schema, Mapping) else {}
        known = schema.get("properties", {})
        patterns = [re.compile(p) for p in schema.get("patternProperties", {})]
        extras = [k for k in error.instance if k not in known and not any(p.search(str(k)) for p in patterns)]
        if extras and error.validator_value is False:
            for extra in extras:
                yield f"{_format_path([*path, extra])}: unknown field {str(extra)!r}"
            return
    yield f"{_format_path(path)}: {_shorten(error.message)}"


def _messages(errors: Iterable[ValidationError]) -> list[str]:
    """The best-matching error first (``best_match``), then every other one, without duplicates."""
    ordered = sorted(errors, key=relevance, reverse=True)
    out: list[str] = []
    for error in ordered:
        leaf = best_match([error]) or error
        for message in _describe(leaf):
            if message not in out:
                out.append(message)
    return out


# --------------------------------------------------------------------------------------------------
# Built-in kinds: kubernetes_validate's bundled strict schemas


def _schema_root() -> Path:
    import kubernetes_validate

    return Path(kubernetes_validate.__file__).resolve().parent / "kubernetes-json-schema"


def _version_tuple(version: str) -> tuple[int, int]:
    match = re.fullmatch(r"v?(\d+)\.(\d+)(?:\.\d+)?(?:[-+].*)?", version.strip())
    if not match:
        raise ValueError(f"not a Kubernetes version: {version!r} (expected e.g. '1.31' or 'v1.31.4')")
    return int(match.group(1)), int(match.group(2))


@functools.cache
def bundled_kubernetes_versions() -> tuple[str, ...]:
    """Major.minor versions with a strict schema folder in ``kubernetes_validate``, oldest first."""
    found = set()
    for entry in _schema_root().iterdir():
        match = re.fullmatch(r"v(\d+)\.(\d+)\.\d+-local-strict", entry.name)
        if match and entry.is_dir():
            found.add((int(match.group(1)), int(match.group(2))))
    return tuple(f"{major}.{minor}" for major, minor in sorted(found))


def _resolve_version(desired: str) -> str:
    """The newest bundled version not newer than ``desired``, as kubernetes_validate picks it.

    kubernetes_validate compares "major.minor" strings, so "1.4" > "1.31" there; tuples are compared here.
    """
    wanted = _version_tuple(desired)
    candidates = [v for v in bundled_kubernetes_versions() if _version_tuple(v) <= wanted]
    newest = bundled_kubernetes_versions()[-1]
    if wanted > _version_tuple(newest):
        raise ValueError(
            f"Kubernetes {desired} is newer than the newest schemas kubernetes-validate bundles ({newest}); "
            "upgrade kubernetes-validate"
        )
    if not candidates:
        raise ValueError(
            f"Kubernetes {desired} is older than the oldest schemas kubernetes-validate bundles "
            f"({bundled_kubernetes_versions()[0]})"
        )
    return candidates[-1]


def _schema_file_name(api_version: str, kind: str) -> str:
    """kubernetes_validate's file naming: ``rbac.authorization.k8s.io/v1`` Role -> ``role-rbac-v1.json``."""
    munged = re.sub(r"^([^./]*)(?:\.[^/]*)?/", r"\1-", api_version)
    return f"{kind.lower()}-{munged}.json"


_DEFS_REF = "#/$defs/"


@dataclass
class _BuiltinSchemas:
    """One Kubernetes version's strict schemas: definitions, an index and compiled validators."""

    version: str
    directory: Path
    definitions: Mapping[str, Any]
    registry: Registry[Any]
    files: dict[tuple[str, str], Path]
    validators: dict[tuple[str, str], Validator] = field(default_factory=dict)
    inlined: dict[str, dict[str, Any]] = field(default_factory=dict)

    def validator(self, api_version: str, kind: str) -> Validator | None:
        key = (api_version, kind)
        cached = self.validators.get(key)
        if cached is None:
            path = self.files.get(key)
            if path is None:
                return None
            schema = self._inline(json.loads(path.read_text()))
            cached = jsonschema.Draft202012Validator(schema, registry=self.registry)
            self.validators[key] = cached
        return cached

    def _inline(self, node: Any) -> Any:
        """``node`` with every ``$ref`` into _definitions.json replaced by the definition itself.

        Resolving a ``$ref`` through ``referencing`` costs ~25 µs, and a NetworkPolicy takes 14 of them;
        inlined, validation is ~30% faster. Definitions are shared between kinds and recursive ones
        (JSONSchemaProps) become cycles, which jsonschema follows only as deep as the instance goes.
        """
        if isinstance(node, list):
            return [self._inline(item) for item in node]
        if not isinstance(node, dict):
            return node
        ref = node.get("$ref")
        if isinstance(ref, str) and _DEFS_REF in ref:
            # Only description and x- annotations sit beside a $ref in these files: nothing to keep.
            name = ref.split(_DEFS_REF, 1)[1]
            target = self.inlined.get(name)
            if target is None:
                target = self.inlined[name] = {}
                target.update(self._inline(self.definitions[name]))
            return target
        out: dict[str, Any] = {}
        for key, value in node.items():
            if key in ("properties", "patternProperties", "$defs") and isinstance(value, dict):
                out[key] = {name: self._inline(sub) for name, sub in value.items()}  # names, not keywords
            elif key in ("enum", "const", "default", "examples"):
                out[key] = value  # data, not schemas
            else:
                out[key] = self._inline(value)
        return out


@functools.cache
def _builtin_schemas(version: str) -> _BuiltinSchemas:
    """Loaded once per version and shared by every catalog, so tests and the program pay it once."""
    directory = _schema_root() / f"v{version}.0-local-strict"
    definitions = json.loads((directory / "_definitions.json").read_text())
    registry: Registry[Any] = Resource.from_contents(definitions) @ Registry()
    files: dict[tuple[str, str], Path] = {}
    for definition in definitions.get("$defs", {}).values():
        for gvk in definition.get("x-kubernetes-group-version-kind", []):
            group, ver, kind = gvk.get("group", ""), gvk["version"], gvk["kind"]
            api_version = f"{group}/{ver}" if group else ver
            path = directory / _schema_file_name(api_version, kind)
            if path.is_file():
                files[(api_version, kind)] = path
    return _BuiltinSchemas(version, directory, definitions.get("$defs", {}), registry, files)


# --------------------------------------------------------------------------------------------------
# Custom resources: upstream CRD schemas made strict


def strict_crd_schema(schema: Mapping[str, Any]) -> dict[str, Any]:
    """A copy of a CRD ``openAPIV3Schema`` that refuses unknown fields, as a JSON Schema.

    CRD schemas never say ``additionalProperties: false``: the apiserver prunes unknown fields silently,
    which is how a typo'd field vanishes in production. So every object schema with ``properties`` gets
    ``additionalProperties: false`` unless it preserves unknown fields; ``x-kubernetes-int-or-string``
    becomes integer-or-string; ``nullable: true`` admits null; other ``x-`` keys (CEL rules, list types)
    and descriptions are dropped.
    """
    node = dict(schema)
    out: dict[str, Any] = {}
    for key, value in node.items():
        if key.startswith("x-") or key in ("nullable", "description"):
            continue
        if key in ("properties", "patternProperties", "definitions", "$defs") and isinstance(value, Mapping):
            out[key] = {name: _strict_sub(sub) for name, sub in value.items()}
        elif key in ("items", "additionalProperties", "not", "additionalItems", "contains", "propertyNames"):
            out[key] = [_strict_sub(v) for v in value] if isinstance(value, list) else _strict_sub(value)
        elif key in ("allOf", "anyOf", "oneOf") and isinstance(value, list):
            out[key] = [_strict_sub(v) for v in value]
        elif key in ("exclusiveMinimum", "exclusiveMaximum") and isinstance(value, bool):
            # OpenAPI 3.0 booleans; JSON Schema 2020-12 wants the bound itself.
            bound = "minimum" if key == "exclusiveMinimum" else "maximum"
            if value and bound in node:
                out[key] = node[bound]
        else:
            out[key] = value
    if isinstance(out.get("exclusiveMinimum"), (int, float)):
        out.pop("minimum", None)
    if isinstance(out.get("exclusiveMaximum"), (int, float)):
        out.pop("maximum", None)
    if node.get("x-kubernetes-int-or-string") is True:
        out["type"] = ["integer", "string"]
        # controller-gen also writes anyOf [integer, string]; it only repeats the type, and twice the errors.
        branches = out.get("anyOf")
        if branches and all(b in ({"type": "integer"}, {"type": "string"}) for b in branches):
            out.pop("anyOf", None)
    if node.get("nullable") is True and "type" in out:
        types = [out["type"]] if isinstance(out["type"], str) else list(out["type"])
        out["type"] = [*types, "null"] if "null" not in types else types
    if node.get("x-kubernetes-embedded-resource") is True and "properties" in out:
        out["properties"].setdefault("apiVersion", {"type": "string"})
        out["properties"].setdefault("kind", {"type": "string"})
        out["properties"].setdefault("metadata", {"type": "object"})
    preserves = node.get("x-kubernetes-preserve-unknown-fields") is True
    if "properties" in out and "additionalProperties" not in out and not preserves:
        out["additionalProperties"] = False
    return out


def _strict_sub(value: Any) -> Any:
    return strict_crd_schema(value) if isinstance(value, Mapping) else value


@dataclass
class _CrdVersion:
    """One served version of one CRD; its validator is compiled on first use (the Kyverno CRD is big)."""

    api_version: str
    kind: str
    namespaced: bool
    schema: Mapping[str, Any]
    source: Path
    compiled: Validator | None = None

    def validator(self) -> Validator:
        if self.compiled is None:
            strict = strict_crd_schema(self.schema)
            properties = strict.setdefault("properties", {})
            # metadata is the apiserver's ObjectMeta, not the CRD's; only its shape is checked here.
            properties["metadata"] = {"type": "object"}
            properties.setdefault("apiVersion", {"type": "string"})
            properties.setdefault("kind", {"type": "string"})
            self.compiled = jsonschema.Draft202012Validator(strict)
        return self.compiled


def _load_crds(path: Path) -> Iterator[_CrdVersion]:
    with path.open() as handle:
        documents = list(yaml.load_all(handle, Loader=_YAML_LOADER))
    for document in documents:
        if not isinstance(document, Mapping) or document.get("kind") != "CustomResourceDefinition":
            continue
        spec = document.get("spec", {})
        group, kind = spec["group"], spec["names"]["kind"]
        namespaced = spec.get("scope", "Namespaced") == "Namespaced"
        for version in spec.get("versions", []):
            if version.get("served", True) is False:
                continue
            schema = (version.get("schema") or {}).get("openAPIV3Schema")
            if schema is None:
                raise ValueError(f"{path}: CRD {kind} version {version.get('name')} has no openAPIV3Schema")
            yield _CrdVersion(f"{group}/{version['name']}", kind, namespaced, schema, path)


# --------------------------------------------------------------------------------------------------
# The catalog


class SchemaCatalog:
    """Every schema one stack needs: the built-ins of its Kubernetes version plus the CRDs it installs."""

    def __init__(self, kubernetes_version: str, crd_paths: Iterable[Path] = ()) -> None:
        self.requested_version = kubernetes_version
        self.schema_version = _resolve_version(kubernetes_version)
        self._builtins = _builtin_schemas(self.schema_version)
        self._crds: dict[tuple[str, str], _CrdVersion] = {}
        for path in crd_paths:
            for crd in _load_crds(Path(path)):
                key = (crd.api_version, crd.kind)
                if key in self._crds:
                    raise ValueError(
                        f"{crd.api_version} {crd.kind} is defined twice: {self._crds[key].source} and {path}"
                    )
                self._crds[key] = crd

    @classmethod
    def from_shared(cls, kubernetes_version: str, shared: Path) -> SchemaCatalog:
        """A catalog with every CRD under ``shared/schemas/crds/`` (the upstream copies SOURCES.md lists)."""
        root = Path(shared) / "schemas" / "crds"
        if not root.is_dir():
            raise FileNotFoundError(f"no CRD folder at {root}")
        paths = sorted(p for p in root.rglob("*") if p.suffix in (".yaml", ".yml") and p.is_file())
        return cls(kubernetes_version, paths)

    @classmethod
    def from_upstream(cls, kubernetes_version: str, shared: Path) -> SchemaCatalog:
        """Every CRD under ``shared/schemas/crds/`` plus those the tools step caches from pinned Go modules
        (``tests.prerequisites.cached_crds``: EnvoyProxy, BackendTLSPolicy): what a plan's objects need."""
        from tests.prerequisites import cached_crds

        root = Path(shared) / "schemas" / "crds"
        if not root.is_dir():
            raise FileNotFoundError(f"no CRD folder at {root}")
        paths = sorted(p for p in root.rglob("*") if p.suffix in (".yaml", ".yml") and p.is_file())
        return cls(kubernetes_version, [*paths, *cached_crds()])

    @property
    def custom_kinds(self) -> list[tuple[str, str]]:
        """(apiVersion, kind) of every served CRD version loaded, sorted."""
        return sorted(self._crds)

    def _lookup(self, api_version: str, kind: str) -> tuple[Validator, bool, _NameRule] | None:
        builtin = self._builtins.validator(api_version, kind)
        group = _group_of(api_version)
        if builtin is not None:
            namespaced = (group, kind) not in _CLUSTER_SCOPED_BUILTINS
            return builtin, namespaced, _NAME_RULES.get((group, kind), _dns1123_subdomain)
        crd = self._crds.get((api_version, kind))
        if crd is not None:
            return crd.validator(), crd.namespaced, _dns1123_subdomain
        return None

    def errors(self, obj: Mapping[str, Any]) -> list[str]:
        """Every problem with ``obj``, each ``Kind/namespace/name: field.path: message``; [] when valid."""
        if not isinstance(obj, Mapping):
            return [f"(object): expected a mapping, got {type(obj).__name__}"]
        api_version, kind = obj.get("apiVersion"), obj.get("kind")
        metadata = obj.get("metadata")
        meta = metadata if isinstance(metadata, Mapping) else {}
        name = meta.get("name") or meta.get("generateName") or "<unnamed>"
        namespace = meta.get("namespace")
        if not isinstance(api_version, str) or not isinstance(kind, str) or not api_version or not kind:
            return [f"{kind or '<no kind>'}/{name}: apiVersion and kind must both be set (strings)"]
        found = self._lookup(api_version, kind)
        ident = f"{kind}/{namespace}/{name}" if namespace else f"{kind}/{name}"
        if found is None:
            return [
                f"{ident}: no schema is known for apiVersion {api_version!r} kind {kind!r} "
                f"(Kubernetes {self.schema_version} built-ins and {len(self._crds)} loaded CRD versions)"
            ]
        validator, namespaced, name_rule = found
        messages = _messages(validator.iter_errors(obj))
        messages += _metadata_problems(metadata, kind, namespaced, name_rule)
        if self._builtins.validator(api_version, kind) is not None:
            for path in _POD_TEMPLATE_METADATA:
                nested = _dig(obj, path)
                if isinstance(nested, Mapping):
                    messages += _label_problems(nested, _format_path(path))
        return [f"{ident}: {m}" for m in messages]

    def validate(self, obj: Mapping[str, Any]) -> None:
        """Raise :class:`SchemaValidationError` listing every problem when ``obj`` is not valid."""
        messages = self.errors(obj)
        if messages:
            raise SchemaValidationError(messages)


def _dig(obj: Mapping[str, Any], path: Sequence[str]) -> Any:
    current: Any = obj
    for part in path:
        if not isinstance(current, Mapping):
            return None
        current = current.get(part)
    return current


def _metadata_problems(metadata: Any, kind: str, namespaced: bool, name_rule: _NameRule) -> list[str]:
    """What the apiserver checks in ObjectMeta and no JSON schema expresses."""
    if not isinstance(metadata, Mapping):
        return ["metadata: required (a mapping with at least name)"]
    out: list[str] = []
    name, generate_name = metadata.get("name"), metadata.get("generateName")
    if not name and not generate_name:
        out.append("metadata.name: required")
    elif isinstance(name, str) and name and (problem := name_rule(name)):
        out.append(f"metadata.name: {problem}")
    namespace = metadata.get("namespace")
    if namespaced:
        if not namespace:
            out.append(f"metadata.namespace: required, {kind} is namespaced")
        elif isinstance(namespace, str) and (problem := _dns1123_label(namespace)):
            out.append(f"metadata.namespace: {problem}")
    elif namespace:
        out.append(f"metadata.namespace: must not be set, {kind} is cluster-scoped")
    out += _label_problems(metadata, "metadata")
    return out


def _label_problems(metadata: Mapping[str, Any], where: str) -> list[str]:
    out: list[str] = []
    labels = metadata.get("labels")
    if isinstance(labels, Mapping):
        for key, value in labels.items():
            path = _format_path([*where.split("."), "labels", str(key)])
            if problem := _qualified_name(str(key)):
                out.append(f"{path}: label {problem}")
            if isinstance(value, str) and (problem := _label_value(value)):
                out.append(f"{path}: label {problem}")
    annotations = metadata.get("annotations")
    if isinstance(annotations, Mapping):
        for key in annotations:
            if problem := _qualified_name(str(key)):
                path = _format_path([*where.split("."), "annotations", str(key)])
                out.append(f"{path}: annotation {problem}")
    return out


# --------------------------------------------------------------------------------------------------
# Helm values


def _load_yaml_or_json(path: Path) -> Any:
    with path.open() as handle:
        return yaml.load(handle, Loader=_YAML_LOADER)  # JSON is YAML too


@functools.lru_cache(maxsize=32)
def _values_validator(schema_path: Path) -> Validator:
    schema = _load_yaml_or_json(schema_path)
    cls = jsonschema.validators.validator_for(schema, default=jsonschema.Draft7Validator)
    cls.check_schema(schema)
    validator: Validator = cls(schema)
    return validator


@functools.lru_cache(maxsize=32)
def _chart_defaults(values_path: Path) -> Mapping[str, Any]:
    loaded = _load_yaml_or_json(values_path)
    return loaded if isinstance(loaded, Mapping) else {}


def coalesce_values(defaults: Mapping[str, Any], overrides: Mapping[str, Any]) -> dict[str, Any]:
    """Helm's merge of user values over chart defaults: maps merge, other values replace, null deletes."""
    merged = dict(defaults)
    for key, value in overrides.items():
        if value is None:
            merged.pop(key, None)
        elif isinstance(value, Mapping) and isinstance(merged.get(key), Mapping):
            merged[key] = coalesce_values(merged[key], value)
        else:
            merged[key] = value
    return merged


def validate_helm_values(
    values: Mapping[str, Any], schema_path: Path, *, merge_chart_defaults: bool = True
) -> list[str]:
    """Messages (``field.path: message``) for values a chart's ``values.schema`` refuses; [] when valid.

    Helm validates the chart's defaults merged with the user's values, not the user's values alone (z2jh's
    schema requires a dozen top-level keys that values.yaml supplies), so the ``values.yaml`` beside the
    schema is merged under ``values`` first unless ``merge_chart_defaults`` is false.
    """
    schema_path = Path(schema_path).resolve()
    document: Mapping[str, Any] = values
    defaults_path = schema_path.parent / "values.yaml"
    if merge_chart_defaults and defaults_path.is_file():
        document = coalesce_values(_chart_defaults(defaults_path), values)
    return _messages(_values_validator(schema_path).iter_errors(document))


def missing_default_keys(
    values: Mapping[str, Any],
    chart_default_values: Mapping[str, Any],
    allow_free_form: Collection[tuple[str, ...]] = (),
) -> list[str]:
    """Dotted paths we set that the chart's default values.yaml doesn't have, for charts with no schema.

    A chart silently ignores a key its templates never read, so a typo there costs a feature without an
    error. Keys under ``allow_free_form`` paths, and under defaults that are empty maps (``{}``), null or
    not maps (the chart's placeholders for free-form content), are not checked.
    """
    free = {tuple(p) for p in allow_free_form}
    out: list[str] = []

    def walk(ours: Mapping[str, Any], theirs: Mapping[str, Any], prefix: tuple[str, ...]) -> None:
        for key, value in ours.items():
            path = (*prefix, str(key))
            if path in free:
                continue
            if key not in theirs:
                out.append(".".join(path))
                continue
            default = theirs[key]
            if isinstance(value, Mapping) and isinstance(default, Mapping) and default:
                walk(value, default, path)

    walk(values, chart_default_values, ())
    return out
