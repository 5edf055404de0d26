"""Factories for the strategy app."""
