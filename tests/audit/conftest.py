"""Fixtures of the audit tests: a recorded Kubernetes API over HTTP, and the moto S3/IAM server.

The recorded API is a real HTTP server on 127.0.0.1 (a free port, one per test) that answers each GET
with the JSON file named by its path under ``recorded/<scenario>/`` (see ``record.py``), and anything
else with a 404 ``Status`` like an API server's. It notes every request, and separately every request it
had no recording for, so a test can assert that the audit asked for nothing unexpected. The official
``kubernetes`` client talks to it through ``Configuration(host=...)``, exactly as it would to a cluster.

The moto server fixtures are the storage tests' own, imported from ``tests/storage/conftest.py``.
"""

from __future__ import annotations

import datetime as dt
import json
import socket
import threading
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from kubernetes.client import ApiClient, Configuration

from govcloud.audit.expected import ExpectedState, expected_state
from govcloud.storage import S3Connection, ensure_bucket, ensure_storage_identity, iam_client, s3_client
from govcloud.storage.buckets import IamClient, S3Client
from tests.storage.conftest import admin_env, moto_endpoint, moto_server  # noqa: F401 - fixtures, reused

RECORDED = Path(__file__).resolve().parent / "recorded"
RECORDED_PLAN = RECORDED / "plan.json"
AUDIT_NOW = dt.datetime(2026, 11, 25, 12, 0, tzinfo=dt.UTC)
"""The instant the recordings show (``record.RECORDED_AT``); the audits of recordings run "now" there."""
STORE_REGION = "th-bkk-1"
"""The national-prod store's region, so ARNs and partitions are the ones the stack would use."""


def _status(code: int, reason: str, message: str) -> dict[str, Any]:
    return {
        "kind": "Status",
        "apiVersion": "v1",
        "metadata": {},
        "status": "Failure",
        "message": message,
        "reason": reason,
        "details": {},
        "code": code,
    }


class _RecordedHTTPServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, root: Path) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.root = root.resolve()
        self.requests: list[str] = []
        self.unexpected: list[str] = []
        self.lock = threading.Lock()


class _Handler(BaseHTTPRequestHandler):
    server: _RecordedHTTPServer
    protocol_version = "HTTP/1.1"

    def setup(self) -> None:
        super().setup()
        # Headers and body go out in two writes; without this, Nagle's algorithm meets the client's
        # delayed ACK and every response waits 40 ms.
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def _send(self, code: int, body: Mapping[str, Any] | bytes) -> None:
        data = body if isinstance(body, bytes) else json.dumps(body).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Audit-Id", "00000000-0000-4000-8000-000000000000")
        self.end_headers()
        self.wfile.write(data)

    def _recorded(self, target: str) -> Path | None:
        url = urlsplit(target)
        name = url.path.strip("/") + (f"@{url.query}" if url.query else "")
        path = (self.server.root / f"{name}.json").resolve()
        if self.server.root not in path.parents or not path.is_file():
            return None
        return path

    def do_GET(self) -> None:
        with self.server.lock:
            self.server.requests.append(self.path)
        path = self._recorded(self.path)
        if path is None:
            with self.server.lock:
                self.server.unexpected.append(f"GET {self.path}")
            self._send(404, _status(404, "NotFound", "the server could not find the requested resource"))
            return
        self._send(200, path.read_bytes())

    def _refuse(self) -> None:
        with self.server.lock:
            self.server.unexpected.append(f"{self.command} {self.path}")
        self._send(405, _status(405, "MethodNotAllowed", "the recorded API only answers reads"))

    do_POST = do_PUT = do_PATCH = do_DELETE = _refuse

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: pytest shows failures, not every request."""


@dataclass
class RecordedApi:
    """One running recorded API server."""

    scenario: Path
    host: str
    httpd: _RecordedHTTPServer
    thread: threading.Thread
    clients: list[ApiClient] = field(default_factory=list)

    @property
    def requests(self) -> list[str]:
        return list(self.httpd.requests)

    @property
    def unexpected(self) -> list[str]:
        """Requests that had no recording: the audit asked for something it should not need."""
        return list(self.httpd.unexpected)

    def client(self) -> ApiClient:
        """The official client, configured for this server the way a kubeconfig would."""
        configuration = Configuration(host=self.host)
        configuration.api_key = {"authorization": "recorded-token"}
        configuration.api_key_prefix = {"authorization": "Bearer"}
        client = ApiClient(configuration)
        self.clients.append(client)
        return client


@pytest.fixture
def recorded_api() -> Iterator[Callable[[str | Path], RecordedApi]]:
    """Start a recorded API server for a scenario name (under ``recorded/``) or a folder; stopped after."""
    running: list[RecordedApi] = []

    def start(scenario: str | Path) -> RecordedApi:
        root = scenario if isinstance(scenario, Path) else RECORDED / scenario
        assert root.is_dir(), f"no recording at {root}"
        httpd = _RecordedHTTPServer(root)
        thread = threading.Thread(
            target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, name=f"recorded-api-{root.name}", daemon=True
        )
        thread.start()
        host, port = httpd.server_address[:2]
        api = RecordedApi(root, f"http://{host!s}:{port}", httpd, thread)
        running.append(api)
        return api

    yield start
    for api in running:
        for client in api.clients:
            client.close()  # type: ignore[no-untyped-call]
        api.httpd.shutdown()
        api.httpd.server_close()
        api.thread.join(timeout=10)


@pytest.fixture(scope="session")
def recorded_plan() -> dict[str, Any]:
    """The plan the recordings were made from (a real synth of national-prod, see ``record.py``)."""
    plan: dict[str, Any] = json.loads(RECORDED_PLAN.read_text("utf-8"))
    return plan


@pytest.fixture(scope="session")
def recorded_expected(recorded_plan: dict[str, Any]) -> ExpectedState:
    return expected_state(recorded_plan)


@dataclass
class Store:
    """Admin clients on the moto server, in the stack's region."""

    endpoint: str
    s3: S3Client
    iam: IamClient


def provision(expected: ExpectedState, store: Store) -> None:
    """What ``pulumi up`` leaves on the store: every declared bucket and identity, converged.

    Concurrently, as the engine runs providers (boto3 clients are thread-safe), to keep tests quick.
    """
    with ThreadPoolExecutor(max_workers=8) as pool:
        buckets = [pool.submit(ensure_bucket, store.s3, bucket.spec) for bucket in expected.buckets]
        identities = [
            pool.submit(ensure_storage_identity, store.iam, i.user_name, i.bucket_names, i.read_grants)
            for i in expected.identities
        ]
        for bucket_done in buckets:
            bucket_done.result()  # re-raises what a worker raised
        for identity_done in identities:
            identity_done.result()


@pytest.fixture
def store(moto_endpoint: str) -> Store:  # noqa: F811 - the imported fixture, requested by name
    """An emptied moto server with admin credentials in the environment."""
    conn = S3Connection(endpoint_url=moto_endpoint, region=STORE_REGION)
    return Store(moto_endpoint, s3_client(conn), iam_client(conn))


@pytest.fixture
def provisioned(store: Store, recorded_expected: ExpectedState) -> Store:
    """The store as the recorded plan declares it, before anyone touched it out of band."""
    provision(recorded_expected, store)
    return store
