#!/bin/sh
# make bench: runs each benchmark program; each prints BENCH lines.
status=0
for prog in "$@"; do
	"./$prog" || status=1
done
exit $status
