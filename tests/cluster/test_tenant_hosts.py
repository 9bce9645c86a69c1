"""Issue 10, class 3, on the real API server: a tenant serves only its approved hosts and cannot make its
own pods reachable from the ingress controller.

The hostile requests of the issue, each with its now-safe outcome: an Ingress for the portal's host
(``data.go.th``), a catch-all Ingress, a ``server-alias`` annotation, an HTTPRoute for another host, and the
``govcloud.go.th/web`` label on a pod or a Deployment's template, made by a member of the tenant's groups
or by a service account of its namespace. Controls show the same requests pass when they are legitimate
(an approved host; the platform's own identity creating a web-labelled pod), so each refusal is the
policy's and not something else's.

Upstream: ValidatingAdmissionPolicy (``admissionregistration.k8s.io/v1``) runs under ``dryRun=All`` like
every admission step and refuses with the validation's message (kubernetes/website
content/en/docs/reference/access-authn-authz/validating-admission-policy.md).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from functools import partial
from typing import Any

import pytest

from govcloud.manifests.admission import WEB_LABEL
from tests.cluster.conftest import Deployment, tenant_groups
from tests.cluster.controlplane import ApiError, Kube

PORTAL_HOST = "data.go.th"
_SMALL = {"cpu": "100m", "memory": "128Mi"}


def _tenant(deployed: Deployment) -> tuple[str, list[str]]:
    """A tenant namespace with at least one approved hostname, and those hostnames."""
    for namespace in deployed.of_kind("Namespace"):
        hosts = (namespace["metadata"].get("annotations") or {}).get("govcloud.go.th/hostnames", "")
        if namespace["metadata"]["name"] in deployed.tenant_namespaces and hosts:
            return str(namespace["metadata"]["name"]), hosts.split(",")
    pytest.fail("every example stack has a tenant with a hostname")


def _ingress(namespace: str, host: str | None, **annotations: str) -> dict[str, Any]:
    rule: dict[str, Any] = {
        "http": {
            "paths": [
                {"path": "/", "pathType": "Prefix", "backend": {"service": {"name": "web", "port": {"number": 80}}}}
            ]
        }
    }
    if host is not None:
        rule["host"] = host
    return {
        "apiVersion": "networking.k8s.io/v1",
        "kind": "Ingress",
        "metadata": {"name": "hostile", "namespace": namespace, "annotations": annotations},
        "spec": {"ingressClassName": "nginx", "rules": [rule]},
    }


def _pod(namespace: str, labels: dict[str, str]) -> dict[str, Any]:
    """A pod Pod Security ``restricted`` and the LimitRange admit, so only the label can be refused."""
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": "hostile-web", "namespace": namespace, "labels": labels},
        "spec": {
            "automountServiceAccountToken": False,
            "securityContext": {"runAsNonRoot": True, "runAsUser": 1000, "seccompProfile": {"type": "RuntimeDefault"}},
            "containers": [
                {
                    "name": "web",
                    "image": "registry.invalid/web:1",
                    "securityContext": {"allowPrivilegeEscalation": False, "capabilities": {"drop": ["ALL"]}},
                    "resources": {"requests": dict(_SMALL), "limits": dict(_SMALL)},
                }
            ],
        },
    }


def _deployment(namespace: str, labels: dict[str, str]) -> dict[str, Any]:
    pod = _pod(namespace, labels)
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "hostile-web", "namespace": namespace},
        "spec": {
            "replicas": 1,
            "selector": {"matchLabels": {"app": "hostile"}},
            "template": {"metadata": {"labels": {"app": "hostile", **labels}}, "spec": pod["spec"]},
        },
    }


def _refused(create: Callable[[], object], expected: str) -> ApiError:
    """The request is refused with ``expected`` in the message; policies bind within seconds, so retry briefly."""
    deadline = time.monotonic() + 20
    while True:
        try:
            create()
        except ApiError as error:
            if expected in error.message or time.monotonic() > deadline:
                assert expected in error.message, error.message
                return error
        else:
            if time.monotonic() > deadline:
                pytest.fail(f"admitted; expected a refusal mentioning {expected!r}")
        time.sleep(0.5)


def _admin(deployed: Deployment, namespace: str) -> Kube:
    return deployed.kube.acting_as("hostile-admin@agency.go.th", tenant_groups(deployed, namespace)["admin"])


def test_an_ingress_for_another_host_is_refused_even_from_the_platform(deployed: Deployment) -> None:
    namespace, hosts = _tenant(deployed)
    kube = deployed.kube
    error = _refused(lambda: kube.create(_ingress(namespace, PORTAL_HOST), dry_run=True), "approved hostnames")
    assert error.status in (400, 403, 422)
    _refused(lambda: kube.create(_ingress(namespace, None), dry_run=True), "approved hostnames")
    _refused(
        lambda: kube.create(
            _ingress(namespace, hosts[0], **{"nginx.ingress.kubernetes.io/server-alias": PORTAL_HOST}), dry_run=True
        ),
        "server-alias",
    )
    kube.create(_ingress(namespace, hosts[0]), dry_run=True)  # control: the approved host is admitted


def test_tenant_roles_cannot_publish_at_all(deployed: Deployment) -> None:
    namespace, hosts = _tenant(deployed)
    with pytest.raises(ApiError) as refused:
        _admin(deployed, namespace).create(_ingress(namespace, hosts[0]), dry_run=True)
    assert refused.value.status == 403


def test_an_httproute_for_another_host_is_refused(deployed: Deployment) -> None:
    namespace, hosts = _tenant(deployed)
    route = {
        "apiVersion": "gateway.networking.k8s.io/v1",
        "kind": "HTTPRoute",
        "metadata": {"name": "hostile", "namespace": namespace},
        "spec": {"parentRefs": [{"name": "site", "namespace": "ingress-nginx"}], "hostnames": [PORTAL_HOST]},
    }
    _refused(lambda: deployed.kube.create(route, dry_run=True), "approved hostnames")
    deployed.kube.create({**route, "spec": {**route["spec"], "hostnames": hosts[:1]}}, dry_run=True)


def test_a_tenant_cannot_label_its_pods_for_the_ingress_controller(deployed: Deployment) -> None:
    namespace, _ = _tenant(deployed)
    admin = _admin(deployed, namespace)
    _refused(lambda: admin.create(_pod(namespace, {WEB_LABEL: "true"}), dry_run=True), WEB_LABEL)
    _refused(lambda: admin.create(_deployment(namespace, {WEB_LABEL: "true"}), dry_run=True), WEB_LABEL)
    engineers = tenant_groups(deployed, namespace).get("engineer")
    if engineers:
        engineer = deployed.kube.acting_as("hostile-engineer@agency.go.th", engineers)
        _refused(lambda: engineer.create(_deployment(namespace, {WEB_LABEL: "yes"}), dry_run=True), WEB_LABEL)
    # The one service account a tenant namespace binds to pod creation: Spark's driver, where Spark is on.
    drivers = {
        str(b["metadata"]["namespace"])
        for b in deployed.of_kind("RoleBinding")
        if b["metadata"]["name"] == "spark-driver"
    }
    for spark in sorted(drivers):
        account = deployed.kube.acting_as(f"system:serviceaccount:{spark}:spark", [f"system:serviceaccounts:{spark}"])
        labelled = _pod(spark, {WEB_LABEL: "true"})
        _refused(partial(account.create, labelled, dry_run=True), WEB_LABEL)
        account.create(_pod(spark, {"spark-role": "driver"}), dry_run=True)  # control: its ordinary pods
    cronjob = {
        "apiVersion": "batch/v1",
        "kind": "CronJob",
        "metadata": {"name": "hostile-web", "namespace": namespace},
        "spec": {
            "schedule": "0 * * * *",
            "jobTemplate": {
                "spec": {
                    "template": {
                        "metadata": {"labels": {WEB_LABEL: "true"}},
                        "spec": {**_pod(namespace, {})["spec"], "restartPolicy": "Never"},
                    }
                }
            },
        },
    }
    _refused(partial(admin.create, cronjob, dry_run=True), WEB_LABEL)
    for where in ("labels", "template"):
        driver: dict[str, Any] = (
            {"labels": {WEB_LABEL: "true"}}
            if where == "labels"
            else {"template": {"metadata": {"labels": {WEB_LABEL: "true"}}}}
        )
        application = {
            "apiVersion": "sparkoperator.k8s.io/v1beta2",
            "kind": "SparkApplication",
            "metadata": {"name": "hostile-web", "namespace": namespace},
            "spec": {
                "type": "Python",
                "sparkVersion": "4.0.0",
                "mainApplicationFile": "local:///app.py",
                "driver": {"serviceAccount": "spark", **driver},
                "executor": {"instances": 1},
            },
        }
        _refused(partial(admin.create, application, dry_run=True), WEB_LABEL)
        plain = {**application, "spec": {**application["spec"], "driver": {"serviceAccount": "spark"}}}  # type: ignore[dict-item]
        admin.create(plain, dry_run=True)  # control: the CRD admits the application without the label
    admin.create(_pod(namespace, {"app": "mine"}), dry_run=True)  # control: the same pod without the label
    deployed.kube.create(_pod(namespace, {WEB_LABEL: "true"}), dry_run=True)  # control: govcloud's own identity


def test_a_tenant_cannot_rewrite_what_the_policies_read(deployed: Deployment) -> None:
    namespace, _ = _tenant(deployed)
    with pytest.raises(ApiError) as refused:
        _admin(deployed, namespace).merge_patch(
            "v1", "Namespace", namespace, {"metadata": {"annotations": {"govcloud.go.th/hostnames": PORTAL_HOST}}}
        )
    assert refused.value.status == 403


def test_the_policies_type_check_cleanly_against_every_kind_they_match(deployed: Deployment) -> None:
    """The control plane type-checks each policy's CEL against the schemas of the kinds it matches and
    reports problems in ``status.typeChecking`` (validating-admission-policy.md, "Type checking")."""
    names = [str(p["metadata"]["name"]) for p in deployed.of_kind("ValidatingAdmissionPolicy")]
    assert names
    deadline = time.monotonic() + 60
    pending = set(names)
    while pending and time.monotonic() < deadline:
        for name in sorted(pending):
            live = deployed.kube.get("admissionregistration.k8s.io/v1", "ValidatingAdmissionPolicy", name) or {}
            status = live.get("status") or {}
            if status.get("observedGeneration") == live.get("metadata", {}).get("generation"):
                assert (status.get("typeChecking") or {}).get("expressionWarnings") in (None, []), (name, status)
                pending.discard(name)
        time.sleep(1)
    assert not pending, f"no type-checking status after 60s for {sorted(pending)}"
