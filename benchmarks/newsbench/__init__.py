"""The speed and memory benchmark behind `make bench`; `benchmarks/bench.py` is its entry point."""
