"""Sign-in, first-user and idle-lock dialogs (the services they call live in
``services/auth.py`` and ``services/users.py``)."""
