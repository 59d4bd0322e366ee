#!/usr/bin/env bash
# Start-up cost of short commands, side by side with qmicli, against an emulated MC7455 on a
# pty (`modemflash emulate --pty`): median wall time over BENCH_RUNS runs (hyperfine, after
# warm-up runs) and peak RSS (/usr/bin/time -v, median of 5). Runs the launcher users get
# (bin/modemflash of the unpacked tarball `mvn -B package` builds). Not part of `mvn verify`.
#   bench/startup-bench.sh                          # 20 runs each
#   BENCH_RUNS=10 bench/startup-bench.sh
#   MODEMFLASH=/usr/bin/modemflash bench/startup-bench.sh   # an installed .deb
#   BENCH_JAVA_OPTS='-XX:TieredStopAtLevel=1' bench/startup-bench.sh   # try a JVM option
set -euo pipefail
top="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
version="$(sed -n 's:.*<version>\(.*\)</version>.*:\1:p' "$top/pom.xml" | head -1)"
mf="${MODEMFLASH:-$top/updater/target/modemflash-$version/modemflash-$version/bin/modemflash}"
runs="${BENCH_RUNS:-20}"
for tool in hyperfine qmicli /usr/bin/time; do
  command -v "$tool" >/dev/null || { echo "startup-bench: needs $tool (apt-get install hyperfine libqmi-utils time)" >&2; exit 1; }
done
[ -x "$mf" ] || { echo "startup-bench: no $mf; build it with: mvn -B package -DskipTests" >&2; exit 1; }

dir="$(mktemp -d /tmp/modemflash-startup.XXXXXX)"
emu=""
cleanup() {
  [ -n "$emu" ] && kill "$emu" 2>/dev/null && wait "$emu" 2>/dev/null
  rm -rf "$dir"
}
trap cleanup EXIT

# the emulated modem, in its own JVM, ready when it prints its ready line
mkfifo "$dir/ready"
"$mf" emulate --profile mc7455 --pty "$dir/m" --storage "$dir/storage" >"$dir/ready" 2>"$dir/emulate.log" &
emu=$!
read -r -t 60 line <"$dir/ready" || { cat "$dir/emulate.log" >&2; echo "startup-bench: the emulator did not start" >&2; exit 1; }
grep -q '"event":"ready"' <<<"$line" || { echo "startup-bench: unexpected: $line" >&2; exit 1; }
cat "$dir/ready" >/dev/null &   # keep draining its stdout
dev="$dir/m/dev/cdc-wdm0"
export MODEMFLASH_SYSFS_ROOT="$dir/m" MODEMFLASH_DEV_ROOT="$dir/m"
export MODEMFLASH_JAVA_OPTS="${BENCH_JAVA_OPTS:-${MODEMFLASH_JAVA_OPTS:-}}"

names=("modemflash --help" "modemflash devices" "modemflash info" "qmicli --dms-get-revision")
cmds=("$mf --help" "$mf devices" "$mf info -d $dev" "qmicli -d $dev --device-open-qmi --dms-get-revision")
# each must work before it is timed
for i in "${!cmds[@]}"; do
  ${cmds[$i]} >"$dir/check.out" 2>&1 || { cat "$dir/check.out" >&2; echo "startup-bench: '${cmds[$i]}' failed" >&2; exit 1; }
done

hyperfine_args=(--runs "$runs" --warmup 3 --style none --export-json "$dir/times.json")
for i in "${!cmds[@]}"; do hyperfine_args+=(--command-name "${names[$i]}" "${cmds[$i]}"); done
hyperfine "${hyperfine_args[@]}" >/dev/null

peak_kib() { # median of 5 peak RSS figures, KiB
  for _ in 1 2 3 4 5; do
    /usr/bin/time -f '%M' -o "$dir/rss" "$@" >/dev/null 2>&1
    tail -1 "$dir/rss"
  done | sort -n | sed -n 3p
}

echo "modemflash start-up, $(nproc) cores, $(java -version 2>&1 | head -1), MODEMFLASH_JAVA_OPTS='${MODEMFLASH_JAVA_OPTS}'"
printf '%-28s %10s %10s %12s\n' command "median ms" "stddev ms" "peak RSS MiB"
for i in "${!cmds[@]}"; do
  # shellcheck disable=SC2086 # the command line is split on purpose
  kib="$(peak_kib ${cmds[$i]})"
  python3 - "$dir/times.json" "${names[$i]}" "$kib" <<'PY'
import json, sys
times = {r["command"]: r for r in json.load(open(sys.argv[1]))["results"]}
r = times[sys.argv[2]]
print("%-28s %10.0f %10.0f %12.1f" % (sys.argv[2], r["median"] * 1000, r["stddev"] * 1000, int(sys.argv[3]) / 1024))
PY
done
