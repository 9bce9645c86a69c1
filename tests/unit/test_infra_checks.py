"""The verdicts of tests.infra_checks on recorded command outputs (tests/infra/recorded/)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path

import pytest

from tests.infra_checks import (
    Problem,
    PsqlOutcome,
    classify_psql,
    kubelet_config_file_problems,
    kubelet_config_hardening,
    kubelet_config_path,
    parse_sysctl,
    pod_security_from_json,
    psql_probe_command,
    psql_tls_accepted,
    psql_tls_refused,
    sshd_hardening,
    sysctl_hardening,
)

RECORDED = Path(__file__).resolve().parent.parent / "infra" / "recorded"


def recorded(name: str) -> str:
    return (RECORDED / name).read_text("utf-8")


# ------------------------------------------------------------------------------------- pod security

JUPYTER = "jupyter-pichai-2ew-40nso-2ego-2eth"


def test_compliant_tenant_pods_have_no_problem() -> None:
    text = recorded("pods-compliant.json")
    names = [p["metadata"]["name"] for p in json.loads(text)["items"]]
    assert names == ["nso-pg-1", "jupyter-somchai-2ej-40nso-2ego-2eth"]
    assert pod_security_from_json(text) == []


def test_noncompliant_tenant_pods_exact_findings() -> None:
    assert pod_security_from_json(recorded("pods-noncompliant.json")) == [
        # zero-to-jupyterhub's metadata-blocking init container: privileged, root, NET_ADMIN
        Problem(
            JUPYTER,
            "block-cloud-metadata",
            "runAsNonRoot",
            "runAsNonRoot is not true in the container or pod securityContext",
        ),
        Problem(
            JUPYTER,
            "block-cloud-metadata",
            "runAsUser",
            "runs as root: runAsUser is 0 (set in the container securityContext)",
        ),
        Problem(JUPYTER, "block-cloud-metadata", "privileged", "privileged is true"),
        Problem(JUPYTER, "block-cloud-metadata", "readOnlyRootFilesystem", "readOnlyRootFilesystem is not true"),
        Problem(JUPYTER, "block-cloud-metadata", "allowPrivilegeEscalation", "allowPrivilegeEscalation is not false"),
        Problem(JUPYTER, "block-cloud-metadata", "capabilities.drop", "capabilities.drop does not include ALL"),
        Problem(
            JUPYTER,
            "block-cloud-metadata",
            "capabilities.add",
            "adds capabilities NET_ADMIN (only NET_BIND_SERVICE is allowed)",
        ),
        Problem(
            JUPYTER,
            "block-cloud-metadata",
            "seccompProfile",
            "seccompProfile.type is unset (must be RuntimeDefault or Localhost)",
        ),
        # the notebook itself: UID 1000 but nothing else of restricted
        Problem(
            JUPYTER, "notebook", "runAsNonRoot", "runAsNonRoot is not true in the container or pod securityContext"
        ),
        Problem(JUPYTER, "notebook", "readOnlyRootFilesystem", "readOnlyRootFilesystem is not true"),
        Problem(JUPYTER, "notebook", "capabilities.drop", "capabilities.drop does not include ALL"),
        Problem(
            JUPYTER, "notebook", "seccompProfile", "seccompProfile.type is unset (must be RuntimeDefault or Localhost)"
        ),
        # the pod says runAsNonRoot, the container overrides runAsUser to 0 (kubelet refuses to start it)
        Problem(
            "nso-ingest-29474460-x7k2p",
            "ingest",
            "runAsUser",
            "runs as root: runAsUser is 0 (set in the container securityContext)",
        ),
    ]


def test_problem_reads_as_one_line() -> None:
    assert str(Problem("p", "c", "privileged", "privileged is true")) == "p/c: privileged is true"
    assert str(Problem("p", None, "hostPID", "hostPID is true")) == "p: hostPID is true"


def _pod(spec: Mapping[str, object]) -> str:
    return json.dumps({"kind": "Pod", "metadata": {"name": "p"}, "spec": spec})


RESTRICTED = {
    "allowPrivilegeEscalation": False,
    "capabilities": {"drop": ["ALL"], "add": ["NET_BIND_SERVICE"]},
    "readOnlyRootFilesystem": True,
}


def test_pod_level_settings_cover_containers_and_container_overrides_win() -> None:
    pod_context = {"runAsNonRoot": True, "runAsUser": 1000, "seccompProfile": {"type": "RuntimeDefault"}}
    compliant = {"securityContext": pod_context, "containers": [{"name": "c", "securityContext": RESTRICTED}]}
    assert pod_security_from_json(_pod(compliant)) == []
    overriding = {**RESTRICTED, "runAsNonRoot": False, "seccompProfile": {"type": "Unconfined"}}
    spec = {"securityContext": pod_context, "containers": [{"name": "c", "securityContext": overriding}]}
    assert [p.check for p in pod_security_from_json(_pod(spec))] == ["runAsNonRoot", "seccompProfile"]


def test_pod_running_as_root_from_the_pod_context_and_host_namespaces() -> None:
    spec = {
        "hostNetwork": True,
        "hostPID": True,
        "securityContext": {"runAsNonRoot": True, "runAsUser": 0, "seccompProfile": {"type": "Localhost"}},
        "ephemeralContainers": [{"name": "debugger", "securityContext": RESTRICTED}],
    }
    assert [str(p) for p in pod_security_from_json(_pod(spec))] == [
        "p: hostNetwork is true: the pod shares the node's namespace",
        "p: hostPID is true: the pod shares the node's namespace",
        "p/debugger: runs as root: runAsUser is 0 (set in the pod securityContext)",
    ]


@pytest.mark.parametrize("text", ["not json", "[]", '{"kind": "Service"}'])
def test_pod_security_rejects_what_is_not_kubectl_output(text: str) -> None:
    with pytest.raises(ValueError):
        pod_security_from_json(text)


# ----------------------------------------------------------------------------------------------- psql

PSQL_RECORDINGS = [
    ("psql-plaintext-refused-pg16.rc2.txt", PsqlOutcome.REFUSED_PLAINTEXT),
    ("psql-plaintext-refused-pg11.rc2.txt", PsqlOutcome.REFUSED_PLAINTEXT),
    ("psql-plaintext-accepted.rc0.txt", PsqlOutcome.ACCEPTED),
    ("psql-plaintext-reaches-auth.rc2.txt", PsqlOutcome.AUTH_REQUIRED),
    ("psql-plaintext-timeout.rc2.txt", PsqlOutcome.UNREACHABLE),
    ("psql-tls-reaches-auth.rc2.txt", PsqlOutcome.AUTH_REQUIRED),
    ("psql-tls-unavailable.rc2.txt", PsqlOutcome.TLS_UNAVAILABLE),
    ("psql-tls-rejected.rc2.txt", PsqlOutcome.REFUSED_OTHER),
]


def _returncode(name: str) -> int:
    """The exit status is part of each recording's name: ``...rc2.txt``."""
    return int(name.rsplit(".rc", 1)[1].split(".")[0])


