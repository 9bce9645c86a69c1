"""The benchmark generator writes a valid site (no timing here: that is benchmarks/run.py's job)."""

from __future__ import annotations

from pathlib import Path

from benchmarks.generate import STACK, TODAY, make_site
from govcloud.contract.stack import load_stack


def test_make_site_writes_a_valid_stack(tmp_path: Path) -> None:
    project = make_site(tmp_path, 10, "single")
    definition = load_stack(project / "stacks", STACK, TODAY)
    assert [t.name for t in definition.tenants] == [f"agency-{i:04d}" for i in range(1, 11)]
    assert len({t.spec.agency.code for t in definition.tenants}) == 10
    assert definition.agreements, "a site of 10 tenants has at least one sharing agreement"
    assert definition.site.layout == "single"
    assert (project / "Pulumi.yaml").is_file()


def test_make_site_can_write_a_sharded_site(tmp_path: Path) -> None:
    project = make_site(tmp_path, 7, "sharded")
    assert load_stack(project / "stacks", STACK, TODAY).site.layout == "sharded"
