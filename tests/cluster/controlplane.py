"""A real Kubernetes control plane on loopback: etcd, kube-apiserver and kube-controller-manager.

The binaries come from the tools step (``bash tools/build-tools.sh``: etcd v3.6.x and Kubernetes v1.36.x
built from their Go modules). Everything else is made here, in a temporary folder: a CA, the API server's
serving certificate, an admin client certificate (group ``system:masters``) and the service-account
signing key, all generated with ``cryptography``; a kubeconfig that the ``kubernetes`` client, kubectl,
``govcloud audit`` and testinfra's ``kubectl://`` backend all read.

The API server runs with RBAC authorization and its default admission plugins, which include
PodSecurity, LimitRanger, ResourceQuota, ServiceAccount and ValidatingAdmissionPolicy (GA since 1.30).
There is no kubelet and no scheduler: objects are stored and admitted, no pod ever runs. The controller
manager runs the controllers whose effect the tests look at (namespace deletion, the ``default``
ServiceAccount, quota status, ClusterRole aggregation, garbage collection) and not the workload
controllers, so no Pod is created behind the tests' back.

Upstream facts relied on (checked against kubernetes v1.36 sources):
* kubernetes pkg/kubeapiserver/options/plugins.go ``DefaultOffAdmissionPlugins``: PodSecurity,
  ValidatingAdmissionPolicy, LimitRanger, ResourceQuota and ServiceAccount are on unless disabled.
* kubernetes staging/src/k8s.io/apiserver/pkg/authentication/request/x509: the client certificate's
  CN is the user name and its O entries are the groups; ``system:masters`` is bound to cluster-admin by
  the bootstrap policy (plugin/pkg/auth/authorizer/rbac/bootstrappolicy/policy.go).
* The ``Impersonate-User`` / ``Impersonate-Group`` headers are honoured for a user allowed the
  ``impersonate`` verb (cluster-admin is).
"""

from __future__ import annotations

import copy
import datetime as dt
import ipaddress
import json
import os
import signal
import socket
import subprocess
import time
import warnings
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import requests
import urllib3
import yaml
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

SERVICE_CIDR = "10.0.0.0/24"
ADMIN_USER = "govcloud-test-admin"
FIELD_MANAGER = "govcloud-tests"
START_TIMEOUT = 90.0
CONTROLLERS = (
    "*",
    "-deployment-controller",
    "-replicaset-controller",
    "-statefulset-controller",
    "-daemonset-controller",
    "-job-controller",
    "-cronjob-controller",
)
"""No workload controller: no Pod appears that the tests did not make (and none could run anyway)."""


# ------------------------------------------------------------------------------------ certificates


def _key() -> ec.EllipticCurvePrivateKey:
    return ec.generate_private_key(ec.SECP256R1())


def _pem_key(key: ec.EllipticCurvePrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )


def _certificate(
    subject: x509.Name,
    key: ec.EllipticCurvePrivateKey,
    issuer: tuple[x509.Name, ec.EllipticCurvePrivateKey] | None,
    *,
    ca: bool = False,
    server_names: Sequence[str] = (),
    server_ips: Sequence[str] = (),
    client: bool = False,
) -> x509.Certificate:
    now = dt.datetime.now(dt.UTC)
    issuer_name, issuer_key = issuer or (subject, key)
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
    )
    if ca:
        builder = builder.add_extension(
            x509.KeyUsage(True, False, False, False, False, True, True, False, False), critical=True
        )
    else:
        usages = ([x509.ExtendedKeyUsageOID.SERVER_AUTH] if server_names or server_ips else []) + (
            [x509.ExtendedKeyUsageOID.CLIENT_AUTH] if client else []
        )
        builder = builder.add_extension(x509.ExtendedKeyUsage(usages), critical=False)
    if server_names or server_ips:
        alt: list[x509.GeneralName] = [x509.DNSName(n) for n in server_names]
        alt += [x509.IPAddress(ipaddress.ip_address(i)) for i in server_ips]
        builder = builder.add_extension(x509.SubjectAlternativeName(alt), critical=False)
    return builder.sign(issuer_key, hashes.SHA256())


