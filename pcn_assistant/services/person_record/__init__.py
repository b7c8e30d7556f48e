"""The person's social prescribing record beyond the episode (PRSB standard): consent
events, individual requirements, social context, signposting, home-visit risk and
safeguarding, referrer details, plan agreement, and appointments.

Each module is one area; every entry point checks a permission and writes an audit
event in the same transaction as the change.
"""
