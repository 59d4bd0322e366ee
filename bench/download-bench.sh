#!/usr/bin/env bash
# Host-side download throughput against the in-process emulator: Firehose raw, Firehose
# sparse, Sierra QDL, Sahara serving, and a 4 GiB (expanded) sparse image, all flashed by a
# JVM limited to -Xmx64m (DESIGN.md section 8). Not part of `mvn verify`.
#   bench/download-bench.sh                       # 1 GiB images, 3 runs each
#   BENCH_MIB=256 BENCH_RUNS=1 BENCH_DIR=/var/tmp/mfb bench/download-bench.sh
#   BENCH_ONLY=raw,qdl bench/download-bench.sh
# Needs ~4 GiB free under java.io.tmpdir per run (the emulator's LUN files) plus the packages.
set -euo pipefail
top="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$top"
# -am: the sibling modules come from this tree's reactor (their target/classes), not from
# whatever SNAPSHOT jars ~/.m2 holds; nothing is installed
mvn -o -q -B -pl updater -am test-compile \
  org.apache.maven.plugins:maven-dependency-plugin:3.8.1:build-classpath \
  -Dmdep.outputFile=target/bench.classpath -Dmdep.includeScope=test
dir="${BENCH_DIR:-$(mktemp -d /var/tmp/modemflash-bench.XXXXXX)}"
keep="${BENCH_DIR:+yes}"
trap '[ -z "$keep" ] && rm -rf "$dir"' EXIT
# private copies: a module re-installed into ~/.m2 during the run must not pull the jars away
rm -rf "$dir/cp" && mkdir -p "$dir/cp"
cp -r updater/target/test-classes "$dir/cp/test-classes"
cp -r updater/target/classes "$dir/cp/classes"
cp="$dir/cp/test-classes:$dir/cp/classes"
IFS=: read -ra jars < updater/target/bench.classpath || true  # no trailing newline
i=0
for j in "${jars[@]}"; do  # reactor modules are class directories: numbered so "classes" cannot collide
  i=$((i + 1)); c="$dir/cp/$i-$(basename "$j")"
  cp -r "$j" "$c"; cp="$cp:$c"
done
if [ ! -f "$dir/raw/modem.img" ]; then
  java -Dbench.mib="${BENCH_MIB:-1024}" -cp "$cp" io.modemflash.updater.download.DownloadBench prepare "$dir"
fi
java -Xmx64m -cp "$cp" io.modemflash.updater.download.DownloadBench run "$dir" "${BENCH_RUNS:-3}" \
  "${BENCH_ONLY:-raw,sparse,qdl,sahara,sparse4g}"
