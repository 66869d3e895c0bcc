"""Assigners: which ground-truth box (if any) each prior (point) learns."""
from .assign_result import AssignResult
from .fcos_assigner import FCOSAssigner

__all__ = ['AssignResult', 'FCOSAssigner']
