"""``stats --json`` keys for the directory and referrals (kept in ``services.stats``, which
must not import this package)."""

from pcn_assistant.services.stats import (
    directory_and_referral_counts as directory_and_referral_counts,  # noqa: F401
)
