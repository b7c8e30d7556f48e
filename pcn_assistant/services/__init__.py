"""Use cases over core and store. No Qt here: the GUI, the CLI and scripts share these."""
