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
# -am: the emulator and the other modules come from this tree, not from ~/.m2
mvn -o -q -B -pl updater -am test-compile \
  org.apache.maven.plugins:maven-dependency-plugin:3.8.1:build-classpath \
  -Dmdep.outputFile=target/bench.classpath -Dmdep.includeScope=test
dir="${BENCH_DIR:-$(mktemp -d /var/tmp/modemflash-pbench.XXXXXX)}"
keep="${BENCH_DIR:+yes}"
trap '[ -z "$keep" ] && rm -rf "$dir"' EXIT
# private copies: a rebuild or a re-install into ~/.m2 during the run must not pull classes away
rm -rf "$dir/cp" && mkdir -p "$dir/cp"
cp -r updater/target/test-classes "$dir/cp/test-classes"
cp -r updater/target/classes "$dir/cp/classes"
cp="$dir/cp/test-classes:$dir/cp/classes"
IFS=: read -ra entries < updater/target/bench.classpath || true  # no trailing newline
i=0
for e in "${entries[@]}"; do
  i=$((i + 1))
  # reactor modules are target/classes directories, the rest jars
  copy="$dir/cp/$i-$(basename "$e")"
  cp -r "$e" "$copy"
  cp="$cp:$copy"
done
java -Xmx1g -Dbench.mib="${BENCH_MIB:-64}" -cp "$cp" io.modemflash.updater.cli.ParallelUpdateBench \
  "$dir" "${BENCH_RUNS:-3}" "${BENCH_COUNTS:-1,4}"
