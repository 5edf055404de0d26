"""Factories for the reports app."""
