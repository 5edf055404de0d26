"""Factories for the clubs app."""
