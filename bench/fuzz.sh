#!/usr/bin/env bash
# Fuzzes every parser that sees outside bytes with Jazzer (coverage-guided, libFuzzer for the
# JVM), one target after another (the cores are shared), MINUTES each, and prints per target
# the executions, the coverage Jazzer reports (edges "cov", features "ft"), the findings (crashes,
# timeouts of 30 s, out-of-memory in a 512 MiB heap) and the slow units libFuzzer set aside
# (over 10 s once: on a loaded machine usually a stall, not a finding; replay them to tell).
# Not part of `mvn verify`, which replays each target's committed inputs (the regression corpus).
#   bench/fuzz.sh 10                          # every target, 10 minutes each
#   bench/fuzz.sh 1 qmi archive               # chosen targets
#   FUZZ_DIR=/var/tmp/mf-fuzz bench/fuzz.sh 10   # keep the generated corpus and findings there
# A finding is written to $FUZZ_DIR/findings/TARGET/ (crash-*, timeout-*, oom-*; slow-unit-*). Make it a test:
# copy it into the target's inputs directory (the "inputs" column), fix the code, and
# `mvn verify` replays it from then on.
set -euo pipefail
top="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$top"
. "$top/bench/classpath.sh"
minutes="${1:?usage: bench/fuzz.sh MINUTES [TARGET...]}"
shift
seconds="${FUZZ_SECONDS:-$((minutes * 60))}"  # FUZZ_SECONDS: a shorter try of the script itself
dir="${FUZZ_DIR:-$(mktemp -d /var/tmp/modemflash-fuzz.XXXXXX)}"
mkdir -p "$dir"

# name module class method
all_targets="
qmi fuzz io.modemflash.fuzz.ProtocolFuzzTest qmi
hdlc fuzz io.modemflash.fuzz.ProtocolFuzzTest hdlc
sahara fuzz io.modemflash.fuzz.ProtocolFuzzTest sahara
firehose fuzz io.modemflash.fuzz.ProtocolFuzzTest firehose
cwe fuzz io.modemflash.fuzz.PackageFuzzTest cwe
sparse fuzz io.modemflash.fuzz.PackageFuzzTest sparse
elf fuzz io.modemflash.fuzz.PackageFuzzTest elf
rawprogram fuzz io.modemflash.fuzz.PackageFuzzTest rawprogram
patch fuzz io.modemflash.fuzz.PackageFuzzTest patch
archive fuzz io.modemflash.fuzz.PackageFuzzTest archive
device-qmi emulator io.modemflash.emulator.boot.DeviceSideFuzzTest qmi
device-sahara emulator io.modemflash.emulator.boot.DeviceSideFuzzTest sahara
device-firehose emulator io.modemflash.emulator.boot.DeviceSideFuzzTest firehose
device-sierra-firehose emulator io.modemflash.emulator.boot.DeviceSideFuzzTest sierraFirehose
device-qdl emulator io.modemflash.emulator.boot.DeviceSideFuzzTest qdl
"
wanted=" $* "
summary="$dir/summary-$(date +%Y%m%d-%H%M%S).txt"
printf '%-24s %8s %12s %9s %8s %8s %9s %5s\n' target minutes executions exec/s cov ft findings slow | tee "$summary"
built=""
while read -r name module class method; do
  [ -z "$name" ] && continue
  if [ $# -gt 0 ] && [[ "$wanted" != *" $name "* ]]; then continue; fi
  if [[ " $built " != *" $module "* ]]; then
    bench_classpath "$dir/$module" "$module" >"$dir/build-$module.log" 2>&1
    eval "cp_$module=\$cp"
    built="$built $module"
  fi
  eval "classpath=\$cp_$module"
  pkgdir="$(echo "${class%.*}" | tr . /)"
  inputs="$top/$module/src/test/resources/$pkgdir/${class##*.}Inputs/$method"
  corpus="$dir/corpus/$name"; findings="$dir/findings/$name"; log="$dir/$name.log"
  mkdir -p "$corpus" "$findings" "$inputs" "$dir/tmp-$name"
  # each target runs in its own scratch directory: nothing lands in the tree
  (cd "$dir" && java -Xmx512m -Djava.io.tmpdir="$dir/tmp-$name" -cp "$classpath" com.code_intelligence.jazzer.Jazzer \
      --target_class="$class" --target_method="$method" \
      --instrumentation_includes='io.modemflash.**:org.apache.commons.compress.**:org.tukaani.**' \
      --keep_going=100 -max_total_time=$seconds -timeout=30 -rss_limit_mb=3072 -print_final_stats=1 \
      -artifact_prefix="$findings/" "$corpus" "$inputs" >"$log" 2>&1 ) || true
  rm -rf "${dir:?}/tmp-$name"
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1 || true)
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1 || true)
  cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1 | cut -d' ' -f2 || true)
  ft=$(grep -o 'ft: [0-9]*' "$log" | tail -1 | cut -d' ' -f2 || true)
  found=$(find "$findings" -type f ! -name 'slow-unit-*' | wc -l)
  slow=$(find "$findings" -type f -name 'slow-unit-*' | wc -l)
  printf '%-24s %8s %12s %9s %8s %8s %9s %5s\n' "$name" "$(awk "BEGIN { print $seconds / 60 }")" "${execs:-?}" \
    "${rate:-?}" "${cov:-?}" "${ft:-?}" "$found" "$slow" | tee -a "$summary"
done <<< "$all_targets"
echo "$(date -u +%Y-%m-%dT%H:%MZ) bench/fuzz.sh $minutes $*; corpus, findings and logs in $dir" | tee -a "$summary"
