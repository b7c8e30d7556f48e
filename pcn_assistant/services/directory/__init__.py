"""The VCF directory: Open Referral UK import and export, manual editing and search."""
