"""Helpers shared by test files in different folders (not tests themselves)."""
