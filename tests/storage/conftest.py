"""A real moto S3/IAM server over HTTP on 127.0.0.1, so storage tests exercise boto3 end to end.

Two servers, each a ``python -m moto.server`` subprocess: a plain one, reset before every test, and
a second one for IAM enforcement. Moto only checks signatures and identity policies after its
``INITIAL_NO_AUTH_ACTION_COUNT`` unauthenticated requests are used up; the second server starts with
that count set, and each test that needs enforcement sets the remaining count to 0 after its setup
through ``/moto-api/reset-auth`` (moto's own server-mode switch), rather than counting setup calls.
"""

from __future__ import annotations

import contextlib
import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from govcloud.storage import S3Connection, s3_client
from govcloud.storage.buckets import S3Client

ADMIN_KEY_ID = "GOVCLOUDTESTADMINKEY"
ADMIN_SECRET = "govcloud-test-admin-secret-0000"
NO_AUTH_YET = "1000000"
"""INITIAL_NO_AUTH_ACTION_COUNT of the enforcing server: enough for any setup, then switched to 0."""

_CREDENTIAL_VARS = (
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "AWS_PROFILE",
    "GOVCLOUD_S3_ACCESS_KEY_ID",
    "GOVCLOUD_S3_SECRET_ACCESS_KEY",
    "PULUMI_CONFIG",
)


@dataclass
class MotoServer:
    """One moto server subprocess."""

    endpoint: str
    process: subprocess.Popen[bytes]

    def post(self, path: str, body: bytes = b"") -> bytes:
        """POST to moto's control API (reset, reset-auth)."""
        # Not form-encoded, or Flask would swallow the body into request.form.
        headers = {"Content-Type": "application/octet-stream"}
        request = urllib.request.Request(f"{self.endpoint}{path}", data=body, headers=headers, method="POST")
        with urllib.request.urlopen(request, timeout=10) as response:
            data: bytes = response.read()
            return data

    def reset(self) -> None:
        """Forget every bucket, user and key, so each test starts from an empty store."""
        self.post("/moto-api/reset")

    def set_unauthenticated_budget(self, count: int | str) -> None:
        """Allow ``count`` more unauthenticated requests; 0 means every request is checked from now on."""
        reply = json.loads(self.post("/moto-api/reset-auth", str(count).encode()))
        assert reply.get("status") == "ok", reply


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _start_moto(log_path: Path, extra_env: dict[str, str] | None = None) -> MotoServer:
    env = {k: v for k, v in os.environ.items() if k not in _CREDENTIAL_VARS}
    env.update(extra_env or {})
    for _attempt in range(3):
        port = _free_port()
        with log_path.open("ab") as log:
            process = subprocess.Popen(
                [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
                stdout=log,
                stderr=subprocess.STDOUT,
                env=env,
            )
        server = MotoServer(f"http://127.0.0.1:{port}", process)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and process.poll() is None:
            try:
                server.reset()
                return server
            except (urllib.error.URLError, ConnectionError, OSError):
                time.sleep(0.1)
        _stop_moto(server)
    raise RuntimeError(f"moto server did not start; see {log_path}")


def _stop_moto(server: MotoServer) -> None:
    if server.process.poll() is None:
        server.process.terminate()
        try:
            server.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.process.kill()
            server.process.wait(timeout=10)


@pytest.fixture(scope="session")
def moto_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[MotoServer]:
    """The plain moto server (no IAM enforcement), for the whole session."""
    server = _start_moto(tmp_path_factory.mktemp("moto") / "moto.log")
    yield server
    _stop_moto(server)


@pytest.fixture(scope="session")
def moto_auth_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[MotoServer]:
    """A second moto server that enforces IAM once its unauthenticated budget is used up."""
    log = tmp_path_factory.mktemp("moto-auth") / "moto.log"
    server = _start_moto(log, {"INITIAL_NO_AUTH_ACTION_COUNT": NO_AUTH_YET})
    yield server
    _stop_moto(server)


@pytest.fixture
def admin_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """Dummy admin credentials in the environment (moto accepts any key until enforcement starts)."""
    for var in _CREDENTIAL_VARS:
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", ADMIN_KEY_ID)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", ADMIN_SECRET)
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")


@pytest.fixture
def moto_endpoint(moto_server: MotoServer, admin_env: None) -> str:
    """The plain server's endpoint, emptied for this test."""
    moto_server.reset()
    return moto_server.endpoint


@pytest.fixture
def auth_server(moto_auth_server: MotoServer, admin_env: None) -> Iterator[MotoServer]:
    """The enforcing server, emptied and not yet enforcing; enforcement is switched off again after."""
    moto_auth_server.set_unauthenticated_budget(NO_AUTH_YET)
    moto_auth_server.reset()
    yield moto_auth_server
    moto_auth_server.set_unauthenticated_budget(NO_AUTH_YET)


@pytest.fixture
def conn(moto_endpoint: str) -> S3Connection:
    """A connection to the plain server."""
    return S3Connection(endpoint_url=moto_endpoint)


@pytest.fixture
def s3(conn: S3Connection) -> S3Client:
    """An admin S3 client on the plain server."""
    return s3_client(conn)


@pytest.fixture
def plain_http_object_io() -> Callable[[S3Client, str], contextlib.AbstractContextManager[None]]:
    """Lift a bucket's TLS-only policy for object reads/writes against moto, then put it back.

    Moto evaluates bucket policies on object requests but does not implement the ``Bool`` condition
    operator, so the ``aws:SecureTransport = false`` deny applies to every object request. (Over this
    plain-HTTP endpoint a real store would deny them too, which is the point of the policy.)
    """

    @contextlib.contextmanager
    def lifted(client: S3Client, bucket: str) -> Iterator[None]:
        policy = client.get_bucket_policy(Bucket=bucket)["Policy"]
        client.delete_bucket_policy(Bucket=bucket)
        try:
            yield
        finally:
            client.put_bucket_policy(Bucket=bucket, Policy=policy)

    return lifted
