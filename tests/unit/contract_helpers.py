"""Build request files in a temp folder and validate them the way the CLI does."""

from __future__ import annotations

import copy
import datetime as dt
from pathlib import Path
from typing import Any

import yaml

from govcloud.contract.problems import Problem
from govcloud.contract.site import SiteConfig
from govcloud.contract.stack import validate_documents

TODAY = dt.date(2026, 11, 25)

SITE = SiteConfig.model_validate(
    {
        "site": "national",
        "environment": "prod",
        "kubernetesVersion": "1.31",
        "domain": "data.go.th",
        "internalDomain": "intra.gdcc.go.th",
        "storageClass": "gdcc-encrypted-ssd",
        "identityProvider": {
            "issuerUrl": "https://sso.gdcc.go.th/realms/govcloud",
            "clientId": "govcloud",
            "cidr": "10.10.0.0/24",
        },
        # A production site states its networks (docs/site-guide.md); these are the models' example values.
        "objectStore": {"cidr": "10.96.0.0/16"},
        "kubernetesApi": {"cidr": "10.0.0.0/24", "port": 6443},
        "clusterDns": {"namespace": "kube-system", "podLabels": {"k8s-app": "kube-dns"}},
        "nodes": {"cidr": "10.0.0.0/24"},
        "clusterNetworks": {"podCidrs": ["10.244.0.0/16"], "serviceCidrs": ["10.96.0.0/12"]},
    }
)


def tenant(name: str = "nso", code: str = "NSO", **spec: Any) -> dict[str, Any]:
    """A valid confidential tenant; keyword arguments replace top-level spec fields (None deletes)."""
    document: dict[str, Any] = {
        "apiVersion": "govcloud/v1",
        "kind": "TenantRequest",
        "metadata": {"name": name},
        "spec": {
            "agency": {
                "code": code,
                "nameTh": "สำนักงานสถิติแห่งชาติ",
                "nameEn": "National Statistical Office",
                "ministry": "MDES",
            },
            "contacts": {
                "owner": {"name": "Somchai Jaidee", "email": f"somchai.j@{name}.go.th"},
                "security": {"name": "Suda Rakdee", "email": f"security@{name}.go.th"},
                "dpo": {"name": "Anan Srisuk", "email": f"dpo@{name}.go.th"},
            },
            "site": "national",
            "tier": "medium",
            "classification": "confidential",
            "personalData": "personal",
            "costCenter": "MDES-NSO-2569-001",
            "access": {"admins": [f"{name}-admins"], "analysts": [f"{name}-analysts"]},
            "database": {"version": 16, "instances": 2, "storage": "200Gi"},
            "storage": {"zones": ["raw", "curated"], "quota": "1Ti"},
            "network": {"ingress": {"hostnames": [f"{name}.data.go.th"]}},
        },
    }
    for key, value in spec.items():
        if value is None:
            document["spec"].pop(key, None)
        else:
            document["spec"][key] = value
    return document


def agreement(name: str = "moph-to-nso", **spec: Any) -> dict[str, Any]:
    document: dict[str, Any] = {
        "apiVersion": "govcloud/v1",
        "kind": "DataSharingAgreement",
        "metadata": {"name": name},
        "spec": {
            "provider": {"tenant": "moph", "zone": "curated", "prefix": "health/"},
            "consumer": {"tenant": "nso"},
            "access": "read",
            "purpose": "National health statistics compilation",
            "legalBasis": "PDPA section 24(4)",
            "validFrom": dt.date(2026, 1, 1),
            "validUntil": dt.date(2027, 12, 31),
            "approvedBy": {"name": "Anan Srisuk", "email": "dpo@moph.go.th", "reference": "สธ 0201/1234"},
        },
    }
    for key, value in spec.items():
        if value is None:
            document["spec"].pop(key, None)
        else:
            document["spec"][key] = value
    return document


def with_path(document: dict[str, Any], path: str, value: Any) -> dict[str, Any]:
    """A copy with ``a.b.c`` set (or deleted when value is ...)."""
    result = copy.deepcopy(document)
    *parents, last = path.split(".")
    node = result
    for part in parents:
        node = node.setdefault(part, {})
    if value is ...:
        node.pop(last, None)
    else:
        node[last] = value
    return result


def write(folder: Path, *documents: dict[str, Any]) -> list[Path]:
    paths = []
    for document in documents:
        sub = "tenants" if document["kind"] == "TenantRequest" else "sharing"
        path = folder / sub / f"{document['metadata']['name']}.yaml"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(yaml.safe_dump(document, allow_unicode=True, sort_keys=False), "utf-8")
        paths.append(path)
    return paths


def problems(folder: Path, *documents: dict[str, Any], site: SiteConfig | None = SITE) -> list[Problem]:
    return validate_documents(write(folder, *documents), site, TODAY)[2]


def messages(folder: Path, *documents: dict[str, Any], site: SiteConfig | None = SITE) -> list[str]:
    """``field: message`` of every problem (file and line are checked in their own tests)."""
    return [f"{p.field}: {p.message}" for p in problems(folder, *documents, site=site)]
