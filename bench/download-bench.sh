#!/usr/bin/env bash
# Host-side download throughput against the in-process emulator: Firehose raw, Firehose
# sparse, Sierra QDL, Sahara serving, and a 4 GiB (expanded) sparse image, all flashed by a
# JVM limited to -Xmx64m (DESIGN.md section 8). Not part of `mvn verify`.
#   bench/download-bench.sh                       # 1 GiB images, 3 runs each
#   BENCH_MIB=256 BENCH_RUNS=1 BENCH_DIR=/var/tmp/mfb bench/download-bench.sh
#   BENCH_ONLY=raw,qdl bench/download-bench.sh
#   BENCH_ONLY=raw,raw-nodigest,sparse,sparse-nodigest bench/download-bench.sh   # the cost of the digest check
# Needs ~4 GiB free under java.io.tmpdir per run (the emulator's LUN files) plus the packages.
set -euo pipefail
top="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$top"
. "$top/bench/classpath.sh"
dir="${BENCH_DIR:-$(mktemp -d /var/tmp/modemflash-bench.XXXXXX)}"
keep="${BENCH_DIR:+yes}"
trap '[ -z "$keep" ] && rm -rf "$dir"' EXIT
bench_classpath "$dir"
if [ ! -f "$dir/raw/modem.img" ]; then
  java -Dbench.mib="${BENCH_MIB:-1024}" -cp "$cp" io.modemflash.updater.download.DownloadBench prepare "$dir"
fi
java -Xmx64m -cp "$cp" io.modemflash.updater.download.DownloadBench run "$dir" "${BENCH_RUNS:-3}" \
  "${BENCH_ONLY:-raw,sparse,qdl,sahara,sparse4g}"
