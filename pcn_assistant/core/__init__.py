"""Pure domain logic: no Qt, no database. Everything here is unit-tested against published rules."""
