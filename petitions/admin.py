"""The petition process is written only through its transitions: nothing to edit here."""
