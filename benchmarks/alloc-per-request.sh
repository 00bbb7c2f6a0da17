#!/usr/bin/env bash
# alloc-per-request.sh PUBLISH_DIR [PATH_NAME] -- managed memory allocated per request on one read path, and the share of
# wall time the garbage collector paused the process (issue 16).
#
# Runs serve.sh on PATH_NAME (one of serve.sh's names; default files_list) with a 20 s wrk run, and records the server's
# System.Runtime counters with dotnet-counters over that run. Allocation per request is the bytes allocated during the
# run (the per-second counts summed) divided by the requests wrk made (its rate times 20 s; the two windows are aligned
# to about a second). It depends far less than rps or CPU time on the machine's load, so two builds can be compared
# on a busy machine.
# Needs what serve.sh needs, and dotnet-counters: `dotnet tool install --global dotnet-counters --version 10.0.750501`.
#   dotnet publish src/WebApi -c Release -o /tmp/mv-pub && bash benchmarks/alloc-per-request.sh /tmp/mv-pub dashboard
set -uo pipefail
PUB=$(cd "${1:?publish dir holding MediVault.WebApi.dll}" && pwd)
NAME=${2:-files_list}
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
PATH=$PATH:$HOME/.dotnet/tools
command -v dotnet-counters >/dev/null || { echo "missing tool: dotnet-counters (see the header)" >&2; exit 2; }
W=$(mktemp -d /tmp/alloc-per-request.XXXXXX)
trap 'rm -rf "$W"' EXIT

PATHS="$NAME" WRK_WARMUP=5s WRK_DURATION=20s bash "$HERE/serve.sh" "$PUB" >"$W/serve.txt" 2>&1 &
SERVE=$!
pid=""
for _ in $(seq 1 120); do pid=$(pgrep -f "dotnet $PUB/MediVault.WebApi.dll" | head -n1); [ -n "$pid" ] && break; sleep 0.5; done
[ -n "$pid" ] || { echo "the server did not start"; cat "$W/serve.txt"; exit 1; }
# serve.sh's measured run is the one of 20 s (the warm-up is 5 s): record from its start to its end.
for _ in $(seq 1 600); do pgrep -f "wrk .*-d20s" >/dev/null && break; sleep 0.1; done
dotnet-counters collect -p "$pid" --counters System.Runtime --refresh-interval 1 --duration 00:00:20 --format csv -o "$W/counters.csv" >/dev/null 2>&1
wait "$SERVE"
cat "$W/serve.txt"
"${PYTHON:-python3}" - "$W/serve.txt" "$W/counters.csv" "$NAME" <<'PY'
import csv, statistics, sys
serve, counters, name = sys.argv[1:]
rps = next(float(line.split()[1]) for line in open(serve) if line.split()[:1] == [name])
rows = list(csv.reader(open(counters)))[1:]
def median(prefix, contains=""):
    values = [float(r[-1]) for r in rows if r[2].startswith(prefix) and contains in r[2]]
    return statistics.median(values) if values else float("nan")
allocated = sum(float(r[-1]) for r in rows if r[2].startswith("dotnet.gc.heap.total_allocated"))
requests = rps * 20
print(f"{'alloc_per_request_kib':<22} {allocated / requests / 1024:.1f}   ({allocated / 1e6:.0f} MB over the run, {requests:.0f} requests)")
print(f"{'gen0_collections_per_s':<22} {median('dotnet.gc.collections', 'gen0'):.0f}")
print(f"{'gc_pause_share':<22} {100 * median('dotnet.gc.pause.time'):.1f} % of wall time")
PY
