"""The benchmark and load harness (see BENCHMARKS.md). Run it with ``bin/bench --size small``."""
