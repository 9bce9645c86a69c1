"""Offline analysis of rendered manifests: who can reach whom (NetworkPolicy), who may do what (RBAC)."""

from govcloud.analysis.netpol import Cluster, External, Pod, Verdict
from govcloud.analysis.rbac import Rbac

__all__ = ["Cluster", "External", "Pod", "Rbac", "Verdict"]