def _name(common_name: str, *organizations: str) -> x509.Name:
    attributes = [x509.NameAttribute(NameOID.ORGANIZATION_NAME, o) for o in organizations]
    return x509.Name([*attributes, x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


@dataclass(frozen=True)
class Credentials:
    """The files the control plane and its clients are started with."""

    ca: Path
    serving_cert: Path
    serving_key: Path
    admin_cert: Path
    admin_key: Path
    sa_key: Path
    sa_pub: Path


def write_credentials(folder: Path) -> Credentials:
    """A fresh CA, serving and admin certificates and a service-account key pair, in ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    ca_key = _key()
    ca_name = _name("govcloud-test-ca")
    ca_cert = _certificate(ca_name, ca_key, None, ca=True)
    serving_key = _key()
    service_ip = str(next(ipaddress.ip_network(SERVICE_CIDR).hosts()))
    serving = _certificate(
        _name("kube-apiserver"),
        serving_key,
        (ca_name, ca_key),
        server_names=("localhost", "kubernetes", "kubernetes.default", "kubernetes.default.svc"),
        server_ips=("127.0.0.1", service_ip),
    )
    admin_key = _key()
    admin = _certificate(_name(ADMIN_USER, "system:masters"), admin_key, (ca_name, ca_key), client=True)
    sa_key = _key()
    files = Credentials(
        ca=folder / "ca.crt",
        serving_cert=folder / "apiserver.crt",
        serving_key=folder / "apiserver.key",
        admin_cert=folder / "admin.crt",
        admin_key=folder / "admin.key",
        sa_key=folder / "sa.key",
        sa_pub=folder / "sa.pub",
    )
    pem = serialization.Encoding.PEM
    files.ca.write_bytes(ca_cert.public_bytes(pem))
    files.serving_cert.write_bytes(serving.public_bytes(pem))
    files.serving_key.write_bytes(_pem_key(serving_key))
    files.admin_cert.write_bytes(admin.public_bytes(pem))
    files.admin_key.write_bytes(_pem_key(admin_key))
    files.sa_key.write_bytes(_pem_key(sa_key))
    files.sa_pub.write_bytes(sa_key.public_key().public_bytes(pem, serialization.PublicFormat.SubjectPublicKeyInfo))
    for secret in (files.serving_key, files.admin_key, files.sa_key):
        secret.chmod(0o600)
    return files


def write_kubeconfig(path: Path, server: str, credentials: Credentials) -> None:
    """A kubeconfig with absolute file references, readable by kubectl and the Python client alike."""
    document = {
        "apiVersion": "v1",
        "kind": "Config",
        "clusters": [
            {"name": "govcloud-test", "cluster": {"server": server, "certificate-authority": str(credentials.ca)}}
        ],
        "users": [
            {
                "name": ADMIN_USER,
                "user": {"client-certificate": str(credentials.admin_cert), "client-key": str(credentials.admin_key)},
            }
        ],
        "contexts": [{"name": "govcloud-test", "context": {"cluster": "govcloud-test", "user": ADMIN_USER}}],
        "current-context": "govcloud-test",
    }
    path.write_text(yaml.safe_dump(document), "utf-8")
    path.chmod(0o600)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# -------------------------------------------------------------------------------------------- REST


class ApiError(Exception):
    """A request the API server refused, with the server's own message."""

    def __init__(self, status: int, message: str, body: Mapping[str, Any] | None = None) -> None:
        super().__init__(f"{status}: {message}")
        self.status, self.message, self.body = status, message, dict(body or {})


@dataclass(frozen=True)
class ResourceType:
    path: str
    """``/api/v1`` or ``/apis/<group>/<version>``."""
    plural: str
    namespaced: bool


class Kube:
    """A thin REST client for what the tests do: server-side apply, create, get, delete, discovery.

    It speaks to the API server directly (urllib3 with the admin certificate), optionally acting as another
    user and groups through impersonation headers. Discovery is cached and refreshed on a miss.
    """

    def __init__(
        self,
        server: str,
        credentials: Credentials,
        *,
        user: str | None = None,
        groups: Sequence[str] = (),
        discovery: dict[tuple[str, str], ResourceType] | None = None,
    ) -> None:
        self.server, self.credentials = server, credentials
        self.user, self.groups = user, tuple(groups)
        self.pool = urllib3.PoolManager(
            cert_file=str(credentials.admin_cert),
            key_file=str(credentials.admin_key),
            ca_certs=str(credentials.ca),
            cert_reqs="CERT_REQUIRED",
            maxsize=8,
        )
        self._discovery = discovery if discovery is not None else {}

    def acting_as(self, user: str, groups: Sequence[str] = ()) -> Kube:
        """The same server, as ``user`` in ``groups`` (plus ``system:authenticated``, as for anyone)."""
        return Kube(
            self.server,
            self.credentials,
            user=user,
            groups=(*groups, "system:authenticated"),
            discovery=self._discovery,
        )

    def request(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, str] | None = None,
        body: Any = None,
        content_type: str = "application/json",
    ) -> tuple[int, dict[str, Any]]:
        """One request; the status and the decoded JSON body (a Status for most errors)."""
        headers = urllib3.HTTPHeaderDict({"Accept": "application/json"})
        if self.user is not None:
            headers.add("Impersonate-User", self.user)
            for group in self.groups:  # one header per group: the API server reads each as one group
                headers.add("Impersonate-Group", group)
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers.add("Content-Type", content_type)
        url = self.server + path + (f"?{urlencode(dict(params))}" if params else "")
        response = self.pool.request(method, url, body=data, headers=headers, timeout=60.0, retries=False)
        try:
            document: dict[str, Any] = json.loads(response.data) if response.data else {}
        except ValueError:
            document = {"message": response.data.decode("utf-8", "replace")}
        return response.status, document

    @staticmethod
    def _check(result: tuple[int, dict[str, Any]]) -> dict[str, Any]:
        status, body = result
        if status >= 400:
            raise ApiError(status, str(body.get("message", body)), body)
        return body

    # --------------------------------------------------------------------------------- discovery

    def resource_type(self, api_version: str, kind: str) -> ResourceType:
        key = (api_version, kind)
        if key not in self._discovery:
            self._discover(api_version)
        if key not in self._discovery:
            raise ApiError(404, f"the server does not serve {kind} in {api_version}")
        return self._discovery[key]

    def _discover(self, api_version: str) -> None:
        path = "/api/v1" if api_version == "v1" else f"/apis/{api_version}"
        result = Kube(self.server, self.credentials).request("GET", path)  # discovery as the admin
        if result[0] == 404:
            return
        for resource in self._check(result).get("resources", []):
            if "/" not in resource["name"]:
                self._discovery[(api_version, resource["kind"])] = ResourceType(
                    path, resource["name"], bool(resource["namespaced"])
                )

    def forget_discovery(self) -> None:
        self._discovery.clear()

    def path(self, api_version: str, kind: str, name: str | None = None, namespace: str | None = None) -> str:
        kind_type = self.resource_type(api_version, kind)
        path = kind_type.path
        if kind_type.namespaced:
            if not namespace:
                raise ValueError(f"{kind} {name} is namespaced: give its namespace")
            path += f"/namespaces/{namespace}"
        path += f"/{kind_type.plural}"
        return path + (f"/{name}" if name else "")

    def object_path(self, obj: Mapping[str, Any]) -> str:
        metadata = obj.get("metadata") or {}
        return self.path(str(obj["apiVersion"]), str(obj["kind"]), metadata.get("name"), metadata.get("namespace"))

    # ------------------------------------------------------------------------------------- verbs

    def apply(self, obj: Mapping[str, Any], *, dry_run: bool = False, strict: bool = True) -> dict[str, Any]:
        """Server-side apply (force), strict field validation unless told otherwise."""
        params = {"fieldManager": FIELD_MANAGER, "force": "true", "fieldValidation": "Strict" if strict else "Warn"}
        if dry_run:
            params["dryRun"] = "All"
        return self._check(
            self.request(
                "PATCH",
                self.object_path(obj),
                params=params,
                body=obj,
                content_type="application/apply-patch+yaml",
            )
        )

    def create(self, obj: Mapping[str, Any], *, dry_run: bool = False) -> dict[str, Any]:
        metadata = obj.get("metadata") or {}
        path = self.path(str(obj["apiVersion"]), str(obj["kind"]), None, metadata.get("namespace"))
        params = {"fieldValidation": "Strict", **({"dryRun": "All"} if dry_run else {})}
        return self._check(self.request("POST", path, params=params, body=obj))

    def get(self, api_version: str, kind: str, name: str, namespace: str | None = None) -> dict[str, Any] | None:
        result = self.request("GET", self.path(api_version, kind, name, namespace))
        return None if result[0] == 404 else self._check(result)

    def list(self, api_version: str, kind: str, namespace: str | None = None) -> list[dict[str, Any]]:
        items: list[dict[str, Any]] = self._check(self.request("GET", self.path(api_version, kind, None, namespace)))[
            "items"
        ]
        return items

    def delete(self, api_version: str, kind: str, name: str, namespace: str | None = None) -> bool:
        """Delete (foreground for namespaces is the controller's business); False when it was absent."""
        result = self.request("DELETE", self.path(api_version, kind, name, namespace))
        if result[0] == 404:
            return False
        self._check(result)
        return True

    def merge_patch(
        self, api_version: str, kind: str, name: str, patch: Mapping[str, Any], namespace: str | None = None
    ) -> dict[str, Any]:
        return self._check(
            self.request(
                "PATCH",
                self.path(api_version, kind, name, namespace),
                body=patch,
                content_type="application/merge-patch+json",
            )
        )

    def post(self, path: str, body: Mapping[str, Any]) -> dict[str, Any]:
        return self._check(self.request("POST", path, body=body))

    def wait_gone(
        self, api_version: str, kind: str, name: str, namespace: str | None = None, timeout: float = 60
    ) -> None:
        deadline = time.monotonic() + timeout
        while self.get(api_version, kind, name, namespace) is not None:
            if time.monotonic() > deadline:
                raise TimeoutError(f"{kind} {namespace or ''}/{name} still exists after {timeout} s")
            time.sleep(0.2)


# ----------------------------------------------------------------------------------- the processes


@dataclass
class ControlPlane:
    """A running control plane: its URL, kubeconfig, credentials, and clients for it.

    Use ``kube()`` for the tests' REST client (apply, create, get, delete, impersonation) and
    ``api_client()`` for the official ``kubernetes`` client (what ``govcloud audit`` uses).
    """

    server_url: str
    kubeconfig: Path
    credentials: Credentials
    workdir: Path
    processes: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)
    _discovery: dict[tuple[str, str], ResourceType] = field(default_factory=dict)

    def kube(self) -> Kube:
        return Kube(self.server_url, self.credentials, discovery=self._discovery)

    def api_client(self) -> Any:
        """An official ``kubernetes.client.ApiClient`` for the admin (close it when done)."""
        from kubernetes import config as kube_config

        return kube_config.new_client_from_config(config_file=str(self.kubeconfig))  # type: ignore[no-untyped-call]

    def log(self, name: str) -> str:
        path = self.workdir / f"{name}.log"
        return path.read_text("utf-8", errors="replace") if path.exists() else ""

    def stop(self) -> None:
        """Stop every process by its PID (controller manager, API server, then etcd)."""
        for name in reversed(list(self.processes)):
            process = self.processes.pop(name)
            if process.poll() is None:
                with suppress(ProcessLookupError):
                    os.kill(process.pid, signal.SIGTERM)
                try:
                    process.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    with suppress(ProcessLookupError):
                        os.kill(process.pid, signal.SIGKILL)
                    process.wait(timeout=5)


