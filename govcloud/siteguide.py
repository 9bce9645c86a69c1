"""The reference of every ``govcloud:*`` site setting, generated from the site model so it never drifts.

``docs/site-guide.md`` holds the generated table between two marker comments; ``govcloud site-guide
--write`` refreshes it and a test keeps the committed text equal to what this module generates. The
descriptions are the models' own attribute docstrings (read from the source with ``ast``), so a setting
documented in code is documented here.
"""

from __future__ import annotations

import ast
import inspect
import json
import re
import textwrap
import types
import typing
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

from pydantic import BaseModel
from pydantic_core import PydanticUndefined

from govcloud.contract.site import CONFIG_NAMESPACE, SiteConfig, network_settings_given

BEGIN = "<!-- BEGIN GENERATED: govcloud site-guide --write -->"
END = "<!-- END GENERATED -->"


#: What a setting does, for settings whose model attribute has no docstring of its own (the model's docstring
#: wins when it has one). A test fails when a setting has neither, so no setting goes undocumented.
NOTES: dict[str, str] = {
    "site": "`national` or the province code (ISO 3166-2, e.g. `TH-76`) of the data centre this stack deploys to; "
    "a tenant file's `spec.site` must equal it.",
    "environment": "`prod` for a production site: network settings must be stated, test-only switches are refused.",
    "kubernetesVersion": 'The cluster\'s Kubernetes minor version, quoted (`"1.36"`); pinned operators '
    "must support it.",
    "objectStore.endpoint": "HTTPS endpoint of the S3-compatible store (`http://` only for a local test store); "
    "absent: the SDK's default endpoint for the region.",
    "objectStore.region": "The store's region name, as its signatures expect it (Ceph RGW: its zonegroup).",
    "objectStore.addressingStyle": "`path` (`endpoint/bucket`, what most on-premises stores need) or `virtual` "
    "(`bucket.endpoint`).",
    "objectStore.port": "The endpoint's port, for the tenants' egress allowance.",
    "identityProvider": "The OIDC identity provider the API server and the web UIs trust.",
    "identityProvider.issuerUrl": "OIDC issuer URL (https), the same as the API server's `--oidc-issuer-url`.",
    "identityProvider.clientId": "The OIDC client registered for this stack's web UIs.",
    "identityProvider.groupsClaim": "Token claim holding the user's groups; the API server's `--oidc-groups-claim`.",
    "identityProvider.port": "The identity provider's port, for the web UIs' egress allowance.",
    "ingress": "The site's ingress controller, which tenants' published web UIs go through.",
    "ingress.className": "IngressClass of the controller.",
    "ingress.namespace": "Namespace the controller runs in: tenant ingress NetworkPolicies admit traffic from it.",
    "clusterDns": "The cluster's DNS pods: every tenant's egress policy allows DNS to exactly these pods.",
    "clusterDns.namespace": "Namespace of the DNS pods.",
    "clusterDns.podLabels": "Labels selecting the DNS pods.",
    "kubernetesApi.cidr": "Network of the API server's endpoints (`kubectl get endpoints kubernetes -n default`).",
    "kubernetesApi.port": "Port of the API server's endpoints.",
    "storageClassSpec.provisioner": "CSI provisioner of the StorageClass govcloud declares.",
    "certificates.caSecretName": "Secret in the cert-manager namespace holding the site CA's key pair.",
    "auditLog.retentionDays": "Days each audit record is locked (compliance mode): at least 365, at most 3650.",
    "clusterNetworks.podCidrs": "The cluster's pod networks.",
    "clusterNetworks.serviceCidrs": "The cluster's service networks.",
    "nodes.cidr": "The nodes' network.",
}


@cache
def attribute_docs(model: type[BaseModel]) -> dict[str, str]:
    """``{field: docstring}`` from the string literal that follows each annotated attribute in the class."""
    docs: dict[str, str] = {}
    for klass in reversed(model.__mro__):
        if not (isinstance(klass, type) and issubclass(klass, BaseModel)) or klass is BaseModel:
            continue
        try:
            tree = ast.parse(textwrap.dedent(inspect.getsource(klass)))
        except (OSError, TypeError):
            continue
        body = tree.body[0].body if tree.body and isinstance(tree.body[0], ast.ClassDef) else []
        for node, following in zip(body, [*body[1:], None], strict=True):
            if (
                isinstance(node, ast.AnnAssign)
                and isinstance(node.target, ast.Name)
                and isinstance(following, ast.Expr)
                and isinstance(following.value, ast.Constant)
                and isinstance(following.value.value, str)
            ):
                docs[node.target.id] = " ".join(inspect.cleandoc(following.value.value).split())
    return docs


