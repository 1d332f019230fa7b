"""Rules files: drafting them from a policy text, checking them against it (docs/rules.md)."""
