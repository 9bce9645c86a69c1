"""govcloud's own image definitions (images/): what can be checked without building them.

The images are built by the site's image pipeline, not on development machines (no registry access). Here:
every file a Dockerfile copies exists, every base image and package is pinned to a version that parses,
the user is numeric (so the kubelet can verify runAsNonRoot), and the tags and paths the program uses match.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.version import Version

from govcloud.manifests.analytics import SUPERSET_IMAGE_TAG, SUPERSET_UID
from govcloud.manifests.opendata import CKAN_GID, CKAN_IMAGE_TAG, CKAN_UID, CONFIG_PATH
from tests.conftest import REPO_ROOT
from tests.upstream_facts import CKAN_BASE_USER, CKAN_BASE_VERSION, SUPERSET_IMAGE_USER

IMAGES = REPO_ROOT / "images"
NAMES = ("ckan", "superset")


def _instructions(name: str) -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) of a Dockerfile, continuation lines joined, comments dropped."""
    text = (IMAGES / name / "Dockerfile").read_text()
    text = re.sub(r"\\\n", " ", text)
    out = []
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            keyword, _, rest = line.partition(" ")
            out.append((keyword.upper(), rest.strip()))
    return out


def _args(name: str) -> dict[str, str]:
    return dict(rest.split("=", 1) for keyword, rest in _instructions(name) if keyword == "ARG" and "=" in rest)


def _base(name: str) -> tuple[str, Version]:
    (base,) = [rest for keyword, rest in _instructions(name) if keyword == "FROM"]
    image = _args(name)[base.strip("${}")] if base.startswith("${") else base
    repository, _, tag = image.rpartition(":")
    return repository, Version(tag)


@pytest.mark.parametrize("name", NAMES)
def test_every_file_a_dockerfile_copies_exists(name: str) -> None:
    copies = [rest for keyword, rest in _instructions(name) if keyword in ("COPY", "ADD")]
    assert copies
    for rest in copies:
        sources = [part for part in rest.split() if not part.startswith("--")][:-1]
        for source in sources:
            assert (IMAGES / name / source).is_file(), f"images/{name}/{source}"


@pytest.mark.parametrize("name", NAMES)
def test_bases_and_packages_are_pinned(name: str) -> None:
    repository, version = _base(name)
    assert repository in ("ckan/ckan-base", "apache/superset")
    assert version.release, "a version, never a rolling tag"
    lines = [line.strip() for line in (IMAGES / name / "requirements.txt").read_text().splitlines()]
    requirements = [Requirement(line) for line in lines if line and not line.startswith("#")]
    assert requirements
    for requirement in requirements:
        (spec,) = requirement.specifier
        assert spec.operator == "==" and Version(spec.version), str(requirement)


@pytest.mark.parametrize(("name", "uid"), [("ckan", (CKAN_UID, CKAN_GID)), ("superset", (SUPERSET_UID, SUPERSET_UID))])
def test_the_image_user_is_numeric_and_is_the_pods(name: str, uid: tuple[int, int]) -> None:
    (user,) = [rest for keyword, rest in _instructions(name) if keyword == "USER"][-1:]
    assert user == f"{uid[0]}:{uid[1]}"


def test_the_program_names_the_tags_of_these_definitions() -> None:
    _, ckan_version = _base("ckan")
    assert str(ckan_version) == CKAN_BASE_VERSION.value
    assert CKAN_IMAGE_TAG.startswith(f"{ckan_version}-govcloud.")
    assert (CKAN_BASE_USER.value["ckan"], CKAN_BASE_USER.value["ckan-sys"]) == (CKAN_UID, CKAN_GID)
    _, superset_version = _base("superset")
    assert SUPERSET_IMAGE_TAG.startswith(f"{superset_version}-govcloud.")
    assert SUPERSET_IMAGE_USER.value[1] == SUPERSET_UID
    requirements = (IMAGES / "ckan/requirements.txt").read_text()
    assert "ckanext-scheming==" in requirements, "the GD Catalog dataset schema needs ckanext-scheming"


def test_ckan_config_lives_where_the_deployment_mounts_a_writable_volume() -> None:
    env = dict(rest.split("=", 1) for keyword, rest in _instructions("ckan") if keyword == "ENV")
    assert env["CKAN_INI"] == f"{CONFIG_PATH}/ckan.ini"


def test_the_start_script_is_executable_bash() -> None:
    script = IMAGES / "ckan/govcloud-start.sh"
    assert os.access(script, os.X_OK)
    bash = shutil.which("bash")
    assert bash is not None
    subprocess.run([bash, "-n", str(script)], check=True)


def test_the_readme_lists_every_image() -> None:
    readme = (IMAGES / "README.md").read_text()
    assert all(f"`{name}`" in readme for name in NAMES)
    assert {p.name for p in IMAGES.iterdir() if p.is_dir()} == set(NAMES)


def test_images_are_outside_the_python_package() -> None:
    assert not (REPO_ROOT / "govcloud" / "images").exists()
    assert Path(IMAGES).is_dir()
