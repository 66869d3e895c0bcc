"""Losses: rszoo's own losses (none yet; mmpretrain's are found through the registry)."""
