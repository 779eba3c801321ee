"""Benchmark for the handbook build (`make bench`); not part of the test suite."""
