"""Offline analysis of rendered manifests: who can reach whom (NetworkPolicy), which rules cross tenants.

The policy pack runs it (GC-NET-003); the RBAC and access-matrix analyses only tests use live under tests/.
"""

from govcloud.analysis.netpol import Cluster, External, Pod, Verdict

__all__ = ["Cluster", "External", "Pod", "Verdict"]
