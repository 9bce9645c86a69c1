"""Manifests are written as people write them: apiVersion, kind, metadata (name, namespace first), then the rest."""

from __future__ import annotations

from pathlib import Path

import yaml

from govcloud.synth.plan import conventional_order, write_plan


def test_conventional_order_moves_keys_and_keeps_values() -> None:
    built = {
        "metadata": {"labels": {"a": "b"}, "namespace": "nso", "name": "x"},
        "kind": "ConfigMap",
        "data": {"k": "v"},
        "apiVersion": "v1",
    }
    ordered = conventional_order(built)
    assert list(ordered) == ["apiVersion", "kind", "metadata", "data"]
    assert list(ordered["metadata"]) == ["name", "namespace", "labels"]
    assert ordered == built


def test_written_manifests_start_with_api_version_kind_and_name(tmp_path: Path) -> None:
    inputs = {"spec": {"podSelector": {}}, "metadata": {"namespace": "nso", "name": "deny"}, "kind": "NetworkPolicy"}
    inputs["apiVersion"] = "networking.k8s.io/v1"
    document = {
        "stack": "dev",
        "tenants": ["nso"],
        "resources": [
            {
                "urn": "urn:pulumi:dev::govcloud::kubernetes:networking.k8s.io/v1:NetworkPolicy::deny",
                "type": "kubernetes:networking.k8s.io/v1:NetworkPolicy",
                "name": "deny",
                "parent": None,
                "inputs": inputs,
            },
        ],
    }
    written = [p for p in write_plan(document, tmp_path) if p.suffix == ".yaml"]
    assert len(written) == 1
    lines = written[0].read_text("utf-8").splitlines()
    assert lines[:5] == [
        "apiVersion: networking.k8s.io/v1",
        "kind: NetworkPolicy",
        "metadata:",
        "  name: deny",
        "  namespace: nso",
    ]
    assert yaml.safe_load(written[0].read_text("utf-8")) == inputs
