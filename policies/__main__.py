"""The govcloud policy pack: ``pulumi preview --policy-pack policies/``.

The policies live in ``govcloud.policy.baseline``; ``govcloud synth`` runs the very same functions.
"""

from pulumi_policy import EnforcementLevel, PolicyPack

from govcloud.policy.crossguard import PACK_NAME, crossguard_policies

PolicyPack(name=PACK_NAME, enforcement_level=EnforcementLevel.MANDATORY, policies=crossguard_policies())