@pytest.mark.parametrize(("name", "outcome"), PSQL_RECORDINGS)
def test_psql_outcomes(name: str, outcome: PsqlOutcome) -> None:
    assert classify_psql(recorded(name), _returncode(name)) is outcome


@pytest.mark.parametrize(("name", "outcome"), PSQL_RECORDINGS)
def test_only_a_pg_hba_refusal_of_plaintext_counts_as_refused(name: str, outcome: PsqlOutcome) -> None:
    refused = name in ("psql-plaintext-refused-pg16.rc2.txt", "psql-plaintext-refused-pg11.rc2.txt")
    assert psql_tls_refused(recorded(name), _returncode(name)) is refused


@pytest.mark.parametrize(("name", "outcome"), PSQL_RECORDINGS)
def test_tls_control_passes_when_the_server_reaches_authentication(name: str, outcome: PsqlOutcome) -> None:
    accepted = outcome in (PsqlOutcome.ACCEPTED, PsqlOutcome.AUTH_REQUIRED)
    assert psql_tls_accepted(recorded(name), _returncode(name)) is accepted


def test_a_refusal_message_with_exit_status_zero_is_not_a_refusal() -> None:
    assert not psql_tls_refused(recorded("psql-plaintext-refused-pg16.rc2.txt"), 0)


def test_probe_command_never_prompts_and_quotes_the_conninfo() -> None:
    assert psql_probe_command("nso-pg-rw.nso.svc", "disable") == (
        "psql --no-password --command 'select 1' "
        "'sslmode=disable host=nso-pg-rw.nso.svc port=5432 dbname=app user=app connect_timeout=5'"
    )
    with pytest.raises(ValueError):
        psql_probe_command("h", "prefer")


# ----------------------------------------------------------------------------------------------- sshd


def test_hardened_sshd_has_no_finding() -> None:
    assert sshd_hardening(recorded("sshd-T-hardened.txt")) == []


