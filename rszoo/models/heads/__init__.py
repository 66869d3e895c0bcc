"""Heads: rszoo's own heads (none yet; mmpretrain's are found through the registry)."""
