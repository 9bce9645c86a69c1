"""Verdicts on the output of commands run against a live site, for the ``tests/infra`` suite.

Every function here is pure: it takes the text a command printed (``kubectl get pods -o json``,
``psql``, ``sshd -T``, ``sysctl -a``, the kubelet's config file) and returns what is wrong with it. The
live tests run the commands through pytest-testinfra; the unit tests feed recorded outputs from
``tests/infra/recorded/``. Nothing here runs a command, reads a file or touches the network.

Benchmarks cited (by version, since item numbers move between versions):

* Pod Security Standards, ``restricted`` profile (kubernetes.io/docs/concepts/security/pod-security-standards);
* CIS Kubernetes Benchmark v1.8.0, section 4 (worker nodes), as encoded by kube-bench ``cfg/cis-1.8``;
  v1.7.0 for ``protectKernelDefaults`` (4.2.6 there; v1.8.0 no longer lists it);
* CIS Ubuntu Linux 22.04 LTS Benchmark v1.0.0 (sections 1.5, 3.2, 3.3 and 5.2);
* DISA Red Hat Enterprise Linux 8 STIG (``RHEL-08-*`` rule ids) for kernel settings CIS does not cover.
"""

from __future__ import annotations

import enum
import json
import re
import shlex
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError

# --------------------------------------------------------------------------------------- pod security

#: The only capability Pod Security ``restricted`` lets a container add.
ALLOWED_ADDED_CAPABILITIES = frozenset({"NET_BIND_SERVICE"})
ALLOWED_SECCOMP_TYPES = frozenset({"RuntimeDefault", "Localhost"})
_CONTAINER_KINDS = ("initContainers", "containers", "ephemeralContainers")


@dataclass(frozen=True)
class Problem:
    """One way a pod or one of its containers falls short of Pod Security ``restricted``."""

    pod: str
    container: str | None
    """None for a pod-level problem (host namespaces)."""
    check: str
    """The securityContext field at fault, e.g. ``readOnlyRootFilesystem``."""
    message: str

    def __str__(self) -> str:
        where = self.pod if self.container is None else f"{self.pod}/{self.container}"
        return f"{where}: {self.message}"


def _pods(document: Any) -> list[Mapping[str, Any]]:
    if not isinstance(document, Mapping):
        raise ValueError("expected the JSON object printed by `kubectl get pods -o json`")
    if document.get("kind") == "Pod":
        return [document]
    items = document.get("items")
    if not isinstance(items, list):
        raise ValueError("expected a Pod or a List with `items`, as `kubectl get pods -o json` prints")
    return [item for item in items if isinstance(item, Mapping)]