def _model_of(annotation: Any) -> type[BaseModel] | None:
    options = typing.get_args(annotation) if typing.get_origin(annotation) in (typing.Union, types.UnionType) else ()
    for option in options or (annotation,):
        if isinstance(option, type) and issubclass(option, BaseModel):
            return option
    return None


def _type_name(annotation: Any) -> str:
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _type_name(typing.get_args(annotation)[0])
    if origin is typing.Literal:
        return " \\| ".join(f"`{v}`" for v in typing.get_args(annotation))
    if origin in (typing.Union, types.UnionType):
        names = [_type_name(a) for a in typing.get_args(annotation) if a is not type(None)]
        return " \\| ".join(names)
    if origin is list:
        return f"list of {_type_name(typing.get_args(annotation)[0])}"
    if origin is dict:
        key, value = typing.get_args(annotation)
        return f"map {_type_name(key)} → {_type_name(value)}"
    if isinstance(annotation, type):
        if issubclass(annotation, BaseModel):
            return "object"
        return {"str": "text", "int": "integer", "bool": "boolean"}.get(annotation.__name__, annotation.__name__)
    return str(annotation)


def _default(info: Any) -> str:
    if info.is_required():
        return "**required**"
    default = info.get_default(call_default_factory=True)
    if default is None or default is PydanticUndefined:
        return "—"
    if isinstance(default, BaseModel):
        return "see below"
    text = json.dumps(default, ensure_ascii=False, default=str)
    return f"`{text}`"


def _markdown(text: str) -> str:
    return " ".join(re.sub(r"``([^`]+)``", r"`\1`", text).split())


def _rows(model: type[BaseModel], prefix: str, production: set[str]) -> Iterator[tuple[str, str, str, str]]:
    docs = attribute_docs(model)
    for name, info in model.model_fields.items():
        key = f"{prefix}{info.alias or name}"
        nested = _model_of(info.annotation)
        short = key.removeprefix(f"{CONFIG_NAMESPACE}:")
        doc = docs.get(name) or (inspect.cleandoc(nested.__doc__ or "") if nested else "") or NOTES.get(short, "")
        doc = _markdown(doc)
        default = _default(info)
        if key.removeprefix(f"{CONFIG_NAMESPACE}:") in production:
            default = f"{default}; **required in production**" if default != "**required**" else default
        yield key, _type_name(info.annotation), default, doc
        if nested is not None:
            yield from _rows(nested, f"{key}.", production)


def settings_reference() -> str:
    """The Markdown table of every site setting: key, type, default, what it does."""
    production = {".".join(loc) for loc in network_settings_given_keys()}
    lines = [
        "| setting | type | default | what it does |",
        "|---|---|---|---|",
    ]
    for key, kind, default, doc in _rows(SiteConfig, f"{CONFIG_NAMESPACE}:", production):
        escaped = doc.replace("|", "\\|")
        lines.append(f"| `{key}` | {kind} | {default} | {escaped} |")
    return "\n".join(lines) + "\n"


def network_settings_given_keys() -> list[tuple[str, ...]]:
    """The settings a production stack must state (the contract's own rule, asked of an empty site)."""
    from govcloud.contract.site import IdentityProvider, ObjectStore

    empty = SiteConfig.model_construct(
        object_store=ObjectStore.model_construct(), identity_provider=IdentityProvider.model_construct()
    )
    return list(network_settings_given(empty))


def render_guide(current: str) -> str:
    """``current`` with its generated section replaced by today's reference."""
    if BEGIN not in current or END not in current:
        raise ValueError(f"the site guide lacks the markers {BEGIN} … {END}")
    head, rest = current.split(BEGIN, 1)
    _, tail = rest.split(END, 1)
    return f"{head}{BEGIN}\n{settings_reference()}{END}{tail}"


def guide_path(project: Path) -> Path:
    return project / "docs" / "site-guide.md"
