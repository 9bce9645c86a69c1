"""Pulumi ComponentResources: the only place govcloud declares resources."""
