"""Dagster definitions for the warehouse."""
