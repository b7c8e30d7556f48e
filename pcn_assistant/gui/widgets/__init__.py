"""Reusable widgets shared by several areas."""
