"""The live audit: compare what the cluster and the object store hold with what the stack declares."""
