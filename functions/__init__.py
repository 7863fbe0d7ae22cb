"""Thin HTTP functions (ASGI apps), each deployable alone, all mountable in one app."""