def _start(plane: ControlPlane, name: str, command: Sequence[str]) -> None:
    log = (plane.workdir / f"{name}.log").open("wb")
    plane.processes[name] = subprocess.Popen(
        list(command), stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True
    )
    log.close()


def _wait(plane: ControlPlane, name: str, url: str, *, verify: str | bool, cert: tuple[str, str] | None) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    last = ""
    while time.monotonic() < deadline:
        process = plane.processes[name]
        if process.poll() is not None:
            raise RuntimeError(f"{name} exited with {process.returncode}:\n{plane.log(name)[-4000:]}")
        try:
            with warnings.catch_warnings():  # the controller manager's self-signed health endpoint
                warnings.simplefilter("ignore", urllib3.exceptions.InsecureRequestWarning)
                response = requests.get(url, verify=verify, cert=cert, timeout=5)
            if response.status_code == 200:
                return
            last = f"{response.status_code} {response.text[-2000:]}"
        except requests.RequestException as error:
            last = str(error)
        time.sleep(0.25)
    raise TimeoutError(f"{name} not ready at {url} after {START_TIMEOUT} s: {last}\n{plane.log(name)[-4000:]}")


def start_control_plane(workdir: Path, binaries: Mapping[str, Path]) -> ControlPlane:
    """Start etcd, kube-apiserver and kube-controller-manager in ``workdir``; stops them again on failure."""
    credentials = write_credentials(workdir / "pki")
    etcd_client, etcd_peer, api_port, kcm_port = free_port(), free_port(), free_port(), free_port()
    server = f"https://127.0.0.1:{api_port}"
    kubeconfig = workdir / "kubeconfig"
    write_kubeconfig(kubeconfig, server, credentials)
    plane = ControlPlane(server_url=server, kubeconfig=kubeconfig, credentials=credentials, workdir=workdir)
    cert = (str(credentials.admin_cert), str(credentials.admin_key))
    try:
        etcd_url, peer_url = f"http://127.0.0.1:{etcd_client}", f"http://127.0.0.1:{etcd_peer}"
        _start(
            plane,
            "etcd",
            [
                str(binaries["etcd"]),
                "--name=govcloud-test",
                f"--data-dir={workdir / 'etcd'}",
                f"--listen-client-urls={etcd_url}",
                f"--advertise-client-urls={etcd_url}",
                f"--listen-peer-urls={peer_url}",
                f"--initial-advertise-peer-urls={peer_url}",
                f"--initial-cluster=govcloud-test={peer_url}",
                "--unsafe-no-fsync=true",  # a throw-away store: durability buys nothing, fsync costs seconds
                "--log-level=warn",
            ],
        )
        _wait(plane, "etcd", f"{etcd_url}/health", verify=False, cert=None)
        _start(
            plane,
            "kube-apiserver",
            [
                str(binaries["kube-apiserver"]),
                f"--etcd-servers={etcd_url}",
                "--bind-address=127.0.0.1",
                "--advertise-address=127.0.0.1",
                f"--secure-port={api_port}",
                f"--cert-dir={workdir / 'apiserver-certs'}",
                f"--tls-cert-file={credentials.serving_cert}",
                f"--tls-private-key-file={credentials.serving_key}",
                f"--client-ca-file={credentials.ca}",
                f"--service-account-key-file={credentials.sa_pub}",
                f"--service-account-signing-key-file={credentials.sa_key}",
                "--service-account-issuer=https://kubernetes.default.svc.cluster.local",
                f"--service-cluster-ip-range={SERVICE_CIDR}",
                "--authorization-mode=RBAC",
                "--allow-privileged=true",  # as on a real cluster: Pod Security admission decides, not this flag
                "--endpoint-reconciler-type=none",  # 127.0.0.1 is not a valid Endpoints address
                "--profiling=false",
                "--v=1",
            ],
        )
        _wait(plane, "kube-apiserver", f"{server}/readyz", verify=str(credentials.ca), cert=cert)
        _start(
            plane,
            "kube-controller-manager",
            [
                str(binaries["kube-controller-manager"]),
                f"--kubeconfig={kubeconfig}",
                f"--authentication-kubeconfig={kubeconfig}",
                f"--authorization-kubeconfig={kubeconfig}",
                "--leader-elect=false",
                "--bind-address=127.0.0.1",
                f"--secure-port={kcm_port}",
                f"--cert-dir={workdir / 'kcm-certs'}",
                f"--service-account-private-key-file={credentials.sa_key}",
                f"--root-ca-file={credentials.ca}",
                f"--controllers={','.join(CONTROLLERS)}",
                "--concurrent-namespace-syncs=4",
                "--profiling=false",
                "--v=1",
            ],
        )
        _wait(plane, "kube-controller-manager", f"https://127.0.0.1:{kcm_port}/healthz", verify=False, cert=None)
    except BaseException:
        plane.stop()
        raise
    return plane


