"""RandomSecret: generated once by the provider, a secret output only, reusable for any generated value."""

from __future__ import annotations

import pickle
import string

import dill
import pytest

from govcloud.components.random_secret import (
    ALPHABETS,
    BASIC_AUTH,
    MIN_LENGTH,
    RandomSecretProvider,
    basic_auth_secret,
    generate,
)
from tests.upstream_facts import CNPG_RELOAD_LABEL, CNPG_ROLE_SECRET_KEYS, CNPG_ROLE_SECRET_TYPE


def test_generate_draws_the_requested_length_from_the_alphabet() -> None:
    values = {generate(32, "alphanumeric") for _ in range(50)}
    assert len(values) == 50, "no repeats in 50 draws of 190 bits"
    assert all(len(v) == 32 and set(v) <= set(string.ascii_letters + string.digits) for v in values)
    assert set(generate(64, "hex")) <= set(ALPHABETS["hex"])


@pytest.mark.parametrize(("length", "alphabet"), [(MIN_LENGTH - 1, "alphanumeric"), (32, "emoji")])
def test_generate_refuses_weak_or_unknown_requests(length: int, alphabet: str) -> None:
    with pytest.raises(ValueError):
        generate(length, alphabet)


def test_create_returns_the_value_as_an_output_only() -> None:
    provider = RandomSecretProvider()
    result = provider.create({"length": 24.0, "alphabet": "alphanumeric", "value": None})
    assert len(result.outs["value"]) == 24
    assert result.outs["length"] == 24 and result.id


def test_the_value_is_never_rotated_by_diff_or_read() -> None:
    provider = RandomSecretProvider()
    olds = provider.create({"length": 32, "alphabet": "alphanumeric"}).outs
    same = provider.diff("id", olds, {"length": 32.0, "alphabet": "alphanumeric", "value": None})
    assert same.changes is False and not same.replaces
    assert provider.read("id", dict(olds)).outs["value"] == olds["value"]
    longer = provider.diff("id", olds, {"length": 48, "alphabet": "alphanumeric"})
    assert longer.changes is True and longer.replaces == ["length"]


def test_the_pickled_provider_carries_nothing() -> None:
    # The SDK pickles the provider into state with dill: by reference, and without attributes.
    pickled = dill.dumps(RandomSecretProvider(), protocol=pickle.DEFAULT_PROTOCOL, recurse=True)
    assert len(pickled) < 200 and b"govcloud.components.random_secret" in pickled
    assert vars(RandomSecretProvider()) == {}


def test_basic_auth_secret_has_the_shape_cloudnative_pg_reads() -> None:
    secret = basic_auth_secret({"name": "nso-superset-db", "namespace": "nso", "labels": {"a": "b"}}, "superset", "x")
    assert secret["type"] == BASIC_AUTH == CNPG_ROLE_SECRET_TYPE.value
    assert set(CNPG_ROLE_SECRET_KEYS.value) <= set(secret["stringData"])
    assert secret["stringData"]["username"] == "superset"
    key, value = CNPG_RELOAD_LABEL.value
    assert secret["metadata"]["labels"] == {"a": "b", key: value}
