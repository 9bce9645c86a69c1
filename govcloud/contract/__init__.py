"""The tenant contract: request files, their loader and every validation rule."""
