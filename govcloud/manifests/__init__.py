"""Pure builders of the Kubernetes objects govcloud declares: plain dicts, exactly as applied.

Components declare these objects; the synth writes them out; the audit compares live objects with them.
"""
