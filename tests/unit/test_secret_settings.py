"""Every documented ``govcloud:`` stack setting validates: the secret ones (storageKeys, the platform's store keys)
are accepted when Pulumi encrypted them and refused, at their line, when written in plain text."""

from __future__ import annotations

from pathlib import Path

import pytest

from govcloud.contract.problems import ContractError
from govcloud.contract.site import SECRET_SETTINGS
from govcloud.contract.stack import load_site_config

REPO_ROOT = Path(__file__).resolve().parents[2]
DEV = (REPO_ROOT / "stacks" / "Pulumi.dev.yaml").read_text("utf-8")

ENCRYPTED = """  govcloud:s3AccessKeyId:
    secure: v1:AAAAbbbbCCCC
  govcloud:s3SecretAccessKey:
    secure: v1:DDDDeeeeFFFF
  govcloud:storageKeys:
    govcloud-national-dev-nso:
      accessKeyId:
        secure: v1:GGGG
      secretAccessKey:
        secure: v1:HHHH
"""


def _stack(tmp_path: Path, extra: str) -> Path:
    path = tmp_path / "Pulumi.dev.yaml"
    path.write_text(DEV.rstrip("\n") + "\n" + extra, "utf-8")
    return path


def test_the_secret_settings_are_the_documented_ones() -> None:
    storage_doc = (REPO_ROOT / "docs" / "storage.md").read_text("utf-8")
    for setting in SECRET_SETTINGS:
        assert f"govcloud:{setting}" in storage_doc, setting


def test_encrypted_secret_settings_are_accepted(tmp_path: Path) -> None:
    site = load_site_config(_stack(tmp_path, ENCRYPTED))
    assert site.environment == "dev"


@pytest.mark.parametrize(
    ("extra", "field", "line_text"),
    [
        ("  govcloud:s3SecretAccessKey: wJalrXUtnFEMI\n", "govcloud:s3SecretAccessKey", "s3SecretAccessKey"),
        (
            "  govcloud:storageKeys:\n    govcloud-national-dev-nso:\n      accessKeyId: AKIA1234\n",
            "govcloud:storageKeys.govcloud-national-dev-nso.accessKeyId",
            "accessKeyId",
        ),
    ],
)
def test_a_secret_setting_in_plain_text_is_refused_at_its_line(
    tmp_path: Path, extra: str, field: str, line_text: str
) -> None:
    path = _stack(tmp_path, extra)
    with pytest.raises(ContractError) as raised:
        load_site_config(path)
    (problem,) = raised.value.problems
    assert problem.field == field
    assert "plain text" in problem.message
    assert line_text in path.read_text("utf-8").splitlines()[problem.line - 1]
