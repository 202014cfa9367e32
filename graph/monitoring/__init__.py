"""Monitoring (the plan's tasks 1, 4 and 14): monitoring plans and their results, risk-based sampling and spot
checks, and the quality indicators per commodity, origin country and enterprise."""
