# tests/bench: make bench harness
EXTRA_DIST += tests/bench/run-bench.sh
