"""The platform's policies: one implementation, run by ``govcloud synth`` and by the CrossGuard pack."""
