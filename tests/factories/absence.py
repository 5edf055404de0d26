"""Factories for the absence app."""
