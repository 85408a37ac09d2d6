"""Evaluation and benchmarks over the public API."""
