"""Pod Security admission decides, on the real API server, after the stack's objects are applied.

Every pod template govcloud itself emits (CKAN, Solr, Redis, the bootstrap Jobs, anything else with a
``template``) becomes a Pod created with ``dryRun=All`` in its namespace: the whole admission chain runs
(PodSecurity at the namespace's labels, LimitRanger, ResourceQuota, ServiceAccount) and nothing is stored.
A compliant probe pod is admitted in every tenant namespace, and each of three one-field departures from
it (privileged, a hostPath volume, no seccomp profile) is refused there by PodSecurity.

Upstream: kubernetes staging/src/k8s.io/pod-security-admission/policy (check_privileged.go,
check_hostPathVolumes.go, check_seccompProfile_restricted.go at v0.36.x): the restricted level refuses
each of the three; the refusal message starts with ``violates PodSecurity "restricted:<version>"``.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterator, Mapping
from typing import Any

import pytest

from tests.cluster.conftest import Deployment, identity
from tests.cluster.controlplane import ApiError

WORKLOAD_KINDS = ("Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job")


def pod_templates(objects: list[dict[str, Any]]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    """(identity, namespace, template) for every pod template in the objects govcloud builds."""
    for obj in objects:
        spec = obj.get("spec") or {}
        template = None
        if obj["kind"] in WORKLOAD_KINDS:
            template = spec.get("template")
        elif obj["kind"] == "CronJob":
            template = ((spec.get("jobTemplate") or {}).get("spec") or {}).get("template")
        if template is not None:
            yield identity(obj), str(obj["metadata"]["namespace"]), template


def pod_from(template: Mapping[str, Any], namespace: str, name: str) -> dict[str, Any]:
    metadata = copy.deepcopy(dict(template.get("metadata") or {}))
    metadata.update(name=name, namespace=namespace)
    return {"apiVersion": "v1", "kind": "Pod", "metadata": metadata, "spec": copy.deepcopy(template["spec"])}


def probe_pod(namespace: str, name: str = "psa-probe") -> dict[str, Any]:
    """A pod the restricted profile admits; the refused variants each change one thing."""
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": name, "namespace": namespace},
        "spec": {
            "automountServiceAccountToken": False,
            "securityContext": {"runAsNonRoot": True, "runAsUser": 1000, "seccompProfile": {"type": "RuntimeDefault"}},
            "containers": [
                {
                    "name": "probe",
                    "image": "registry.invalid/probe:1",
                    "securityContext": {"allowPrivilegeEscalation": False, "capabilities": {"drop": ["ALL"]}},
                    "resources": {
                        "requests": {"cpu": "100m", "memory": "128Mi"},
                        "limits": {"cpu": "100m", "memory": "128Mi"},
                    },
                }
            ],
        },
    }


def _privileged(pod: dict[str, Any]) -> None:
    # privileged implies privilege escalation: the server's validation refuses the pair (true, false)
    pod["spec"]["containers"][0]["securityContext"].update(privileged=True, allowPrivilegeEscalation=True)


def _host_path(pod: dict[str, Any]) -> None:
    pod["spec"]["volumes"] = [{"name": "host", "hostPath": {"path": "/var/lib"}}]
    pod["spec"]["containers"][0]["volumeMounts"] = [{"name": "host", "mountPath": "/host", "readOnly": True}]


def _no_seccomp(pod: dict[str, Any]) -> None:
    del pod["spec"]["securityContext"]["seccompProfile"]


VIOLATIONS: dict[str, tuple[Callable[[dict[str, Any]], None], str]] = {
    "privileged": (_privileged, "privileged"),
    "hostPath": (_host_path, 'restricted volume type "hostPath"'),
    "no seccomp profile": (_no_seccomp, "seccompProfile"),
}


def test_every_pod_template_govcloud_emits_is_admitted(deployed: Deployment) -> None:
    templates = list(pod_templates(deployed.objects))
    assert templates, "every example stack runs the open-data portal's workloads"
    refused = {}
    for index, (owner, namespace, template) in enumerate(templates):
        try:
            deployed.kube.create(pod_from(template, namespace, f"template-{index}"), dry_run=True)
        except ApiError as error:
            refused[owner] = error.message
    assert refused == {}


def test_the_probe_pod_is_admitted_in_every_tenant_namespace(deployed: Deployment) -> None:
    """The refusals below are PodSecurity's and nothing else's: the unchanged probe is admitted."""
    assert deployed.tenant_namespaces
    for namespace in deployed.tenant_namespaces:
        deployed.kube.create(probe_pod(namespace), dry_run=True)


@pytest.mark.parametrize("violation", sorted(VIOLATIONS))
def test_pod_security_refuses_in_every_tenant_namespace(deployed: Deployment, violation: str) -> None:
    change, check = VIOLATIONS[violation]
    for namespace in deployed.tenant_namespaces:
        pod = probe_pod(namespace)
        change(pod)
        with pytest.raises(ApiError) as refused:
            deployed.kube.create(pod, dry_run=True)
        assert refused.value.status == 403, refused.value.message
        assert 'violates PodSecurity "restricted:v1.36"' in refused.value.message
        assert check in refused.value.message


def test_a_privileged_pod_is_admitted_where_pod_security_is_not_enforced(deployed: Deployment) -> None:
    """Control: the server itself allows privileged pods, so the refusals above are the namespace labels'."""
    kube = deployed.kube
    name = f"psa-control-{deployed.stack}"
    kube.apply({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": name}})
    try:
        pod = probe_pod(name)
        _privileged(pod)
        _host_path(pod)
        kube.create(pod, dry_run=True)
    finally:
        kube.delete("v1", "Namespace", name)
