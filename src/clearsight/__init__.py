"""Clearsight."""
