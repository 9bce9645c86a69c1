"""Issue 17: clauses the contract target's mutants found untested: a secret setting written as a list, the
exact problem a plain secret gives, gateway addresses no client can reach, and ``@every`` durations.

Expectations are literal. The durations follow robfig/cron's ``@every <duration>`` form, as ``contract.cron``
reads it (robfig/cron ``doc.go``, e.g. as vendored in kubernetes/kubernetes ``vendor/github.com/robfig/cron/doc.go``:
``c.AddFunc("@every 1h30m", ...)``).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from govcloud.contract.cron import CronError, schedule_period
from govcloud.contract.loader import SourceDocument
from govcloud.contract.problems import ContractError, Problem
from govcloud.contract.site import SiteConfig
from govcloud.contract.stack import display_name, load_site_config, secret_setting_problems
from tests.unit.contract_helpers import SITE

STACKS = Path(__file__).resolve().parents[2] / "stacks"
PLAIN = "a secret in plain text; set it with `pulumi config set --secret` (docs/storage.md)"


def _stack(tmp_path: Path, extra: str) -> Path:
    path = tmp_path / "Pulumi.dev.yaml"
    path.write_text((STACKS / "Pulumi.dev.yaml").read_text("utf-8").rstrip("\n") + "\n" + extra, "utf-8")
    return path


def _line(path: Path, text: str) -> int:
    return next(n for n, row in enumerate(path.read_text("utf-8").splitlines(), 1) if text in row)


def test_a_secret_setting_written_as_a_list_names_each_plain_item(tmp_path: Path) -> None:
    path = _stack(tmp_path, "  govcloud:s3AccessKeyId:\n    - secure: v1:AAAA\n    - AKIA1234\n")
    with pytest.raises(ContractError) as raised:
        load_site_config(path)
    assert list(raised.value.problems) == [
        Problem(display_name(path), _line(path, "- AKIA1234"), "govcloud:s3AccessKeyId[1]", PLAIN)
    ]


def test_a_plain_secret_is_one_exact_problem(tmp_path: Path) -> None:
    path = _stack(tmp_path, "  govcloud:s3SecretAccessKey: wJalrXUtnFEMI\n")
    with pytest.raises(ContractError) as raised:
        load_site_config(path)
    assert list(raised.value.problems) == [
        Problem(display_name(path), _line(path, "s3SecretAccessKey"), "govcloud:s3SecretAccessKey", PLAIN)
    ]


@pytest.mark.parametrize("data", [["config"], "config", None])
def test_secret_settings_of_a_document_that_is_not_a_mapping(data: Any) -> None:
    """Nothing to check (the stack loader refuses such a file with its own problem first)."""
    assert secret_setting_problems(SourceDocument(Path("Pulumi.x.yaml"), "Pulumi.x.yaml", data, {})) == []


@pytest.mark.parametrize("address", ["127.0.0.1", "0.0.0.0", "224.0.0.1", "169.254.10.1", "::1", "fe80::1"])
def test_a_gateway_address_no_client_can_reach(address: str) -> None:
    document = SITE.model_dump(mode="json", by_alias=True, exclude_unset=True)
    with pytest.raises(ValidationError) as raised:
        SiteConfig.model_validate({**document, "gateways": {"public": {"addresses": [address]}}})
    (error,) = raised.value.errors()
    assert error["loc"] == ("gateways", "public", "addresses", 0)
    assert str(error["msg"]).removeprefix("Value error, ") == (
        f"'{address}' is not a unicast address clients can reach (loopback, multicast, link-local...)"
    )


@pytest.mark.parametrize(
    ("schedule", "period"),
    [
        ("@every 1s", dt.timedelta(seconds=1)),
        ("@every 500ms", dt.timedelta(milliseconds=500)),
        ("@every 1h30m", dt.timedelta(minutes=90)),
        ("@every 1.5h", dt.timedelta(minutes=90)),
    ],
)
def test_every_takes_a_go_duration(schedule: str, period: dt.timedelta) -> None:
    assert schedule_period(schedule) == period


@pytest.mark.parametrize(
    ("schedule", "message"),
    [
        ("@every 1h30x", "'1h30x' is not a duration such as 1h30m"),
        ("@every x", "'x' is not a duration such as 1h30m"),
        ("@every 0s", "'0s' is not a positive duration"),
        ("@every 0h0m", "'0h0m' is not a positive duration"),
    ],
)
def test_every_refuses_what_is_no_positive_duration(schedule: str, message: str) -> None:
    with pytest.raises(CronError) as raised:
        schedule_period(schedule)
    assert str(raised.value) == message
