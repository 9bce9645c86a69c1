"""`govcloud state bootstrap` end to end, against the S3 API of a local moto server."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from govcloud.cli import app
from govcloud.storage.buckets import S3Connection, read_bucket, s3_client

REPO = Path(__file__).resolve().parents[2]


def _project(tmp_path: Path, endpoint: str) -> Path:
    project = tmp_path / "project"
    shutil.copytree(REPO / "stacks", project / "stacks")
    config = project / "stacks" / "Pulumi.dev.yaml"
    text = config.read_text("utf-8").replace("http://rook-ceph-rgw-dev.rook-ceph.svc.cluster.local:80", endpoint)
    config.write_text(text, "utf-8")
    return project


def test_bootstrap_creates_the_state_bucket_and_prints_the_login_line(tmp_path: Path, moto_endpoint: str) -> None:
    project = _project(tmp_path, moto_endpoint)
    arguments = ["state", "bootstrap", "--stack", "dev", "--project", str(project), "--allow-plain-http"]
    result = CliRunner().invoke(app, arguments)
    assert result.exit_code == 0, result.output
    port = moto_endpoint.rsplit(":", 1)[1]
    assert (
        f"pulumi login 's3://govcloud-state-national-dev?endpoint=127.0.0.1:{port}&disableSSL=true"
        "&s3ForcePathStyle=true&region=us-east-1'" in result.output
    )
    state = read_bucket(s3_client(S3Connection(endpoint_url=moto_endpoint)), "govcloud-state-national-dev")
    assert state is not None and state.versioning == "Enabled" and state.encryption == "AES256"
    again = CliRunner().invoke(app, arguments)
    assert again.exit_code == 0, "idempotent"


def test_bootstrap_refuses_a_weaker_existing_bucket(tmp_path: Path, moto_endpoint: str) -> None:
    project = _project(tmp_path, moto_endpoint)
    s3_client(S3Connection(endpoint_url=moto_endpoint)).create_bucket(Bucket="govcloud-state-national-dev")
    result = CliRunner().invoke(
        app, ["state", "bootstrap", "--stack", "dev", "--project", str(project), "--allow-plain-http"]
    )
    assert result.exit_code == 1
    assert "versioning" in result.output
    state = read_bucket(s3_client(S3Connection(endpoint_url=moto_endpoint)), "govcloud-state-national-dev")
    assert state is not None and state.versioning is None, "left unmodified"


@pytest.mark.parametrize("flag", [[], ["--bucket", "Not_A_Bucket"]])
def test_plain_http_or_a_bad_name_is_refused(tmp_path: Path, moto_endpoint: str, flag: list[str]) -> None:
    project = _project(tmp_path, moto_endpoint)
    extra = flag or []
    arguments = ["state", "bootstrap", "--stack", "dev", "--project", str(project), *extra]
    if flag:
        arguments.append("--allow-plain-http")
    result = CliRunner().invoke(app, arguments)
    assert result.exit_code in (1, 2)
    assert "Traceback" not in result.output
