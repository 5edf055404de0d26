"""Factories for the pool app."""
