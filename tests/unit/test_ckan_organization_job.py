"""Issue 10, class 6: the CKAN organization Job looks organizations up by name and never takes another's.

The Job's script runs here for real, against a stand-in for CKAN's Action API on 127.0.0.1 and a
stand-in ``ckan`` command that mints the token. CKAN facts relied on: ``organization_show``'s ``id``
resolves an id before a name (ckan/ckan ckan/model/group.py ``Group.get``), and ``organization_list``
filters by names given in ``organizations`` (ckan/ckan ckan/logic/action/get.py).
"""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from govcloud.contract.stack import load_site_config
from govcloud.contract.tenant import TenantRequest
from govcloud.manifests.opendata import ORGANIZATION_SCRIPT, organization_job
from tests.unit.contract_helpers import tenant

REPO_ROOT = Path(__file__).resolve().parents[2]


class FakeCkan:
    """The Action API calls the script makes, and the organizations the site already has."""

    def __init__(self, organizations: list[dict[str, Any]]) -> None:
        self.organizations = organizations
        self.calls: list[tuple[str, dict[str, Any]]] = []

    def answer(self, action: str, payload: dict[str, Any]) -> tuple[int, Any]:
        self.calls.append((action, payload))
        if action == "organization_list":
            names = payload.get("organizations") or []
            return 200, [o for o in self.organizations if o["name"] in names]
        if action == "organization_show":  # resolves ids first: the script must never call it
            return 200, next(o for o in self.organizations if payload["id"] in (o["id"], o["name"]))
        return 200, {"ok": True}


@pytest.fixture
def ckan(tmp_path: Path) -> Iterator[tuple[FakeCkan, str, Path]]:
    fake = FakeCkan([])

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", "0"))
            status, result = fake.answer(self.path.rsplit("/", 1)[-1], json.loads(self.rfile.read(length)))
            body = json.dumps({"success": True, "result": result}).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            """Quiet."""

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    cli = bin_dir / "ckan"
    cli.write_text("#!/bin/sh\necho 'API token created:'\necho tok-123\n", "utf-8")
    cli.chmod(cli.stat().st_mode | stat.S_IXUSR)
    try:
        yield fake, f"http://127.0.0.1:{server.server_address[1]}", bin_dir
    finally:
        server.shutdown()
        server.server_close()


def _run(ckan: tuple[FakeCkan, str, Path], request: TenantRequest) -> subprocess.CompletedProcess[str]:
    _, url, bin_dir = ckan
    site = load_site_config(REPO_ROOT / "stacks" / "Pulumi.national-prod.yaml")
    container = organization_job(request, site)["spec"]["template"]["spec"]["containers"][0]
    fields = next(e["value"] for e in container["env"] if e["name"] == "FIELDS")
    env = {
        "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}",
        "CKAN_URL": url,
        "CKAN_INI": "/dev/null",
        "CKAN_SYSADMIN_NAME": "govcloud-admin",
        "FIELDS": fields,
    }
    return subprocess.run(
        [sys.executable, "-c", ORGANIZATION_SCRIPT], env=env, capture_output=True, text=True, check=False, timeout=60
    )


NSO = TenantRequest.model_validate(
    tenant(
        "nso",
        classification="internal",
        personalData="none",
        storage={"zones": ["raw", "published"], "quota": "1Ti"},
        openData={"enabled": True, "ckanOrganization": "nso"},
    )
)


def _org(name: str, **extras: str) -> dict[str, Any]:
    return {"id": f"id-of-{name}", "name": name, "extras": [{"key": k, "value": v} for k, v in extras.items()]}


def _actions(fake: FakeCkan) -> list[str]:
    return [action for action, _ in fake.calls]


def test_a_new_organization_is_created_with_its_owner_recorded(ckan: tuple[FakeCkan, str, Path]) -> None:
    result = _run(ckan, NSO)
    fake = ckan[0]
    assert result.returncode == 0, result.stderr
    assert _actions(fake) == ["organization_list", "organization_create", "api_token_revoke"]
    created = fake.calls[1][1]
    assert {"key": "govcloud_tenant", "value": "nso"} in created["extras"]
    assert fake.calls[0][1]["organizations"] == ["nso"], "looked up by name only"


def test_its_own_organization_is_patched_by_the_id_the_name_lookup_returned(ckan: tuple[FakeCkan, str, Path]) -> None:
    fake = ckan[0]
    fake.organizations.append(_org("nso", govcloud_tenant="nso", agency_code="NSO"))
    result = _run(ckan, NSO)
    assert result.returncode == 0, result.stderr
    assert _actions(fake) == ["organization_list", "organization_patch", "api_token_revoke"]
    assert fake.calls[1][1]["id"] == "id-of-nso"


@pytest.mark.parametrize(
    "existing",
    [_org("nso", govcloud_tenant="revenue", agency_code="NSO"), _org("nso", agency_code="RD")],
    ids=["owned-by-another-tenant", "legacy-of-another-agency"],
)
def test_an_organization_another_tenant_owns_is_refused(
    ckan: tuple[FakeCkan, str, Path], existing: dict[str, Any]
) -> None:
    fake = ckan[0]
    fake.organizations.append(existing)
    result = _run(ckan, NSO)
    assert result.returncode != 0 and "refusing to change it" in result.stderr
    assert _actions(fake) == ["organization_list", "api_token_revoke"], "nothing changed, the token revoked"


def test_a_legacy_organization_of_the_same_agency_is_taken_over_by_its_tenant(
    ckan: tuple[FakeCkan, str, Path],
) -> None:
    fake = ckan[0]
    fake.organizations.append(_org("nso", agency_code="NSO"))
    assert _run(ckan, NSO).returncode == 0
    assert _actions(fake) == ["organization_list", "organization_patch", "api_token_revoke"]
