"""Necks: rszoo's own necks (none yet; mmpretrain's are found through the registry)."""
