"""Live checks after ``pulumi up``: run commands on the ``--hosts`` host, judge the output with the pure
functions of :mod:`tests.infra_checks` (unit-tested against recorded outputs in ``tests/unit``).

* tenant pods run as Pod Security ``restricted`` requires (``kubectl get pods -n <tenant> -o json``);
* the tenant database refuses a connection without TLS, and accepts one with TLS (``psql``);
* a node's sshd, kernel settings and kubelet configuration are hardened (``sshd -T``, ``sysctl -a``,
  the kubelet's ``--config`` file, its mode and owner).
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.infra_checks import (
    classify_psql,
    kubelet_config_file_problems,
    kubelet_config_hardening,
    kubelet_config_path,
    pod_security_from_json,
    psql_probe_command,
    psql_tls_accepted,
    psql_tls_refused,
    sshd_hardening,
    sysctl_hardening,
)

#: testinfra backends whose commands run inside a container: their sysctl and sshd are not the node's.
CONTAINER_BACKENDS = frozenset({"kubectl", "openshift", "docker", "podman", "lxc"})
#: Where kubeadm, kubespray and packaged distributions put the kubelet's config when ``ps`` can't tell.
KUBELET_CONFIG_CANDIDATES = (
    "/var/lib/kubelet/config.yaml",
    "/etc/kubernetes/kubelet-config.yaml",
    "/etc/kubernetes/kubelet/config.yaml",
)

Host = Any
"""testinfra's ``Host`` (the package ships no type information)."""


def _host_id(host: Host) -> str:
    return str(host.backend.get_pytest_id())


def _tool(host: Host, name: str) -> str:
    """The tool's path on the host, or skip naming what is missing where."""
    try:
        return str(host.find_command(name))
    except ValueError:
        pytest.skip(f"{name} is not installed on {_host_id(host)}")


def _output(result: Any) -> str:
    return f"{result.stdout}\n{result.stderr}"


def _pg_probe(target: str, sslmode: str) -> str:
    """``--govcloud-pg-host`` is HOST or HOST:PORT."""
    host, _, port = target.rpartition(":")
    if host and port.isdigit():
        return psql_probe_command(host, sslmode, port=int(port))
    return psql_probe_command(target, sslmode)


@pytest.fixture(scope="module")
def node(host: Host) -> Host:
    """The host, if it is a Kubernetes node reached directly (SSH or local), else skip."""
    if host.backend.NAME in CONTAINER_BACKENDS:
        pytest.skip(f"node checks need ssh:// or local:// to a node, not {_host_id(host)}")
    if not host.run("ps -C kubelet -o args=").stdout.strip():
        pytest.skip(f"{_host_id(host)} runs no kubelet: not a Kubernetes node")
    return host


# ------------------------------------------------------------------------------------- tenant pods


def test_tenant_pods_run_restricted(host: Host, govcloud_tenant: str) -> None:
    kubectl = _tool(host, "kubectl")
    result = host.run(f"{kubectl} get pods --namespace %s --output json", govcloud_tenant)
    assert result.rc == 0, f"kubectl get pods failed on {_host_id(host)}: {result.stderr.strip()}"
    if not json.loads(result.stdout).get("items"):
        pytest.skip(f"namespace {govcloud_tenant} has no pods to check")
    problems = pod_security_from_json(result.stdout)
    assert not problems, f"{len(problems)} problems in namespace {govcloud_tenant}:\n" + "\n".join(map(str, problems))


# ---------------------------------------------------------------------------------------- database


def test_database_refuses_plaintext(host: Host, govcloud_pg_host: str) -> None:
    _tool(host, "psql")
    result = host.run(_pg_probe(govcloud_pg_host, "disable"))
    output = _output(result)
    assert psql_tls_refused(output, result.rc), (
        f"{govcloud_pg_host} did not refuse a plaintext connection through pg_hba "
        f"(outcome {classify_psql(output, result.rc).value}, exit {result.rc}): {output.strip()}"
    )


def test_database_accepts_tls(host: Host, govcloud_pg_host: str) -> None:
    """The control: the refusal above must come from pg_hba's TLS rule, not from a server that refuses all."""
    _tool(host, "psql")
    result = host.run(_pg_probe(govcloud_pg_host, "require"))
    output = _output(result)
    assert psql_tls_accepted(output, result.rc), (
        f"{govcloud_pg_host} did not accept a TLS connection up to authentication "
        f"(outcome {classify_psql(output, result.rc).value}, exit {result.rc}): {output.strip()}"
    )


# -------------------------------------------------------------------------------------------- node


def test_sshd_is_hardened(node: Host) -> None:
    sshd = _tool(node, "sshd")
    result = node.run(f"{sshd} -T")
    assert result.rc == 0, f"sshd -T failed (it needs root: pass --sudo): {result.stderr.strip()}"
    findings = sshd_hardening(result.stdout)
    assert not findings, "\n".join(findings)


def test_kernel_settings_are_hardened(node: Host) -> None:
    sysctl = _tool(node, "sysctl")
    result = node.run(f"{sysctl} -a")
    assert result.stdout.strip(), f"sysctl -a printed nothing: {result.stderr.strip()}"
    findings = sysctl_hardening(result.stdout)
    assert not findings, "\n".join(findings)


def _kubelet_config(node: Host) -> Any:
    path = kubelet_config_path(node.run("ps -C kubelet -o args=").stdout)
    candidates = [path] if path else list(KUBELET_CONFIG_CANDIDATES)
    for candidate in candidates:
        config = node.file(candidate)
        if config.exists:
            return config
    pytest.fail(f"no kubelet config file on {_host_id(node)}; looked at {', '.join(candidates)}")


def test_kubelet_config_is_hardened(node: Host) -> None:
    config = _kubelet_config(node)
    findings = kubelet_config_hardening(config.content_string)
    assert not findings, f"{config.path}:\n" + "\n".join(findings)


def test_kubelet_config_file_is_protected(node: Host) -> None:
    config = _kubelet_config(node)
    findings = kubelet_config_file_problems(config.mode, config.user, config.group)
    assert not findings, f"{config.path}:\n" + "\n".join(findings)