# ------------------------------------------------------------------------------------------- CRDs


_LOADER: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml: 3 MB of CRDs in 1 s


def crd_documents(crd_root: Path) -> list[dict[str, Any]]:
    """Every CustomResourceDefinition under ``crd_root`` (``../shared/schemas/crds/**``)."""
    documents: list[dict[str, Any]] = []
    for path in sorted(crd_root.rglob("*.y*ml")):
        for document in yaml.load_all(path.read_text("utf-8"), Loader=_LOADER):
            if isinstance(document, dict) and document.get("kind") == "CustomResourceDefinition":
                documents.append(document)
    return documents


def upstream_crd_documents(crd_root: Path) -> list[dict[str, Any]]:
    """``crd_root``'s CRDs and those the tools step caches from pinned Go modules (EnvoyProxy, BackendTLSPolicy:
    ``tests.prerequisites.cached_crds``, which skips or fails in CI when the cache is empty)."""
    from tests.prerequisites import cached_crds

    documents = crd_documents(crd_root)
    for path in cached_crds():
        for document in yaml.load_all(path.read_text("utf-8"), Loader=_LOADER):
            if isinstance(document, dict) and document.get("kind") == "CustomResourceDefinition":
                documents.append(document)
    return documents


def _schema_without_descriptions(node: Any) -> Any:
    """An OpenAPI v3 schema with its ``description`` texts removed (a property *named* description stays)."""
    if not isinstance(node, dict):
        return node
    out = {k: v for k, v in node.items() if not (k == "description" and isinstance(v, str))}
    for key in ("properties", "patternProperties", "definitions"):
        if isinstance(out.get(key), dict):
            out[key] = {name: _schema_without_descriptions(sub) for name, sub in out[key].items()}
    for key in ("items", "additionalProperties", "not"):
        if isinstance(out.get(key), dict):
            out[key] = _schema_without_descriptions(out[key])
    for key in ("allOf", "anyOf", "oneOf"):
        if isinstance(out.get(key), list):
            out[key] = [_schema_without_descriptions(sub) for sub in out[key]]
    return out


