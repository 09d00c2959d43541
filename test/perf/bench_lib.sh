# SPDX-License-Identifier: BSD-3-Clause
# Shell functions the benchmark scripts share; sourced, not run:
#   . "$(dirname "$0")/bench_lib.sh"

# The median of the numbers on stdin (blank-separated; NA entries left
# out), or NA when there are none.
median() {
	tr ' ' '\n' | grep -v '^NA$' | grep -v '^$' | sort -g | awk '
		{ v[NR] = $1 }
		END {
			if (NR == 0) { print "NA"; exit }
			if (NR % 2) print v[(NR + 1) / 2]; else printf "%.3f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2
		}'
}
