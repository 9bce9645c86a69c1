"""The controlled vocabularies of the contract: ministries, provinces, tiers, zones, reserved names."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import Enum

from govcloud.contract.quantity import parse_quantity


class Ministry(str, Enum):
    """Thai ministries (and IND for independent state agencies)."""

    OPM = "OPM"
    MOD = "MOD"
    MOF = "MOF"
    MFA = "MFA"
    MOTS = "MOTS"
    MSDHS = "MSDHS"
    MHESI = "MHESI"
    MOAC = "MOAC"
    MOT = "MOT"
    MNRE = "MNRE"
    MDES = "MDES"
    MOEN = "MOEN"
    MOC = "MOC"
    MOI = "MOI"
    MOJ = "MOJ"
    MOL = "MOL"
    MOCULT = "MOCULT"
    MOE = "MOE"
    MOPH = "MOPH"
    MOIND = "MOIND"
    IND = "IND"


class Tier(str, Enum):
    SMALL = "small"
    MEDIUM = "medium"
    LARGE = "large"


class Classification(str, Enum):
    """Ordered from least to most sensitive; top-secret is not permitted on the shared cloud."""

    PUBLIC = "public"
    INTERNAL = "internal"
    CONFIDENTIAL = "confidential"
    SECRET = "secret"

    @property
    def rank(self) -> int:
        return list(Classification).index(self)


class PersonalData(str, Enum):
    """Thailand's PDPA: personal data, and sensitive personal data (section 26)."""

    NONE = "none"
    PERSONAL = "personal"
    SENSITIVE = "sensitive"


class Zone(str, Enum):
    """Lake zones a tenant may request; each becomes one bucket."""

    RAW = "raw"
    CURATED = "curated"
    PUBLISHED = "published"
    ARCHIVE = "archive"


@dataclass(frozen=True)
class TierPreset:
    cpu: Decimal
    memory: Decimal
    storage: Decimal
    pods: int


TIER_PRESETS: dict[Tier, TierPreset] = {
    Tier.SMALL: TierPreset(Decimal(8), parse_quantity("32Gi"), parse_quantity("500Gi"), 100),
    Tier.MEDIUM: TierPreset(Decimal(32), parse_quantity("128Gi"), parse_quantity("2Ti"), 300),
    Tier.LARGE: TierPreset(Decimal(96), parse_quantity("384Gi"), parse_quantity("10Ti"), 1000),
}

#: ISO 3166-2:TH numeric province codes: Bangkok (TH-10) and the 76 provinces.
PROVINCES: frozenset[str] = frozenset(
    f"TH-{n}"
    for n in [
        *range(10, 28),
        *range(30, 50),
        *range(50, 59),
        *range(60, 68),
        *range(70, 78),
        *range(80, 87),
        *range(90, 97),
    ]
)

NATIONAL_SITE = "national"

#: Well-known namespaces of Kubernetes itself and of the operators a government cluster commonly runs
#: (storage, backup, secrets, identity, GitOps, service mesh, CNI, monitoring...). A tenant named like
#: one would be given, or would adopt, a namespace that holds someone else's workloads and secrets.
SYSTEM_NAMESPACES: frozenset[str] = frozenset(
    {
        "default",
        "argo",
        "argo-rollouts",
        "argocd",
        "calico-apiserver",
        "calico-system",
        "cattle-system",
        "cert-manager",
        "cilium",
        "cilium-secrets",
        "cnpg-system",
        "envoy-gateway-system",
        "external-dns",
        "external-secrets",
        "flux-system",
        "gatekeeper-system",
        "harbor",
        "ingress-nginx",
        "istio-system",
        "keycloak",
        "knative-serving",
        "kubernetes-dashboard",
        "linkerd",
        "linkerd-viz",
        "local-path-storage",
        "logging",
        "longhorn-system",
        "metallb-system",
        "minio",
        "minio-operator",
        "monitoring",
        "olm",
        "openebs",
        "operators",
        "prometheus",
        "rook-ceph",
        "sealed-secrets",
        "tekton-pipelines",
        "tigera-operator",
        "trust-manager",
        "vault",
        "velero",
    }
)
#: Namespaces and names the govcloud platform itself uses or derives.
PLATFORM_NAMES: frozenset[str] = frozenset(
    {"ckan", "kyverno", "spark-operator", "superset-operator", "opendata", "opendata-portal", "platform"}
)
#: Environments; a tenant name may not be one nor start with one (``dev-nso`` would be dev's ``nso``).
ENVIRONMENTS: tuple[str, ...] = ("dev", "staging", "prod")
RESERVED_NAMES: frozenset[str] = SYSTEM_NAMESPACES | PLATFORM_NAMES | frozenset(ENVIRONMENTS)
RESERVED_PREFIXES: tuple[str, ...] = (
    "kube-",
    "govcloud",
    "ingress-",
    "openshift-",
    "cattle-",
    "opendata-portal",
    *(f"{env}-" for env in ENVIRONMENTS),
)
#: Purposes that end a derived name (``-backup`` identities, zone buckets, the portal's ``ckan-backup``):
#: a tenant name ending with one would read as another tenant's name plus that purpose.
RESERVED_SUFFIXES: tuple[str, ...] = ("-backup", "-ckan", "-portal", "-raw", "-curated", "-published", "-archive")
PLATFORM_OWNER = "govcloud-platform"
"""The owner tag of the platform's own buckets and identities; no tenant name can start with govcloud."""
PORTAL_IDENTITY = "opendata-portal"

#: Contacts must be reachable at a Thai government, organisation, academic or military domain.
EMAIL_DOMAINS: tuple[str, ...] = ("go.th", "or.th", "ac.th", "mi.th")
UNKNOWN_VALUE = "[unknown]"
"""How a plan shows a value not known before the update: synth's mock monitor and the CrossGuard pack alike,
so the policies, the audit and the reports read one spelling."""
