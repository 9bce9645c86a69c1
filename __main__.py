"""Pulumi entry point: ``pulumi up -s <stack>`` runs this. Everything lives in the govcloud package."""

from govcloud.program import main

main()
