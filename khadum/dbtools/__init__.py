"""Database tooling shared by the CLI, the dev server and the tests."""