def test_ubuntu_default_sshd_exact_findings() -> None:
    assert sshd_hardening(recorded("sshd-T-ubuntu-default.txt")) == [
        "permitrootlogin is without-password; expected no (CIS 5.2.7)",
        "passwordauthentication is yes; expected no (platform rule: key-based logins only)",
        "x11forwarding is yes; expected no (CIS 5.2.12)",
        "macs offers weak umac-64-etm@openssh.com, hmac-sha1-etm@openssh.com, umac-64@openssh.com, hmac-sha1 "
        "(CIS 5.2.14)",
        "allowtcpforwarding is yes; expected no (CIS 5.2.16)",
        "banner is none; expected a warning banner such as /etc/issue.net (CIS 5.2.17)",
        "maxauthtries is 6; expected 4 or less (CIS 5.2.18)",
        "maxstartups is 10:30:100; expected 10:30:60 or stricter (CIS 5.2.19)",
        "logingracetime is 120; expected 1 to 60 seconds (CIS 5.2.21)",
        "clientaliveinterval 0 / clientalivecountmax 3: both must be above 0 so idle sessions end (CIS 5.2.22)",
    ]


def test_sshd_older_keyword_and_weak_ciphers() -> None:
    text = recorded("sshd-T-hardened.txt").replace(
        "kbdinteractiveauthentication no", "challengeresponseauthentication yes"
    )
    text = text.replace("ciphers chacha20-poly1305@openssh.com,", "ciphers aes256-cbc,chacha20-poly1305@openssh.com,")
    assert sshd_hardening(text) == [
        "kbdinteractiveauthentication is yes; expected no (platform rule: key-based logins only)",
        "ciphers offers weak aes256-cbc (CIS 5.2.13)",
    ]


def test_sshd_without_output_is_a_finding_not_a_pass() -> None:
    assert sshd_hardening("") == ["no sshd -T output to check (sshd -T must run as root)"]


# --------------------------------------------------------------------------------------------- sysctl


def test_hardened_node_kernel_has_no_finding() -> None:
    assert sysctl_hardening(recorded("sysctl-a-hardened-node.txt")) == []


def test_default_ubuntu_node_kernel_exact_findings() -> None:
    assert sysctl_hardening(recorded("sysctl-a-default-node.txt")) == [
        "net.ipv4.conf.all.send_redirects is 1; expected 0 (CIS 3.2.1)",
        "net.ipv4.conf.default.send_redirects is 1; expected 0 (CIS 3.2.1)",
        "net.ipv4.conf.default.accept_source_route is 1; expected 0 (CIS 3.3.1)",
        "net.ipv4.conf.all.accept_redirects is 1; expected 0 (CIS 3.3.2)",
        "net.ipv4.conf.default.accept_redirects is 1; expected 0 (CIS 3.3.2)",
        "net.ipv6.conf.all.accept_redirects is 1; expected 0 (CIS 3.3.2)",
        "net.ipv6.conf.default.accept_redirects is 1; expected 0 (CIS 3.3.2)",
        "net.ipv4.conf.all.secure_redirects is 1; expected 0 (CIS 3.3.3)",
        "net.ipv4.conf.default.secure_redirects is 1; expected 0 (CIS 3.3.3)",
        "net.ipv4.conf.all.log_martians is 0; expected 1 (CIS 3.3.4)",
        "net.ipv4.conf.default.log_martians is 0; expected 1 (CIS 3.3.4)",
        "net.ipv4.conf.all.rp_filter is 2; expected 1 (CIS 3.3.7; RHEL-08-040285)",
        "net.ipv4.conf.default.rp_filter is 2; expected 1 (CIS 3.3.7; RHEL-08-040285)",
        "net.ipv6.conf.all.accept_ra is 1; expected 0 (CIS 3.3.9)",
        "net.ipv6.conf.default.accept_ra is 1; expected 0 (CIS 3.3.9)",
        "fs.suid_dumpable is 2; expected 0 (CIS 1.5.4, core dumps restricted)",
    ]


def test_kubernetes_node_needs_forwarding_and_the_kubelet_tunables() -> None:
    text = recorded("sysctl-a-hardened-node.txt")
    text = text.replace("net.ipv4.ip_forward = 1", "net.ipv4.ip_forward = 0")
    text = text.replace("vm.overcommit_memory = 1", "vm.overcommit_memory = 0")
    text = text.replace("kernel.kptr_restrict = 2\n", "")
    assert sysctl_hardening(text) == [
        "net.ipv4.ip_forward is 0; expected 1 (Kubernetes node requirement; CIS 3.2.2 does not apply)",
        "kernel.kptr_restrict is not reported by sysctl -a; expected 1 or 2 (RHEL-08-040283)",
        "vm.overcommit_memory is 0; expected 1 (kubelet protectKernelDefaults; CIS Kubernetes v1.7.0 4.2.6)",
    ]


