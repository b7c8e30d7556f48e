"""Dialogs and helpers for the directory, referrals and outcomes screens."""
