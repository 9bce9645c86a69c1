"""Offline synthesis: run the real Pulumi program under the SDK's mock monitor and capture the plan."""
