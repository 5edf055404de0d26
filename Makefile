# Benchmarks (BENCHMARKS.md). Each needs PostgreSQL at DATABASE_URL (default: local, user postgres).
.PHONY: bench bench-national bench-small bench-smoke test

bench:
	bin/bench --size large

bench-national:
	bin/bench --size national

bench-small:
	bin/bench --size small

bench-smoke:
	bin/bench --size smoke

test:
	bin/test
