"""Reusable field types of the contract; each refuses bad values with a sentence an agency understands."""

from __future__ import annotations

import ipaddress
import re
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, PlainValidator, StrictInt, WithJsonSchema
from pydantic.alias_generators import to_camel

from govcloud.contract.cron import validate_backup_schedule
from govcloud.contract.quantity import parse_quantity
from govcloud.contract.vocabulary import EMAIL_DOMAINS

# Every identifier is checked with ``fullmatch``: Python's ``$`` also matches before a final newline, so
# ``match`` with ``^...$`` would accept "nso\n".
DNS_LABEL = re.compile(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?")
_EMAIL = re.compile(
    r"[A-Za-z0-9._%+-]+@(?P<domain>[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)+)"
)
_GROUP = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:@/=+-]*")
_LABEL_VALUE = re.compile(r"([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)?")
SYSTEM_GROUP_PREFIX = "system:"
"""Kubernetes' own groups (``system:masters``, ``system:authenticated``...): never a tenant's access group."""


_TITLE_WORDS = {
    "ckan": "CKAN",
    "dpo": "DPO",
    "th": "(Thai)",
    "en": "(English)",
    "api": "API",
    "dns": "DNS",
    "cidr": "CIDR",
    "cidrs": "CIDRs",
    "ca": "CA",
    "acme": "ACME",
    "url": "URL",
    "id": "ID",
}


def title_of(name: str) -> str:
    """A schema title editors show: ``ckan_organization`` or ``OpenData`` -> "CKAN organization", "Open data"."""
    words = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name).lower().split("_")
    text = " ".join(_TITLE_WORDS.get(word, word) for word in words if word)
    return text[:1].upper() + text[1:]


class ContractModel(BaseModel):
    """Base of every contract model: camelCase keys as written in YAML, nothing unknown, immutable.

    Every field carries a ``description`` (what the agency gets, the rule, the unit): the published JSON Schemas
    and docs/tenant-contract.md are generated from it, and a test refuses a field without one."""

    model_config = ConfigDict(
        extra="forbid",
        alias_generator=to_camel,
        populate_by_name=True,
        frozen=True,
        str_strip_whitespace=False,
        use_attribute_docstrings=True,
        field_title_generator=lambda name, _info: title_of(name),
        model_title_generator=lambda model: title_of(model.__name__),
    )


def _email(value: str) -> str:
    match = _EMAIL.fullmatch(value)
    if match is None or ".." in value or value.startswith("."):
        raise ValueError(f"'{value}' is not a valid email address")
    domain = match["domain"].lower()
    if not any(domain == d or domain.endswith("." + d) for d in EMAIL_DOMAINS):
        allowed = ", ".join(EMAIL_DOMAINS)
        raise ValueError(f"'{value}' must be an address under {allowed}")
    return value


def _quantity(value: object) -> str | int:
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise ValueError("must be a Kubernetes quantity such as 200Gi, 2Ti or 48")
    parse_quantity(value)  # refuses NaN, infinities, negatives and absurd magnitudes with a sentence
    return value if not isinstance(value, float) else str(value)


def _backup_cron(value: str) -> str:
    validate_backup_schedule(value)
    return value


def _group(value: str) -> str:
    if not _GROUP.fullmatch(value) or len(value) > 256:
        raise ValueError(
            f"{value!r} is not a valid identity-provider group name "
            "(letters, digits and . _ : @ / = + -, starting with a letter or digit, no spaces)"
        )
    if value.lower().startswith(SYSTEM_GROUP_PREFIX):
        raise ValueError(
            f"'{value}' is a Kubernetes system group (system:...); it would grant the role to the cluster's "
            "own identities or to everyone. Name your agency's identity-provider group"
        )
    return value


def _hostname(value: str) -> str:
    labels = value.split(".")
    valid = all(DNS_LABEL.fullmatch(label) and len(label) <= 63 for label in labels)
    if len(value) > 253 or len(labels) < 2 or not valid:
        raise ValueError(
            f"'{value}' is not a valid hostname (lowercase letters, digits and hyphens, "
            "dot-separated, e.g. nso.data.go.th; no wildcards)"
        )
    return value


