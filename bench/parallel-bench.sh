#!/usr/bin/env bash
# `modemflash update` of one emulated MC7455 and of four in parallel through the pty face
# (the modems share one DIR; one CLI run updates them all): wall time, bytes flashed, MB/s of
# the single modem and aggregate MB/s of the four. Not part of `mvn verify`.
#   bench/parallel-bench.sh                        # 64 MiB modem image, 3 runs each of 1 and 4 modems
#   BENCH_MIB=16 BENCH_RUNS=1 BENCH_COUNTS=1,2,4 BENCH_DIR=/var/tmp/mfp bench/parallel-bench.sh
# Needs about (BENCH_MIB x (max count + 1)) MiB free under BENCH_DIR (the package and each modem's flash).
set -euo pipefail
top="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$top"
. "$top/bench/classpath.sh"
dir="${BENCH_DIR:-$(mktemp -d /var/tmp/modemflash-pbench.XXXXXX)}"
keep="${BENCH_DIR:+yes}"
trap '[ -z "$keep" ] && rm -rf "$dir"' EXIT
bench_classpath "$dir"
java -Xmx1g -Dbench.mib="${BENCH_MIB:-64}" -cp "$cp" io.modemflash.updater.cli.ParallelUpdateBench \
  "$dir" "${BENCH_RUNS:-3}" "${BENCH_COUNTS:-1,4}"
