#!/bin/sh
# make bench: runs each benchmark program given as an argument (each prints
# `BENCH <name> <value> <unit>` lines among its other output), then prints a
# summary table of all BENCH lines of the run, program by program.
# Exit status 1 if any program failed (its lines so far still count).
status=0
lines=$(mktemp "${TMPDIR:-/tmp}/mcxhsm-bench.XXXXXX") || exit 1
trap 'rm -f "$lines"' EXIT
for prog in "$@"; do
	echo "== $prog"
	rc=0
	# Show the output as it comes and keep the BENCH lines, tagged with
	# the program; the program's status survives the pipe through a file.
	{ "./$prog" || echo "$?" >"$lines.rc"; } 2>&1 | while IFS= read -r line; do
		printf '%s\n' "$line"
		case $line in
		"BENCH "*) printf '%s %s\n' "${prog##*/}" "${line#BENCH }" >>"$lines" ;;
		esac
	done
	if [ -f "$lines.rc" ]; then
		rc=$(cat "$lines.rc")
		rm -f "$lines.rc"
		echo "== $prog FAILED (exit status $rc)"
		printf '%s FAILED exit-%s -\n' "${prog##*/}" "$rc" >>"$lines"
		status=1
	fi
done
echo
echo "== Summary: $(grep -vc "^[^ ]* FAILED " "$lines") figures"
awk '
	{ prog[NR] = $1; name[NR] = $2; value[NR] = $3; unit[NR] = $4
	  if (length($1) > wp) wp = length($1)
	  if (length($2) > wn) wn = length($2)
	  if (length($3) > wv) wv = length($3) }
	END {
		if (wp < 7) wp = 7
		if (wn < 6) wn = 6
		if (wv < 5) wv = 5
		fmt = "%-" wp "s  %-" wn "s  %" wv "s  %s\n"
		printf fmt, "program", "figure", "value", "unit"
		for (i = 1; i <= NR; i++)
			printf fmt, prog[i], name[i], value[i], unit[i]
	}' "$lines"
exit $status
