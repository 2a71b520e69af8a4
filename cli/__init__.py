"""The `leadscore` command line, the demo seed, CSV import and the embedded development database."""
