"""Factories for the meetings app."""
