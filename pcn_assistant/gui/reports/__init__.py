"""Printable reports rendered with Qt (PDF)."""