_Network = ipaddress.IPv4Network | ipaddress.IPv6Network
FORBIDDEN_EGRESS: tuple[tuple[_Network, str], ...] = tuple(
    (ipaddress.ip_network(cidr), why)
    for cidr, why in (
        ("0.0.0.0/8", "'this network' (RFC 1122)"),
        ("127.0.0.0/8", "loopback"),
        ("169.254.0.0/16", "link-local, including the cloud metadata address 169.254.169.254"),
        ("224.0.0.0/4", "multicast"),
        ("240.0.0.0/4", "reserved, including broadcast"),
        ("::/127", "the unspecified and loopback addresses"),
        ("::ffff:0:0/96", "IPv4-mapped addresses, which reach IPv4 networks around these rules"),
        ("::ffff:0:0:0/96", "IPv4-translated addresses (RFC 2765), which reach IPv4 networks around these rules"),
        ("64:ff9b::/96", "the NAT64 well-known prefix (RFC 6052), which reaches any IPv4 address"),
        ("64:ff9b:1::/48", "the local-use NAT64 prefix (RFC 8215)"),
        ("fe80::/10", "link-local"),
        ("fd00:ec2::254/128", "the IPv6 cloud metadata address"),
        ("ff00::/8", "multicast"),
    )
)
"""Networks no tenant egress may touch, whatever the site; the site's own networks are checked in rules.py."""


def _cidr(value: str) -> str:
    try:
        network = ipaddress.ip_network(value, strict=False)
    except ValueError:
        raise ValueError(f"'{value}' is not a valid IPv4 or IPv6 network such as 203.0.113.0/24") from None
    if "/" not in value:
        raise ValueError(f"'{value}' needs a prefix length, e.g. {value}/32")
    if network.network_address != ipaddress.ip_interface(value).ip:
        raise ValueError(f"'{value}' has host bits set; did you mean {network}?")
    if network.prefixlen == 0:
        raise ValueError(f"'{value}' would allow the whole internet; name the networks the tenant needs")
    broadest = 16 if network.version == 4 else 48
    if network.prefixlen < broadest:
        raise ValueError(f"'{value}' is broader than /{broadest}; egress must name narrow networks")
    for forbidden, why in FORBIDDEN_EGRESS:
        if network.version == forbidden.version and network.overlaps(forbidden):
            raise ValueError(f"'{value}' overlaps {forbidden} ({why}); tenants may not send traffic there")
    return value


def _label_value(value: str) -> str:
    if len(value) > 63 or not _LABEL_VALUE.fullmatch(value) or not value:
        raise ValueError(
            f"'{value}' must be 1-63 characters of letters, digits, '-', '_' or '.', "
            "starting and ending with a letter or digit (it becomes a Kubernetes label)"
        )
    return value


Email = Annotated[str, AfterValidator(_email)]
Quantity = Annotated[
    str | int,
    PlainValidator(_quantity),
    WithJsonSchema({"type": ["string", "integer"], "description": "Kubernetes quantity, e.g. 200Gi, 2Ti, 48"}),
]
BackupCron = Annotated[
    str,
    AfterValidator(_backup_cron),
    WithJsonSchema(
        {
            "type": "string",
            "description": "Standard 5-field cron, at most hourly (one fixed minute), day of week 0-6, "
            'e.g. "0 2 * * *"',
        }
    ),
]
GroupName = Annotated[
    str,
    AfterValidator(_group),
    WithJsonSchema(
        {
            "type": "string",
            "pattern": "^(?![Ss][Yy][Ss][Tt][Ee][Mm]:)[A-Za-z0-9][A-Za-z0-9._:@/=+-]*$",
            "maxLength": 256,
            "description": "An identity-provider group of this tenant only; never a Kubernetes system: group",
        }
    ),
]
Hostname = Annotated[str, AfterValidator(_hostname)]
Cidr = Annotated[
    str,
    AfterValidator(_cidr),
    WithJsonSchema(
        {
            "type": "string",
            "description": "An external network, /16 or narrower (IPv6 /48): never loopback, link-local, multicast, "
            "NAT64, the cluster's pod or service ranges or the site's own networks",
        }
    ),
]
LabelValue = Annotated[str, AfterValidator(_label_value)]
Port = Annotated[StrictInt, Field(ge=1, le=65535)]
