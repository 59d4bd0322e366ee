#!/usr/bin/env bash
# Inspect throughput for 4 GiB raw and Android sparse images in a flat build, each inspected
# in a child JVM with -Xmx64m (DESIGN.md section 8). Not part of `mvn verify`.
#   images/bench.sh                 # 4 GiB images in a temporary directory, removed afterwards
#   BENCH_GIB=1 BENCH_DIR=/var/tmp/mf images/bench.sh   # smaller, and keep the files
set -euo pipefail
top="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$top"
mvn -o -q -B -pl images test-compile \
  org.apache.maven.plugins:maven-dependency-plugin:3.8.1:build-classpath \
  -Dmdep.outputFile=target/bench.classpath -Dmdep.includeScope=test
exec java -Dbench.gib="${BENCH_GIB:-4}" -Dbench.dir="${BENCH_DIR:-}" \
  -cp "images/target/test-classes:images/target/classes:$(cat images/target/bench.classpath)" \
  io.modemflash.images.bench.InspectBenchmark
