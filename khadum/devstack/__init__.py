"""Everything that exists only for local runs: never imported by production code paths."""