def without_descriptions(crd: Mapping[str, Any]) -> dict[str, Any]:
    """The CRD with its schema's documentation removed: validation (types, structure, formats, enums, CEL
    rules, defaults) is unchanged, and the server installs it several times faster (the largest upstream
    CRDs are 700 kB, mostly descriptions, and the server's cost grows with the schema's size)."""
    crd = copy.deepcopy(dict(crd))
    for version in crd.get("spec", {}).get("versions") or []:
        schema = (version.get("schema") or {}).get("openAPIV3Schema")
        if schema is not None:
            version["schema"]["openAPIV3Schema"] = _schema_without_descriptions(schema)
    return crd


def install_crds(kube: Kube, crds: Iterable[Mapping[str, Any]], timeout: float = 60) -> list[str]:
    """Apply the CRDs and wait until every one is Established and its API is discovered; their names."""
    documents = [without_descriptions(crd) for crd in crds]
    names = [str(crd["metadata"]["name"]) for crd in documents]

    def create(crd: Mapping[str, Any]) -> None:
        # A plain create: server-side apply of a 700 kB schema costs the server seconds per CRD (field
        # tracking of every schema node), which a fresh control plane gains nothing from.
        try:
            Kube(kube.server, kube.credentials).create(crd)
        except ApiError as error:
            if error.status != 409:
                raise
            kube.apply(crd)

    for crd in documents:  # one at a time: concurrent creates made the server 4x slower (it rebuilds OpenAPI)
        create(crd)
    # Served means Established: the discovery document of the group/version lists the resource. Asking
    # discovery is cheap; re-reading a 700 kB CRD to look at its conditions is not.
    served = {
        (f"{crd['spec']['group']}/{v['name']}", crd["spec"]["names"]["plural"])
        for crd in documents
        for v in crd["spec"]["versions"]
        if v.get("served")
    }
    deadline = time.monotonic() + timeout
    while served:
        for group_version in sorted({gv for gv, _ in served}):
            status, document = kube.request("GET", f"/apis/{group_version}")
            listed = {r["name"] for r in document.get("resources", [])} if status == 200 else set()
            served -= {(gv, plural) for gv, plural in served if gv == group_version and plural in listed}
        if served and time.monotonic() > deadline:
            raise TimeoutError(f"CRDs not served after {timeout} s: {sorted(served)}")
        if served:
            time.sleep(0.2)
    kube.forget_discovery()
    return names


@contextmanager
def running_control_plane(workdir: Path, binaries: Mapping[str, Path]) -> Iterator[ControlPlane]:
    plane = start_control_plane(workdir, binaries)
    try:
        yield plane
    finally:
        plane.stop()
