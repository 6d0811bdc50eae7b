"""Helpers the tests of several folders share; not tests themselves (nothing here is collected)."""
