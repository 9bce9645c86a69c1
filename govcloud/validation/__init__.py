"""Validation of what the program renders, against upstream schemas (Kubernetes, CRDs, Helm charts)."""

from govcloud.validation.schemas import (
    SchemaCatalog,
    SchemaValidationError,
    missing_default_keys,
    validate_helm_values,
)

__all__ = ["SchemaCatalog", "SchemaValidationError", "missing_default_keys", "validate_helm_values"]