def test_ipv6_and_br_netfilter_items_apply_only_when_present() -> None:
    text = "\n".join(
        line
        for line in recorded("sysctl-a-hardened-node.txt").splitlines()
        if not line.startswith(("net.ipv6.", "net.bridge."))
    )
    assert sysctl_hardening(text) == []


def test_parse_sysctl_keeps_multi_field_values_and_ignores_errors() -> None:
    values = parse_sysctl(
        "net.ipv4.ip_local_port_range = 32768\t60999\nsysctl: permission denied on key 'kernel.cad_pid'\n"
    )
    assert values == {"net.ipv4.ip_local_port_range": "32768 60999"}
    assert sysctl_hardening("") == ["no sysctl -a output to check"]


# -------------------------------------------------------------------------------------------- kubelet


@pytest.mark.parametrize("name", ["kubelet-config-hardened.yaml", "kubelet-configz-hardened.json"])
def test_hardened_kubelet_config_has_no_finding(name: str) -> None:
    assert kubelet_config_hardening(recorded(name)) == []


def test_weak_kubelet_config_exact_findings() -> None:
    assert kubelet_config_hardening(recorded("kubelet-config-weak.yaml")) == [
        "authentication.anonymous.enabled is true; must be false (CIS 4.2.1)",
        "authorization.mode is AlwaysAllow; must be Webhook (CIS 4.2.2)",
        "authentication.webhook.enabled is false; Webhook authorization needs it true (CIS 4.2.2)",
        "authentication.x509.clientCAFile is not set (CIS 4.2.3)",
        "readOnlyPort is 10255; must be 0 (CIS 4.2.4)",
        "protectKernelDefaults is not true (CIS Kubernetes v1.7.0 4.2.6)",
        "makeIPTablesUtilChains is false; must be true (CIS 4.2.6)",
        "no serving certificate: set tlsCertFile and tlsPrivateKeyFile, or serverTLSBootstrap true (CIS 4.2.9)",
        "rotateCertificates is not true; client certificates will not rotate (CIS 4.2.10)",
        "feature gate RotateKubeletServerCertificate is false (CIS 4.2.11)",
        "tlsCipherSuites allows weak suites TLS_RSA_WITH_3DES_EDE_CBC_SHA, TLS_RSA_WITH_AES_128_CBC_SHA (CIS 4.2.12)",
        "podPidsLimit is unset; set a limit above 0 (CIS 4.2.13)",
    ]


def test_kubelet_defaults_apply_to_omitted_fields() -> None:
    """v1beta1 defaults: anonymous off, Webhook authn/authz, read-only port off; the rest must be explicit."""
    minimal = (
        "kind: KubeletConfiguration\napiVersion: kubelet.config.k8s.io/v1beta1\n"
        "authentication: {x509: {clientCAFile: /etc/kubernetes/pki/ca.crt}}\n"
        "tlsCertFile: /var/lib/kubelet/pki/kubelet.crt\ntlsPrivateKeyFile: /var/lib/kubelet/pki/kubelet.key\n"
        "protectKernelDefaults: true\nrotateCertificates: true\npodPidsLimit: 4096\n"
    )
    assert kubelet_config_hardening(minimal) == []


@pytest.mark.parametrize("text", ["- a list", "key: [unclosed"])
def test_kubelet_config_that_is_not_a_mapping_is_an_error(text: str) -> None:
    with pytest.raises(ValueError):
        kubelet_config_hardening(text)


def test_kubelet_config_path_from_the_running_process() -> None:
    assert kubelet_config_path(recorded("ps-kubelet-args.txt")) == "/var/lib/kubelet/config.yaml"
    assert kubelet_config_path("/usr/bin/kubelet --config /etc/kubernetes/kubelet-config.yaml --v=2") == (
        "/etc/kubernetes/kubelet-config.yaml"
    )
    assert kubelet_config_path("/usr/bin/kubelet --kubeconfig=/etc/kubernetes/kubelet.conf") is None


def test_kubelet_config_file_mode_and_owner() -> None:
    assert kubelet_config_file_problems(0o600, "root", "root") == []
    assert kubelet_config_file_problems(0o400, "root", "root") == []
    assert kubelet_config_file_problems(0o644, "kube", "root") == [
        "kubelet config file mode is 644; must be 600 or more restrictive (CIS 4.1.9)",
        "kubelet config file is owned by kube:root; must be root:root (CIS 4.1.10)",
    ]