def _context(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _container_problems(pod_context: Mapping[str, Any], container: Mapping[str, Any]) -> Iterator[tuple[str, str]]:
    """(check, message) pairs for one container, given its pod's securityContext."""
    own = _context(container.get("securityContext"))
    non_root = own.get("runAsNonRoot", pod_context.get("runAsNonRoot"))
    if non_root is not True:
        yield "runAsNonRoot", "runAsNonRoot is not true in the container or pod securityContext"
    user = own.get("runAsUser", pod_context.get("runAsUser"))
    if user == 0:
        source = "container" if "runAsUser" in own else "pod"
        yield "runAsUser", f"runs as root: runAsUser is 0 (set in the {source} securityContext)"
    if own.get("privileged") is True:
        yield "privileged", "privileged is true"
    if own.get("readOnlyRootFilesystem") is not True:
        yield "readOnlyRootFilesystem", "readOnlyRootFilesystem is not true"
    if own.get("allowPrivilegeEscalation") is not False:
        yield "allowPrivilegeEscalation", "allowPrivilegeEscalation is not false"
    capabilities = _context(own.get("capabilities"))
    if "ALL" not in (capabilities.get("drop") or []):
        yield "capabilities.drop", "capabilities.drop does not include ALL"
    added = sorted(set(capabilities.get("add") or []) - ALLOWED_ADDED_CAPABILITIES)
    if added:
        yield "capabilities.add", f"adds capabilities {', '.join(added)} (only NET_BIND_SERVICE is allowed)"
    seccomp = _context(own.get("seccompProfile") or pod_context.get("seccompProfile"))
    if seccomp.get("type") not in ALLOWED_SECCOMP_TYPES:
        found = seccomp.get("type") or "unset"
        yield "seccompProfile", f"seccompProfile.type is {found} (must be RuntimeDefault or Localhost)"


def pod_security_from_json(kubectl_get_pods_json: str) -> list[Problem]:
    """Every container of every pod must run as ``restricted`` requires, whatever admission let in.

    The namespace's Pod Security label should already refuse such pods; this reads what actually runs,
    so a pod admitted before the label, through an exemption or a weakened label is found too. Checked
    for init, regular and ephemeral containers, with the container's securityContext overriding the
    pod's exactly as the kubelet applies them:

    * ``runAsNonRoot`` true (container, else pod) and ``runAsUser`` not 0 (container, else pod);
    * ``privileged`` not true; ``readOnlyRootFilesystem`` true; ``allowPrivilegeEscalation`` false;
    * ``capabilities.drop`` includes ``ALL``, ``capabilities.add`` at most ``NET_BIND_SERVICE``;
    * ``seccompProfile.type`` RuntimeDefault or Localhost (container, else pod);
    * and per pod: no ``hostNetwork``, ``hostPID`` or ``hostIPC``.

    ``readOnlyRootFilesystem`` goes beyond the ``restricted`` profile (platform rule: a compromised
    process may not rewrite its own binaries). Problems come in pod order, then init, regular and
    ephemeral containers, then the order of the list above.
    """
    try:
        document = json.loads(kubectl_get_pods_json)
    except json.JSONDecodeError as error:
        raise ValueError(f"not JSON (is this `kubectl get pods -o json` output?): {error}") from None
    problems: list[Problem] = []
    for pod in _pods(document):
        name = str(_context(pod.get("metadata")).get("name", "?"))
        spec = _context(pod.get("spec"))
        for field in ("hostNetwork", "hostPID", "hostIPC"):
            if spec.get(field) is True:
                problems.append(Problem(name, None, field, f"{field} is true: the pod shares the node's namespace"))
        pod_context = _context(spec.get("securityContext"))
        for kind in _CONTAINER_KINDS:
            for container in spec.get(kind) or []:
                container_name = str(_context(container).get("name", "?"))
                problems.extend(
                    Problem(name, container_name, check, message)
                    for check, message in _container_problems(pod_context, _context(container))
                )
    return problems


# ------------------------------------------------------------------------------------------- psql


class PsqlOutcome(str, enum.Enum):
    """What one ``psql ... -c 'select 1'`` attempt proved about the server."""

    REFUSED_PLAINTEXT = "refused-plaintext"
    """pg_hba refused the connection because it was not encrypted."""
    REFUSED_OTHER = "refused-other"
    """pg_hba refused the connection, but not for lack of encryption (e.g. an encrypted one)."""
    ACCEPTED = "accepted"
    """The query ran."""
    AUTH_REQUIRED = "auth-required"
    """The server got as far as asking for (or checking) a password: the connection itself was accepted."""
    TLS_UNAVAILABLE = "tls-unavailable"
    """The client asked for TLS and the server does not offer it."""
    UNREACHABLE = "unreachable"
    """Nothing was learnt about pg_hba: DNS, routing, a NetworkPolicy or a timeout stopped the attempt."""
    UNKNOWN = "unknown"


_HBA_REFUSAL = re.compile(
    r'(?:pg_hba\.conf rejects connection|no pg_hba\.conf entry) for host "[^"]*", user "[^"]*", '
    r'database "[^"]*", (?P<encryption>no encryption|SSL off|SSL on|SSL encryption|GSS encryption)'
)
_AUTH_MARKERS = (
    "fe_sendauth: no password supplied",
    "password authentication failed for user",
    "SCRAM authentication requires libpq version",
)
_UNREACHABLE_MARKERS = (
    "could not translate host name",
    "Connection refused",
    "No route to host",
    "timeout expired",
    "Connection timed out",
    "Network is unreachable",
    "server closed the connection unexpectedly",
)


def classify_psql(output: str, returncode: int) -> PsqlOutcome:
    """Read a psql attempt's combined stdout and stderr and its exit status.

    PostgreSQL 12 and later end a pg_hba refusal with ``no encryption`` / ``SSL encryption`` /
    ``GSS encryption``; 11 and earlier with ``SSL off`` / ``SSL on``. An explicit ``reject`` line says
    ``pg_hba.conf rejects connection for host ...``; no matching line says ``no pg_hba.conf entry for
    host ...``. Both count as a refusal.
    """
    if returncode == 0:
        return PsqlOutcome.ACCEPTED
    refusals = [m.group("encryption") for m in _HBA_REFUSAL.finditer(output)]
    if refusals:
        if any(state in ("no encryption", "SSL off") for state in refusals):
            return PsqlOutcome.REFUSED_PLAINTEXT
        return PsqlOutcome.REFUSED_OTHER
    if any(marker in output for marker in _AUTH_MARKERS):
        return PsqlOutcome.AUTH_REQUIRED
    if "server does not support SSL" in output:
        return PsqlOutcome.TLS_UNAVAILABLE
    if any(marker in output for marker in _UNREACHABLE_MARKERS):
        return PsqlOutcome.UNREACHABLE
    return PsqlOutcome.UNKNOWN


def psql_tls_refused(output: str, returncode: int) -> bool:
    """Whether ``psql "sslmode=disable host=..." -c 'select 1'`` was refused by pg_hba for lack of TLS.

    Only an explicit pg_hba refusal of the unencrypted connection counts. A timeout or a closed port
    proves nothing about pg_hba (a NetworkPolicy may have stopped the probe first), and a password
    prompt means the plaintext connection was accepted: both are False.
    """
    return classify_psql(output, returncode) is PsqlOutcome.REFUSED_PLAINTEXT


def psql_tls_accepted(output: str, returncode: int) -> bool:
    """Whether ``psql "sslmode=require ..."`` reached the server's authentication (the control probe).

    Without a password the server answers ``fe_sendauth: no password supplied``: the TLS connection
    matched ``hostssl`` and reached scram-sha-256, which is all the control needs to show.
    """
    return classify_psql(output, returncode) in (PsqlOutcome.ACCEPTED, PsqlOutcome.AUTH_REQUIRED)


def psql_probe_command(host: str, sslmode: str, *, port: int = 5432, database: str = "app", user: str = "app") -> str:
    """The probe both live tests run; ``--no-password`` so it can never hang on a prompt."""
    if sslmode not in ("disable", "require"):
        raise ValueError(f"sslmode must be disable or require, not {sslmode!r}")
    conninfo = f"sslmode={sslmode} host={host} port={port} dbname={database} user={user} connect_timeout=5"
    return f"psql --no-password --command 'select 1' {shlex.quote(conninfo)}"


# ------------------------------------------------------------------------------------------- sshd

#: CIS Ubuntu Linux 22.04 LTS v1.0.0, 5.2.13-5.2.15: algorithms that must not be offered.
WEAK_SSH_CIPHERS = frozenset(
    {
        "3des-cbc",
        "aes128-cbc",
        "aes192-cbc",
        "aes256-cbc",
        "arcfour",
        "arcfour128",
        "arcfour256",
        "blowfish-cbc",
        "cast128-cbc",
        "rijndael-cbc@lysator.liu.se",
    }
)
WEAK_SSH_MACS = frozenset(
    {
        "hmac-md5",
        "hmac-md5-96",
        "hmac-ripemd160",
        "hmac-sha1",
        "hmac-sha1-96",
        "umac-64@openssh.com",
        "hmac-md5-etm@openssh.com",
        "hmac-md5-96-etm@openssh.com",
        "hmac-ripemd160-etm@openssh.com",
        "hmac-sha1-etm@openssh.com",
        "hmac-sha1-96-etm@openssh.com",
        "umac-64-etm@openssh.com",
    }
)
WEAK_SSH_KEX = frozenset(
    {"diffie-hellman-group1-sha1", "diffie-hellman-group14-sha1", "diffie-hellman-group-exchange-sha1"}
)


def _keyword_values(sshd_t_output: str) -> dict[str, list[str]]:
    """``sshd -T`` prints ``keyword value`` lines, lower-case keywords; some keywords repeat."""
    values: dict[str, list[str]] = {}
    for line in sshd_t_output.splitlines():
        parts = line.strip().split(None, 1)
        if len(parts) == 2:
            values.setdefault(parts[0].lower(), []).append(parts[1].strip())
    return values


def _int(text: str | None) -> int | None:
    try:
        return int(text) if text is not None else None
    except ValueError:
        return None


def sshd_hardening(sshd_t_output: str) -> list[str]:
    """What the effective sshd configuration (``sshd -T``, run as root) gets wrong on a node.

    Items of CIS Ubuntu Linux 22.04 LTS v1.0.0 section 5.2 (SSH Server), plus the platform's rule that
    logins are by key only (``PasswordAuthentication no``, ``KbdInteractiveAuthentication no``; CIS
    leaves that to the site). Forwarding is off: operators reach pods through the API server, never
    through a node's sshd.

    * 5.2.5 LogLevel INFO or VERBOSE;            * 5.2.6 UsePAM yes;
    * 5.2.7 PermitRootLogin no;                  * 5.2.8 HostbasedAuthentication no;
    * 5.2.9 PermitEmptyPasswords no;             * 5.2.10 PermitUserEnvironment no;
    * 5.2.11 IgnoreRhosts yes;                   * 5.2.12 X11Forwarding no;
    * 5.2.13-15 no weak ciphers, MACs or key exchanges;
    * 5.2.16 AllowTcpForwarding no;              * 5.2.17 a warning Banner;
    * 5.2.18 MaxAuthTries 4 or less;             * 5.2.19 MaxStartups 10:30:60 or stricter;
    * 5.2.20 MaxSessions 10 or less;             * 5.2.21 LoginGraceTime 1-60 seconds;
    * 5.2.22 ClientAliveInterval and ClientAliveCountMax above 0.

    Returns one sentence per finding, in the order above; an empty list means compliant.
    """
    values = _keyword_values(sshd_t_output)
    if not values:
        return ["no sshd -T output to check (sshd -T must run as root)"]
    findings: list[str] = []

    def first(keyword: str) -> str | None:
        found = values.get(keyword)
        return found[0] if found else None

    def expect(keyword: str, wanted: str, cite: str, *aliases: str) -> None:
        value = next((first(k) for k in (keyword, *aliases) if first(k) is not None), None)
        if value is None:
            findings.append(f"{keyword} is not reported by sshd -T; expected {wanted} ({cite})")
        elif value.lower() != wanted:
            findings.append(f"{keyword} is {value}; expected {wanted} ({cite})")

    loglevel = first("loglevel")
    if loglevel is None or loglevel.upper() not in ("INFO", "VERBOSE"):
        findings.append(f"loglevel is {loglevel or 'unset'}; expected INFO or VERBOSE (CIS 5.2.5)")
    expect("usepam", "yes", "CIS 5.2.6")
    expect("permitrootlogin", "no", "CIS 5.2.7")
    expect("passwordauthentication", "no", "platform rule: key-based logins only")
    expect(
        "kbdinteractiveauthentication",
        "no",
        "platform rule: key-based logins only",
        "challengeresponseauthentication",
    )
    expect("hostbasedauthentication", "no", "CIS 5.2.8")
    expect("permitemptypasswords", "no", "CIS 5.2.9")
    expect("permituserenvironment", "no", "CIS 5.2.10")
    expect("ignorerhosts", "yes", "CIS 5.2.11")
    expect("x11forwarding", "no", "CIS 5.2.12")
    for keyword, weak, cite in (
        ("ciphers", WEAK_SSH_CIPHERS, "CIS 5.2.13"),
        ("macs", WEAK_SSH_MACS, "CIS 5.2.14"),
        ("kexalgorithms", WEAK_SSH_KEX, "CIS 5.2.15"),
    ):
        offered = (first(keyword) or "").split(",")
        bad = [algorithm for algorithm in offered if algorithm in weak]
        if bad:
            findings.append(f"{keyword} offers weak {', '.join(bad)} ({cite})")
    expect("allowtcpforwarding", "no", "CIS 5.2.16")
    banner = first("banner")
    if banner is None or banner.lower() == "none":
        findings.append("banner is none; expected a warning banner such as /etc/issue.net (CIS 5.2.17)")
    tries = _int(first("maxauthtries"))
    if tries is None or tries > 4:
        findings.append(f"maxauthtries is {first('maxauthtries') or 'unset'}; expected 4 or less (CIS 5.2.18)")
    startups = (first("maxstartups") or "").split(":")
    start, full = _int(startups[0] or None), _int(startups[-1] or None)
    if start is None or full is None or start > 10 or full > 60:
        findings.append(f"maxstartups is {first('maxstartups') or 'unset'}; expected 10:30:60 or stricter (CIS 5.2.19)")
    sessions = _int(first("maxsessions"))
    if sessions is None or sessions > 10:
        findings.append(f"maxsessions is {first('maxsessions') or 'unset'}; expected 10 or less (CIS 5.2.20)")
    grace = _int(first("logingracetime"))
    if grace is None or not 1 <= grace <= 60:
        findings.append(
            f"logingracetime is {first('logingracetime') or 'unset'}; expected 1 to 60 seconds (CIS 5.2.21)"
        )
    interval, count = _int(first("clientaliveinterval")), _int(first("clientalivecountmax"))
    if not interval or not count:
        findings.append(
            f"clientaliveinterval {first('clientaliveinterval') or 'unset'} / clientalivecountmax "
            f"{first('clientalivecountmax') or 'unset'}: both must be above 0 so idle sessions end (CIS 5.2.22)"
        )
    return findings


# ----------------------------------------------------------------------------------------- sysctl


@dataclass(frozen=True)
class SysctlRule:
    key: str
    test: Callable[[int], bool]
    wanted: str
    cite: str
    optional: bool = False
    """Only checked when the key exists (IPv6 disabled, br_netfilter not loaded, ...)."""


def _eq(value: int) -> Callable[[int], bool]:
    return lambda seen: seen == value


def _at_least(value: int) -> Callable[[int], bool]:
    return lambda seen: seen >= value


def _pair(prefix: str, leaf: str, value: int, cite: str, *, optional: bool = False) -> list[SysctlRule]:
    """The ``all`` and ``default`` variants of a per-interface setting, e.g. ``net.ipv4.conf.all.rp_filter``."""
    return [
        SysctlRule(f"{prefix}.{scope}.{leaf}", _eq(value), str(value), cite, optional) for scope in ("all", "default")
    ]


#: Kubelet's ``protectKernelDefaults`` makes it refuse to start unless these hold (pkg/util/sysctl).
KUBELET_KERNEL_DEFAULTS: Mapping[str, int] = {
    "vm.overcommit_memory": 1,
    "vm.panic_on_oom": 0,
    "kernel.panic": 10,
    "kernel.panic_on_oops": 1,
    "kernel.keys.root_maxkeys": 1000000,
    "kernel.keys.root_maxbytes": 25000000,
}

SYSCTL_RULES: tuple[SysctlRule, ...] = (
    # Kubernetes: pods are routed by the node, so IPv4 forwarding is required (CIS 3.2.2 does not apply).
    SysctlRule("net.ipv4.ip_forward", _eq(1), "1", "Kubernetes node requirement; CIS 3.2.2 does not apply"),
    SysctlRule(
        "net.bridge.bridge-nf-call-iptables",
        _eq(1),
        "1",
        "Kubernetes node requirement with br_netfilter",
        optional=True,
    ),
    *_pair("net.ipv4.conf", "send_redirects", 0, "CIS 3.2.1"),
    *_pair("net.ipv4.conf", "accept_source_route", 0, "CIS 3.3.1"),
    *_pair("net.ipv6.conf", "accept_source_route", 0, "CIS 3.3.1", optional=True),
    *_pair("net.ipv4.conf", "accept_redirects", 0, "CIS 3.3.2"),
    *_pair("net.ipv6.conf", "accept_redirects", 0, "CIS 3.3.2", optional=True),
    *_pair("net.ipv4.conf", "secure_redirects", 0, "CIS 3.3.3"),
    *_pair("net.ipv4.conf", "log_martians", 1, "CIS 3.3.4"),
    SysctlRule("net.ipv4.icmp_echo_ignore_broadcasts", _eq(1), "1", "CIS 3.3.5"),
    SysctlRule("net.ipv4.icmp_ignore_bogus_error_responses", _eq(1), "1", "CIS 3.3.6"),
    *_pair("net.ipv4.conf", "rp_filter", 1, "CIS 3.3.7; RHEL-08-040285"),
    SysctlRule("net.ipv4.tcp_syncookies", _eq(1), "1", "CIS 3.3.8"),
    *_pair("net.ipv6.conf", "accept_ra", 0, "CIS 3.3.9", optional=True),
    SysctlRule("kernel.randomize_va_space", _eq(2), "2", "CIS 1.5.1, ASLR"),
    SysctlRule("fs.suid_dumpable", _eq(0), "0", "CIS 1.5.4, core dumps restricted"),
    SysctlRule("kernel.kptr_restrict", _at_least(1), "1 or 2", "RHEL-08-040283"),
    SysctlRule("kernel.dmesg_restrict", _eq(1), "1", "RHEL-08-010375"),
    SysctlRule("kernel.yama.ptrace_scope", _at_least(1), "1 or more", "RHEL-08-040282", optional=True),
    SysctlRule("fs.protected_symlinks", _eq(1), "1", "RHEL-08-010373"),
    SysctlRule("fs.protected_hardlinks", _eq(1), "1", "RHEL-08-010374"),
    SysctlRule("fs.protected_fifos", _at_least(1), "1 or 2", "KSPP recommended settings"),
    SysctlRule("fs.protected_regular", _at_least(1), "1 or 2", "KSPP recommended settings"),
    *(
        SysctlRule(key, _eq(value), str(value), "kubelet protectKernelDefaults; CIS Kubernetes v1.7.0 4.2.6")
        for key, value in KUBELET_KERNEL_DEFAULTS.items()
    ),
)


def parse_sysctl(sysctl_a_output: str) -> dict[str, str]:
    """``key = value`` lines; multi-field values keep single spaces; error lines are ignored."""
    values: dict[str, str] = {}
    for line in sysctl_a_output.splitlines():
        key, sep, value = line.partition(" = ")
        if sep and key and " " not in key.strip():
            values[key.strip()] = " ".join(value.split())
    return values


def sysctl_hardening(sysctl_a_output: str) -> list[str]:
    """Kernel settings a Kubernetes node of the platform must have, from ``sysctl -a`` (run as root).

    CIS Ubuntu Linux 22.04 LTS v1.0.0 network items 3.2.1 and 3.3.1-3.3.9 (``all`` and ``default``,
    IPv6 items only where IPv6 is up), process items 1.5.1 (ASLR) and 1.5.4 (no setuid core dumps),
    and kernel-pointer, dmesg, ptrace and link protections from the RHEL 8 STIG (RHEL-08-040283,
    RHEL-08-010375, RHEL-08-040282, RHEL-08-010373/010374) and the Kernel Self Protection Project.

    Two deliberate departures for Kubernetes nodes: ``net.ipv4.ip_forward`` must be 1 (CIS 3.2.2
    wants 0, which would stop all pod traffic), and the six tunables the kubelet's
    ``protectKernelDefaults`` (CIS Kubernetes v1.7.0 4.2.6) insists on must hold, or the hardened
    kubelet refuses to start. ``rp_filter`` must be 1 (strict): Calico refuses loose mode (2). A CNI
    that needs it off (Cilium sets 0 itself) is a documented exception, not something to silence here.

    Returns one sentence per finding, in rule order; an empty list means compliant.
    """
    values = parse_sysctl(sysctl_a_output)
    if not values:
        return ["no sysctl -a output to check"]
    findings: list[str] = []
    for rule in SYSCTL_RULES:
        raw = values.get(rule.key)
        if raw is None:
            if not rule.optional:
                findings.append(f"{rule.key} is not reported by sysctl -a; expected {rule.wanted} ({rule.cite})")
            continue
        seen = _int(raw)
        if seen is None or not rule.test(seen):
            findings.append(f"{rule.key} is {raw}; expected {rule.wanted} ({rule.cite})")
    return findings


# ---------------------------------------------------------------------------------------- kubelet

#: CIS Kubernetes v1.8.0 4.2.12: the cipher suites the kubelet may offer.
STRONG_KUBELET_CIPHERS = frozenset(
    {
        "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
        "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
        "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305",
        "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
        "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305",
        "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
        "TLS_RSA_WITH_AES_256_GCM_SHA384",
        "TLS_RSA_WITH_AES_128_GCM_SHA256",
    }
)
_KUBELET_CONFIG_FLAG = re.compile(r"--config(?:=|\s+)(\S+)")


def _load_config(text: str) -> Mapping[str, Any]:
    try:
        document: Any = json.loads(text)
    except json.JSONDecodeError:
        try:
            document = YAML(typ="safe", pure=True).load(text)
        except YAMLError as error:
            raise ValueError(f"kubelet configuration is neither JSON nor YAML: {error}") from None
    if not isinstance(document, Mapping):
        raise ValueError("kubelet configuration must be a mapping (a KubeletConfiguration)")
    # `kubectl get --raw /api/v1/nodes/<node>/proxy/configz` wraps the live config in {"kubeletconfig": ...}
    inner = document.get("kubeletconfig")
    return inner if isinstance(inner, Mapping) else document


def _path(document: Mapping[str, Any], dotted: str) -> Any:
    value: Any = document
    for part in dotted.split("."):
        value = value.get(part) if isinstance(value, Mapping) else None
    return value


def kubelet_config_hardening(kubelet_config_json: str) -> list[str]:
    """What a kubelet's ``KubeletConfiguration`` gets wrong, against CIS Kubernetes v1.8.0 section 4.2.

    Accepts the config file (YAML or JSON, e.g. ``/var/lib/kubelet/config.yaml``) or the live config
    the API server serves at ``/api/v1/nodes/<node>/proxy/configz``. A field left out takes the
    ``kubelet.config.k8s.io/v1beta1`` default (anonymous auth off, webhook authn on, Webhook authz,
    read-only port 0, iptables util chains on), as the kubelet itself applies them.

    * 4.2.1 ``authentication.anonymous.enabled`` false;
    * 4.2.2 ``authorization.mode`` Webhook (and ``authentication.webhook.enabled`` true, which it needs);
    * 4.2.3 ``authentication.x509.clientCAFile`` set;
    * 4.2.4 ``readOnlyPort`` 0;
    * v1.7.0 4.2.6 ``protectKernelDefaults`` true (default false);
    * 4.2.6 ``makeIPTablesUtilChains`` not false;
    * 4.2.9 a serving certificate: ``tlsCertFile`` and ``tlsPrivateKeyFile``, or ``serverTLSBootstrap`` true;
    * 4.2.10 ``rotateCertificates`` true (its v1beta1 default is false, so it must be explicit);
    * 4.2.11 feature gate ``RotateKubeletServerCertificate`` not false;
    * 4.2.12 ``tlsCipherSuites``, when set, only strong suites;
    * 4.2.13 ``podPidsLimit`` set above 0 (default -1, unlimited).

    4.2.5 (``streamingConnectionIdleTimeout`` not 0) cannot fail in a config file: the kubelet reads 0
    as "unset" and applies its 4-hour default. Returns one sentence per finding, in the order above.
    """
    config = _load_config(kubelet_config_json)
    findings: list[str] = []
    anonymous = _path(config, "authentication.anonymous.enabled")
    if anonymous is True:
        findings.append("authentication.anonymous.enabled is true; must be false (CIS 4.2.1)")
    mode = _path(config, "authorization.mode") or "Webhook"
    if mode != "Webhook":
        findings.append(f"authorization.mode is {mode}; must be Webhook (CIS 4.2.2)")
    if _path(config, "authentication.webhook.enabled") is False:
        findings.append("authentication.webhook.enabled is false; Webhook authorization needs it true (CIS 4.2.2)")
    if not _path(config, "authentication.x509.clientCAFile"):
        findings.append("authentication.x509.clientCAFile is not set (CIS 4.2.3)")
    read_only_port = config.get("readOnlyPort") or 0
    if read_only_port != 0:
        findings.append(f"readOnlyPort is {read_only_port}; must be 0 (CIS 4.2.4)")
    if config.get("protectKernelDefaults") is not True:
        findings.append("protectKernelDefaults is not true (CIS Kubernetes v1.7.0 4.2.6)")
    if config.get("makeIPTablesUtilChains") is False:
        findings.append("makeIPTablesUtilChains is false; must be true (CIS 4.2.6)")
    has_cert = bool(config.get("tlsCertFile")) and bool(config.get("tlsPrivateKeyFile"))
    if not has_cert and config.get("serverTLSBootstrap") is not True:
        findings.append(
            "no serving certificate: set tlsCertFile and tlsPrivateKeyFile, or serverTLSBootstrap true (CIS 4.2.9)"
        )
    if config.get("rotateCertificates") is not True:
        findings.append("rotateCertificates is not true; client certificates will not rotate (CIS 4.2.10)")
    if _path(config, "featureGates.RotateKubeletServerCertificate") is False:
        findings.append("feature gate RotateKubeletServerCertificate is false (CIS 4.2.11)")
    weak = sorted(set(config.get("tlsCipherSuites") or []) - STRONG_KUBELET_CIPHERS)
    if weak:
        findings.append(f"tlsCipherSuites allows weak suites {', '.join(weak)} (CIS 4.2.12)")
    pids = config.get("podPidsLimit")
    if not isinstance(pids, int) or pids <= 0:
        findings.append(f"podPidsLimit is {pids if pids is not None else 'unset'}; set a limit above 0 (CIS 4.2.13)")
    return findings


def kubelet_config_path(ps_args: str) -> str | None:
    """The ``--config`` file of a running kubelet, from ``ps -C kubelet -o args=``; None if not given."""
    match = _KUBELET_CONFIG_FLAG.search(ps_args)
    return match.group(1) if match else None


def kubelet_config_file_problems(mode: int, user: str, group: str) -> list[str]:
    """CIS Kubernetes v1.8.0 4.1.9 (permissions 600 or stricter) and 4.1.10 (owned by root:root)."""
    findings: list[str] = []
    if mode & 0o177:
        findings.append(f"kubelet config file mode is {mode:o}; must be 600 or more restrictive (CIS 4.1.9)")
    if (user, group) != ("root", "root"):
        findings.append(f"kubelet config file is owned by {user}:{group}; must be root:root (CIS 4.1.10)")
    return findings
