"""Every network of the site config is a network address: ``10.0.0.5/24`` names a host, not a network.

The site's networks end up in every tenant's NetworkPolicies (egress to the API server, the object store, the
identity provider, the nodes) and in the egress rules' overlap checks. A CIDR with host bits set used to pass
the pattern check for ``nodes``, ``kubernetesApi``, ``objectStore`` and ``identityProvider``; now every one
is refused at its line in the stack file, naming the network address to write. Expectations are literal.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from govcloud.contract.problems import ContractError, Problem
from govcloud.contract.site import SiteConfig
from govcloud.contract.stack import display_name, load_site_config

STACKS = Path(__file__).resolve().parents[2] / "stacks"
NATIONAL = (STACKS / "Pulumi.national-prod.yaml").read_text("utf-8")


def _config(tmp_path: Path, old: str, new: str) -> Path:
    """The national-prod stack file with one line changed (``old`` must occur exactly once)."""
    assert NATIONAL.count(old) == 1, old
    path = tmp_path / "Pulumi.t.yaml"
    path.write_text(NATIONAL.replace(old, new), "utf-8")
    return path


def _line(path: Path, text: str) -> int:
    """The 1-based line holding ``text``, found in the file's text (not by the loader under test)."""
    (line,) = [n for n, row in enumerate(path.read_text("utf-8").splitlines(), 1) if text in row]
    return line


def _problems(path: Path) -> list[Problem]:
    with pytest.raises(ContractError) as raised:
        load_site_config(path)
    return list(raised.value.problems)


@pytest.mark.parametrize("stack", sorted(p.name for p in STACKS.glob("Pulumi.*.yaml")))
def test_the_example_stacks_still_validate(stack: str) -> None:
    site = load_site_config(STACKS / stack)
    assert site.nodes.cidr.count("/") == 1


@pytest.mark.parametrize(
    ("old", "written", "field", "network"),
    [
        ("    cidr: 10.20.0.0/24\n", "10.20.0.5/24", "govcloud:objectStore.cidr", "10.20.0.0/24"),
        ("    cidr: 10.20.1.0/24\n", "10.20.1.9/24", "govcloud:identityProvider.cidr", "10.20.1.0/24"),
        ("    cidr: 10.0.0.0/24\n    port: 6443", "10.0.0.1/24", "govcloud:kubernetesApi.cidr", "10.0.0.0/24"),
        ("  govcloud:nodes:\n    cidr: 10.0.0.0/24", "10.0.0.77/24", "govcloud:nodes.cidr", "10.0.0.0/24"),
        ("podCidrs: [10.244.0.0/16]", "10.244.3.0/16", "govcloud:clusterNetworks.podCidrs[0]", "10.244.0.0/16"),
        ("serviceCidrs: [10.96.0.0/12]", "10.100.0.0/12", "govcloud:clusterNetworks.serviceCidrs[0]", "10.96.0.0/12"),
    ],
)
def test_a_site_network_with_host_bits_is_refused_at_its_line(
    tmp_path: Path, old: str, written: str, field: str, network: str
) -> None:
    path = _config(tmp_path, old, old.replace(network, written))
    assert _problems(path) == [
        Problem(
            display_name(path),
            _line(path, written),
            field,
            f"'{written}' has host bits set; write the network address {network}",
        )
    ]


def test_a_platform_network_with_host_bits_names_its_item(tmp_path: Path) -> None:
    path = _config(
        tmp_path,
        "  govcloud:nodes:\n",
        "  govcloud:platformNetworks:\n    - 172.20.0.0/16\n    - 172.21.0.1/16\n  govcloud:nodes:\n",
    )
    assert _problems(path) == [
        Problem(
            display_name(path),
            _line(path, "172.21.0.1/16"),
            "govcloud:platformNetworks[1]",
            "'172.21.0.1/16' has host bits set; write the network address 172.21.0.0/16",
        )
    ]


def test_ipv6_networks(tmp_path: Path) -> None:
    """IPv6 follows the same rule; a network written with its host part zero is accepted as written."""
    accepted = load_site_config(_config(tmp_path, "    cidr: 10.20.0.0/24\n", "    cidr: 2001:db8:20::/48\n"))
    assert accepted.object_store.cidr == "2001:db8:20::/48"
    path = _config(tmp_path, "    cidr: 10.20.0.0/24\n", "    cidr: 2001:db8:20::1/64\n")
    assert [(p.line, p.field, p.message) for p in _problems(path)] == [
        (
            _line(path, "2001:db8:20::1/64"),
            "govcloud:objectStore.cidr",
            "'2001:db8:20::1/64' has host bits set; write the network address 2001:db8:20::/64",
        )
    ]


def test_a_host_route_and_the_defaults_are_networks() -> None:
    """A /32 is a network of one address; the models' defaults are network addresses themselves."""
    site = SiteConfig.model_validate(
        {
            "site": "national",
            "environment": "dev",
            "domain": "data.go.th",
            "internalDomain": "intra.gdcc.go.th",
            "storageClass": "ssd",
            "identityProvider": {"issuerUrl": "https://sso.gdcc.go.th", "clientId": "govcloud"},
            "kubernetesApi": {"cidr": "10.0.0.7/32"},
        }
    )
    assert site.kubernetes_api.cidr == "10.0.0.7/32"
    assert (site.nodes.cidr, site.object_store.cidr, site.identity_provider.cidr) == (
        "10.0.0.0/24",
        "10.96.0.0/16",
        "10.10.0.0/24",
    )


def test_a_text_that_is_no_network(tmp_path: Path) -> None:
    path = _config(tmp_path, "    cidr: 10.20.0.0/24\n", "    cidr: 10.20.0.300/24\n")
    assert [(p.line, p.field, p.message) for p in _problems(path)] == [
        (
            _line(path, "10.20.0.300/24"),
            "govcloud:objectStore.cidr",
            "'10.20.0.300/24' must be a network such as 10.244.0.0/16 (no host bits set)",
        )
    ]


def test_an_unknown_site_setting_under_a_known_one(tmp_path: Path) -> None:
    """The site's own model answers "did you mean" (the stack loader passes it to the message builder)."""
    path = _config(tmp_path, "    cidr: 10.20.0.0/24\n", "    cidr: 10.20.0.0/24\n    cidrr: 10.20.0.0/24\n")
    assert [(p.line, p.field, p.message) for p in _problems(path)] == [
        (_line(path, "cidrr:"), "govcloud:objectStore.cidrr", "unknown field `cidrr`; did you mean `cidr`?")
    ]
