#!/usr/bin/env bash
# startup.sh PUBLISH_DIR [RUNS] -- start-up cost of a published MediVault build (issue 16), measured as serve.sh measures it:
# starts `dotnet MediVault.WebApi.dll` from PUBLISH_DIR on a free port in 20000-40000 with a fresh data directory,
# Production environment, sample data and rate limits off; prints, per run, the time from process start to the first 200 on
# /api/health, the server's CPU time (user + system) until then, its RSS one second after one login, the load average,
# and the "Start-up step ... took" lines of its log. RUNS (default 3) fresh starts, then one restart on the last data
# directory. EXTRA_ENV: more NAME=VALUE settings for the server. Needs: dotnet, curl, python3.
#   dotnet publish src/WebApi -c Release -o /tmp/mv-pub && bash benchmarks/startup.sh /tmp/mv-pub 5
set -uo pipefail
PUB=$(cd "${1:?publish dir holding MediVault.WebApi.dll}" && pwd); RUNS=${2:-3}
W=$(mktemp -d /tmp/startup.XXXXXX); SERVER=""
cleanup() { [ -n "$SERVER" ] && kill "$SERVER" 2>/dev/null; wait 2>/dev/null; rm -rf "$W"; }
trap cleanup EXIT
now_ms() { date +%s%3N; }
start_once() {  # label data-dir
    local port base t0 t1 cpu rss
    port=$(python3 -c 'import random, socket
for _ in range(200):
    p = random.randint(20000, 40000); s = socket.socket()
    try:
        s.bind(("127.0.0.1", p)); s.close(); print(p); break
    except OSError:
        s.close()')
    base=http://127.0.0.1:$port
    t0=$(now_ms)
    # shellcheck disable=SC2086
    (cd "$PUB" && exec env ASPNETCORE_ENVIRONMENT=Production MediVault__DataDirectory="$2" MediVault__SeedSampleData=true \
        MediVault__RateLimits__QrAccessPerMinute=0 MediVault__RateLimits__AuthPerMinute=0 ${EXTRA_ENV:-} \
        dotnet "$PUB/MediVault.WebApi.dll" --urls "$base" >"$W/server.log" 2>&1) &
    SERVER=$!
    until curl -sf -o /dev/null "$base/api/health"; do
        kill -0 "$SERVER" 2>/dev/null || { echo "server exited"; tail -20 "$W/server.log"; exit 1; }
        [ $(( $(now_ms) - t0 )) -gt 120000 ] && { echo "server did not answer within 120 s"; exit 1; }
        sleep 0.02
    done
    t1=$(now_ms)
    cpu=$(awk -v hz="$(getconf CLK_TCK)" '{ printf "%d", ($14 + $15) * 1000 / hz }' "/proc/$SERVER/stat")
    curl -sS -o /dev/null -X POST "$base/api/auth/login" -H 'Content-Type: application/json' \
        -d '{"email":"sakshi@example.com","password":"password123"}'
    sleep 1
    rss=$(awk '/^VmRSS:/ { printf "%.1f", $2 / 1024 }' "/proc/$SERVER/status")
    printf '%-8s start_to_health_200_ms=%-6s start_cpu_ms=%-6s rss_mib_after_login=%-6s load=%s\n' "$1" "$((t1 - t0))" "$cpu" "$rss" "$(cut -d' ' -f1 /proc/loadavg)"
    grep -o 'Start-up step [A-Za-z]* took [0-9]* ms' "$W/server.log" | sed 's/^/         /'
    kill "$SERVER"; wait "$SERVER" 2>/dev/null; SERVER=""
}
echo "# startup.sh $(date -u +%FT%TZ) nproc=$(nproc) load=$(cut -d' ' -f1-3 /proc/loadavg) build=$PUB"
for i in $(seq 1 "$RUNS"); do start_once "fresh$i" "$W/data$i"; done
start_once restart "$W/data$RUNS"
