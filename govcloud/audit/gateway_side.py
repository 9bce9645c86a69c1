"""The audit of the site's entry points (issue 14): every HTTPS listener has a valid certificate, live.

For each namespace where the plan declares Gateway API listeners (a Gateway or a tenant's ListenerSet), the
live Gateways, ListenerSets and cert-manager Certificates of that namespace are listed and checked with the
same rule the policy pack applies to the plan (``govcloud.manifests.gateway.https_listener_problems``), plus
what only the live cluster knows: whether each Certificate is Ready, and whether each Gateway is Programmed.

Findings:

* ``AUD-TLS-001`` (high): an HTTPS listener without a valid certificate: no Certificate writes its Secret,
  the Certificate does not name the listener's hostname, or it is not Ready (expired, failed, never issued).
* ``AUD-TLS-002`` (medium): a public name served with a certificate from the site CA, which public clients
  do not trust.
* ``AUD-GW-001`` (medium): a declared Gateway that is missing or not Programmed (no address assigned, or the
  controller refused it): names on it are not served.
* ``AUD-GW-002`` (high): a ListenerSet or HTTPRoute the plan does not declare, in a namespace that publishes
  (cert-manager's own HTTP-01 solver routes excepted): someone published outside govcloud.
* ``AUD-GW-003`` (high): a Gateway's exposure differs from the stack: its ``parametersRef`` names another
  ``EnvoyProxy``, or its declared EnvoyProxy is missing or carries another Envoy Service type (an internal
  Gateway turned into a load balancer serves internal names wherever that address is reachable).
The Trino UI's ``BackendTLSPolicy`` (``AUD-TLS-003``, ``AUD-TLS-004``) is a tenant object and a row of the
kind table (``govcloud.audit.kinds.BACKEND_TLS_POLICY``), compared by ``kubernetes_side.py``, not here. The
EnvoyProxy stays here: it lives in the platform's namespace, and ``AUD-GW-003`` judges it together with the
Gateway that names it (``parametersRef``), which is no row of that table.

Only namespaces the plan publishes from are listed, so an audit of a plan without Gateway API objects makes
no request for them.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from typing import Any, Final

from kubernetes.client import ApiClient, CustomObjectsApi
from kubernetes.client.exceptions import ApiException

from govcloud.audit.findings import Finding, Severity
from govcloud.manifests.gateway import ACME_SOLVER_LABELS, ENVOY_PROXY_GROUP, GROUP, https_listener_problems
from govcloud.naming import label

KINDS: Final = {
    "Gateway": (GROUP, "v1", "gateways"),
    "ListenerSet": (GROUP, "v1", "listenersets"),
    "HTTPRoute": (GROUP, "v1", "httproutes"),
    "Certificate": ("cert-manager.io", "v1", "certificates"),
    "EnvoyProxy": (ENVOY_PROXY_GROUP, "v1alpha1", "envoyproxies"),
}
WHERE_DECLARED: Final = ("EnvoyProxy",)
"""Kinds listed only in the namespaces where the plan declares one (the others: in every publishing namespace)."""
PUBLISHING: Final = ("ListenerSet", "HTTPRoute")
ACME_SOLVER_LABEL: Final = next(iter(ACME_SOLVER_LABELS))
"""Kinds that publish names: one the plan does not declare is reported (AUD-GW-002)."""
CODES: Final = {
    "missing": ("AUD-TLS-001", Severity.HIGH),
    "mismatch": ("AUD-TLS-001", Severity.HIGH),
    "not-ready": ("AUD-TLS-001", Severity.HIGH),
    "untrusted": ("AUD-TLS-002", Severity.MEDIUM),
}


def _programmed(gateway: Mapping[str, Any]) -> bool:
    conditions = (gateway.get("status") or {}).get("conditions") or []
    return any(c.get("type") == "Programmed" and c.get("status") == "True" for c in conditions)


def _list(custom: CustomObjectsApi, kind: str, namespace: str) -> list[dict[str, Any]]:
    group, version, plural = KINDS[kind]
    try:
        response = custom.list_namespaced_custom_object(group, version, namespace, plural, _preload_content=False)
    except ApiException as error:
        if error.status == 404:  # the API is not served: every declared object of it is missing
            return []
        raise
    data: bytes = response.data  # type: ignore[attr-defined]  # urllib3 response (_preload_content=False)
    return [dict(item) for item in json.loads(data).get("items") or []]


def _undeclared(
    declared: list[Mapping[str, Any]], live: list[dict[str, Any]], tenant_of: Callable[[str], str | None]
) -> list[Finding]:
    """ListenerSets and HTTPRoutes live in a publishing namespace that the plan does not declare."""
    known = {(d["kind"], d["metadata"].get("namespace"), d["metadata"].get("name")) for d in declared}
    found = []
    for obj in live:
        metadata = obj.get("metadata") or {}
        key = (obj["kind"], metadata.get("namespace"), metadata.get("name"))
        solver = ACME_SOLVER_LABEL in (metadata.get("labels") or {})
        if obj["kind"] in PUBLISHING and key not in known and not solver:
            spec = obj.get("spec") or {}
            hostnames = spec.get("hostnames") or [li.get("hostname") for li in spec.get("listeners") or []]
            found.append(
                Finding(
                    "AUD-GW-002",
                    Severity.HIGH,
                    tenant_of(str(key[1])),
                    f"{key[0]} {key[1]}/{key[2]}",
                    f"{key[0]} {key[1]}/{key[2]} is not declared by the stack: it publishes names outside govcloud",
                    {"hostnames": hostnames},
                )
            )
    return found


def _envoy_service_type(proxy: Mapping[str, Any]) -> Any:
    return (
        (((proxy.get("spec") or {}).get("provider") or {}).get("kubernetes") or {}).get("envoyService", {}).get("type")
    )


def _drifted_infrastructure(declared: list[Mapping[str, Any]], live: list[dict[str, Any]]) -> list[Finding]:
    """Gateways exposed other than declared: the EnvoyProxy they name, and its Envoy Service type (AUD-GW-003)."""
    by_key = {(o["kind"], o["metadata"].get("namespace"), o["metadata"].get("name")): o for o in live}
    found: list[Finding] = []
    for want in declared:
        kind, namespace, name = want["kind"], want["metadata"].get("namespace"), want["metadata"].get("name")
        have = by_key.get((kind, namespace, name))
        why = None
        if kind == "Gateway" and have is not None:
            ref = ((want.get("spec") or {}).get("infrastructure") or {}).get("parametersRef")
            if ((have.get("spec") or {}).get("infrastructure") or {}).get("parametersRef") != ref:
                why = f"names another EnvoyProxy than the declared {(ref or {}).get('name')}"
        elif kind == "EnvoyProxy":
            if have is None:
                why = "is declared but missing"
            elif _envoy_service_type(have) != _envoy_service_type(want):
                why = f"exposes its Gateway as {_envoy_service_type(have)}, not {_envoy_service_type(want)}"
        if why is None:
            continue
        found.append(
            Finding(
                "AUD-GW-003",
                Severity.HIGH,
                None,
                f"{kind} {namespace}/{name}",
                f"{kind} {namespace}/{name} {why}: the Gateway may be exposed other than the site decided",
                {"declared": want.get("spec"), "live": (have or {}).get("spec")},
            )
        )
    return found


def audit_gateways(
    declared: Iterable[Mapping[str, Any]], api: ApiClient, missing_namespaces: Iterable[str] = ()
) -> tuple[list[Finding], int]:
    """(findings, listeners checked) for the namespaces where ``declared`` (plan objects) has listeners.

    ``missing_namespaces`` are already reported as missing (AUD-NS-001): what they held is not reported again.
    """
    skip = set(missing_namespaces)
    declared = [d for d in declared if d.get("kind") in KINDS and d["metadata"].get("namespace") not in skip]
    namespaces = sorted(
        {str(d["metadata"].get("namespace")) for d in declared if d["kind"] in ("Gateway", "ListenerSet")}
    )
    custom = CustomObjectsApi(api)
    live: list[dict[str, Any]] = []
    declared_in = {(d["kind"], d["metadata"].get("namespace")) for d in declared}
    for namespace in namespaces:
        for kind in KINDS:
            if kind not in WHERE_DECLARED or (kind, namespace) in declared_in:
                live += [{**item, "kind": kind} for item in _list(custom, kind, namespace)]
    findings: list[Finding] = []
    tenant_label = label("tenant")

    def tenant_of(namespace: str) -> str | None:
        owner = next((d for d in declared if d["metadata"].get("namespace") == namespace), None)
        labels = (owner or {}).get("metadata", {}).get("labels") or {}
        return labels.get(tenant_label)

    live_gateways = {
        (o["metadata"].get("namespace"), o["metadata"].get("name")): o for o in live if o["kind"] == "Gateway"
    }
    for gateway in (d for d in declared if d["kind"] == "Gateway"):
        key = (gateway["metadata"].get("namespace"), gateway["metadata"].get("name"))
        found = live_gateways.get(key)
        if found is None or not _programmed(found):
            findings.append(
                Finding(
                    "AUD-GW-001",
                    Severity.MEDIUM,
                    None,
                    f"Gateway {key[0]}/{key[1]}",
                    f"Gateway {key[0]}/{key[1]} is {'missing' if found is None else 'not Programmed'}: "
                    "the names on it are not served",
                    {"status": (found or {}).get("status")},
                )
            )
    # Listeners the plan declares must exist live: a deleted ListenerSet is a finding too.
    live_sets = {
        (o["metadata"].get("namespace"), o["metadata"].get("name")) for o in live if o["kind"] == "ListenerSet"
    }
    for listener_set in (d for d in declared if d["kind"] == "ListenerSet"):
        key = (listener_set["metadata"].get("namespace"), listener_set["metadata"].get("name"))
        if key not in live_sets:
            findings.append(
                Finding(
                    "AUD-TLS-001",
                    Severity.HIGH,
                    tenant_of(str(key[0])),
                    f"ListenerSet {key[0]}/{key[1]}",
                    f"ListenerSet {key[0]}/{key[1]} is declared but missing: its names are not served",
                    {"hostnames": [li.get("hostname") for li in listener_set["spec"].get("listeners") or []]},
                )
            )
    findings += _undeclared(declared, live, tenant_of)
    findings += _drifted_infrastructure(declared, live)
    checked = 0
    for owner in live:
        if owner["kind"] in ("Gateway", "ListenerSet"):
            checked += sum(
                1 for li in (owner.get("spec") or {}).get("listeners") or [] if li.get("protocol") == "HTTPS"
            )
    for problem in https_listener_problems(live):
        code, severity = CODES[problem.code]
        kind = "ListenerSet" if problem.listener_set else "Gateway"
        findings.append(
            Finding(
                code,
                severity,
                tenant_of(problem.namespace),
                f"{kind} {problem.namespace}/{problem.owner}",
                problem.message,
                {"listener": problem.listener, "hostname": problem.hostname, "problem": problem.code},
            )
        )
    return findings, checked
