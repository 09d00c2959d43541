#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# One bounded libFuzzer run of a fuzz target (the 'fuzz' suite of a
# libFuzzer build, see meson.build):
#   run_fuzz.sh FUZZER CORPUS_DIR WORK_DIR
# New inputs go to WORK_DIR/new (the corpus in the source tree is read,
# never written: promote an input by copying it there and committing it),
# a crashing input to WORK_DIR/crash-*, which the failure message names.
# SL_FUZZ_SECONDS (default 30) bounds the run; 5 targets stay under the
# 3 minutes CI gives fuzzing.
set -eu
fuzzer=$1 corpus=$2 work=$3
seconds=${SL_FUZZ_SECONDS:-30}
mkdir -p "$work/new"
# -close_fd_mask=3: the targets' own error lines (every bad command line
# logs one) would drown libFuzzer's; crash reports still reach stderr.
# -timeout: an input taking over 10 s is a hang, reported as a failure.
# -rss_limit_mb: a target growing past 2 GiB is a leak or a bomb.
set +e
"$fuzzer" -max_total_time="$seconds" -close_fd_mask=3 -timeout=10 -rss_limit_mb=2048 \
	-print_final_stats=1 -artifact_prefix="$work/" "$work/new" "$corpus"
rc=$?
set -e
if [ "$rc" -ne 0 ]; then
	echo "FAIL: $(basename "$fuzzer") exited $rc; reproducer(s):" >&2
	ls -1 "$work"/crash-* "$work"/leak-* "$work"/timeout-* "$work"/oom-* 2>/dev/null >&2 || true
	echo "replay one with: $fuzzer FILE" >&2
fi
exit "$rc"
