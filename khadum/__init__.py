"""Khadum (خدوم) connection flow: the library every function and command shares."""
