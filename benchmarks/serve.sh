#!/usr/bin/env bash
# serve.sh PUBLISH_DIR -- serving speed of a published MediVault build (issue 16).
#
# Starts `dotnet MediVault.WebApi.dll` from PUBLISH_DIR (Release publish output) on a free port in 20000-40000 with a
# fresh data directory, Production environment, sample data and rate limits off. Measures the time from process
# start to the first 200 on /api/health (and the CPU time spent until then), the RSS after start-up and one login, seeds the patient with 20 small files,
# an emergency profile and a QR code, then runs wrk on each read path and prints one line per path: rps, p99, non-2xx,
# and the server's CPU time per request (user + system, from /proc; far less sensitive than rps to other load on the
# machine, so it is the figure to compare between two builds measured on a busy machine).
# Ends with the server's RSS after the runs.
#
# Env: WRK_THREADS (2), WRK_CONNECTIONS (64), WRK_DURATION (10s), WRK_WARMUP (2s), PATHS (space-separated subset of
#      the names below), PROFILE=1 to record each path with `perf record -g` (needs perf; writes
#      /tmp/serve-perf-<path>.data and a summary in /tmp/serve-perf-<path>.txt; the server runs with DOTNET_PerfMapEnabled=1 and DOTNET_EnableWriteXorExecute=0 so perf can name JIT-compiled frames).
#      EXTRA_ENV: more NAME=VALUE settings for the server (for example DOTNET_TieredPGO=0).
# Needs: dotnet, curl, wrk, python3.
#   dotnet publish src/WebApi -c Release -o /tmp/mv-pub && bash benchmarks/serve.sh /tmp/mv-pub
set -uo pipefail
PUB=${1:?publish dir holding MediVault.WebApi.dll}
PUB=$(cd "$PUB" && pwd)
THREADS=${WRK_THREADS:-2}; CONNS=${WRK_CONNECTIONS:-64}; DUR=${WRK_DURATION:-10s}; WARMUP=${WRK_WARMUP:-2s}
PATHS=${PATHS:-"health auth_me dashboard files_list emergency_profile access_log qr_codes grants ledger_blocks qr_access"}
PY=/usr/bin/python3; [ -x "$PY" ] || PY=python3
for tool in curl wrk dotnet "$PY"; do command -v "$tool" >/dev/null || { echo "missing tool: $tool" >&2; exit 2; }; done

W=$(mktemp -d /tmp/serve.XXXXXX)
SERVER=""
cleanup() { [ -n "$SERVER" ] && kill "$SERVER" 2>/dev/null; wait 2>/dev/null; rm -rf "$W"; }
trap cleanup EXIT

# shellcheck source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"   # free_port, jget, seed_patient
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$SERVER/stat"; }
rss_mib() { awk '/^VmRSS:/ { printf "%.1f", $2 / 1024 }' "/proc/$SERVER/status" 2>/dev/null; }
now_ms() { date +%s%3N; }

PORT=$(free_port); BASE=http://127.0.0.1:$PORT
echo "# serve.sh $(date -u +%FT%TZ) nproc=$(nproc) load=$(cut -d' ' -f1-3 /proc/loadavg) build=$PUB port=$PORT"
t0=$(now_ms)
# From the publish directory, as an operator (and side-by-side.sh) runs it: the content root is the working directory,
# and without the shipped appsettings.json every request would be logged at Information level.
cd "$PUB"
# shellcheck disable=SC2086
env ASPNETCORE_ENVIRONMENT=Production MediVault__DataDirectory="$W/data" MediVault__SeedSampleData=true \
    MediVault__RateLimits__QrAccessPerMinute=0 MediVault__RateLimits__AuthPerMinute=0 \
    ${PROFILE:+DOTNET_PerfMapEnabled=1 DOTNET_EnableWriteXorExecute=0} ${EXTRA_ENV:-} \
    dotnet "$PUB/MediVault.WebApi.dll" --urls "$BASE" >"$W/server.log" 2>&1 &
SERVER=$!
until curl -sf -o /dev/null "$BASE/api/health"; do
    kill -0 "$SERVER" 2>/dev/null || { echo "server exited"; tail -20 "$W/server.log"; exit 1; }
    [ $(( $(now_ms) - t0 )) -gt 60000 ] && { echo "server did not answer within 60 s"; exit 1; }
    sleep 0.02
done
t1=$(now_ms)
printf '%-22s %s\n' start_to_health_200_ms "$((t1 - t0))"
# CPU time the server used until then (user + system): unlike the wall time, hardly moved by other load.
printf '%-22s %s\n' start_cpu_ms "$(awk -v hz="$(getconf CLK_TCK)" '{ printf "%d", ($14 + $15) * 1000 / hz }' "/proc/$SERVER/stat")"

curl -sS -o "$W/login.json" -X POST "$BASE/api/auth/login" -H 'Content-Type: application/json' \
    -d '{"email":"sakshi@example.com","password":"password123"}'
TOKEN=$(jget "$W/login.json" accessToken); USER_ID=$(jget "$W/login.json" user.id)
[ -n "$TOKEN" ] || { echo "login failed: $(head -c 300 "$W/login.json")"; exit 1; }
sleep 1
printf '%-22s %s\n' idle_rss_mib_after_login "$(rss_mib)"
AUTH="Authorization: Bearer $TOKEN"

# Seed: 20 files in all (the sample data may hold some already), an emergency profile and a QR code.
seed_patient "$BASE" "$AUTH" "$USER_ID" "$W" serve.sh
curl -sS -o "$W/qr.json" -X POST "$BASE/api/qr/generate" -H "$AUTH" -H 'Content-Type: application/json' \
    -d '{"expiresInMinutes":43200,"label":"serve.sh"}'
QR=$(jget "$W/qr.json" token)
files=$(curl -sS -H "$AUTH" "$BASE/api/files/$USER_ID?pageSize=100" | "$PY" -c 'import json,sys; print(json.load(sys.stdin)["totalCount"])' 2>/dev/null)
printf '%-22s %s\n' seeded_files "$files"

url_of() {
    case $1 in
        health) echo "$BASE/api/health" ;;
        auth_me) echo "$BASE/api/auth/me" ;;
        dashboard) echo "$BASE/api/dashboard/stats/$USER_ID" ;;
        files_list) echo "$BASE/api/files/$USER_ID" ;;
        emergency_profile) echo "$BASE/api/emergency-profile/$USER_ID" ;;
        access_log) echo "$BASE/api/access-logs/$USER_ID" ;;
        qr_codes) echo "$BASE/api/qr/codes" ;;
        grants) echo "$BASE/api/access-grants" ;;
        ledger_blocks) echo "$BASE/api/ledger/blocks" ;;
        qr_access) echo "$BASE/api/qr/access/$QR" ;;
    esac
}
to_ms() { awk -v v="$1" 'BEGIN { n = v + 0; u = v; sub(/^[0-9.]+/, "", u);
    f = (u == "us") ? 0.001 : (u == "ms") ? 1 : (u == "s") ? 1000 : -1; if (f < 0) print "NA"; else printf "%.2f", n * f }'; }

printf '%-22s %10s %10s %8s %7s %12s  %s\n' path rps p99_ms non2xx status cpu_us_per_req "load (1 min)"
for name in $PATHS; do
    url=$(url_of "$name"); hdr=(-H "$AUTH")
    [ "$name" = health ] || [ "$name" = qr_access ] && hdr=()
    status=$(curl -sS -o /dev/null -w '%{http_code}' "${hdr[@]}" "$url")
    [ "$WARMUP" != 0 ] && wrk -t"$THREADS" -c"$CONNS" -d"$WARMUP" "${hdr[@]}" "$url" >/dev/null 2>&1
    if [ "${PROFILE:-0}" = 1 ]; then
        perf record -F 999 -g -p "$SERVER" -o "/tmp/serve-perf-$name.data" -- sleep 8 >/dev/null 2>&1 &
        PERF=$!
    fi
    cpu0=$(cpu_ticks)
    wrk -t"$THREADS" -c"$CONNS" -d"$DUR" --latency "${hdr[@]}" "$url" >"$W/wrk-$name.txt" 2>&1
    cpu1=$(cpu_ticks)
    if [ "${PROFILE:-0}" = 1 ]; then
        wait "$PERF"
        { echo "## by module"; perf report -i "/tmp/serve-perf-$name.data" --no-children --sort dso --stdio -g none 2>/dev/null \
              | grep -v '^#' | grep -v '^$' | head -12
          echo "## inclusive (children), top frames"; perf report -i "/tmp/serve-perf-$name.data" --children --sort symbol \
              --stdio -g none --percent-limit 4 2>/dev/null | grep -v '^#' | grep -v '^$' | head -70; } >"/tmp/serve-perf-$name.txt"
    fi
    rps=$(awk '/^Requests\/sec:/ { print $2 }' "$W/wrk-$name.txt")
    p99=$(to_ms "$(awk '/Latency Distribution/ { d = 1 } d && $1 == "99%" { print $2; exit }' "$W/wrk-$name.txt")")
    bad=$(awk '/Non-2xx or 3xx responses:/ { print $NF; f = 1 } END { if (!f) print 0 }' "$W/wrk-$name.txt")
    requests=$(awk '/requests in/ { print $1 }' "$W/wrk-$name.txt")
    cpu_us=$(awk -v t=$((cpu1 - cpu0)) -v hz="$(getconf CLK_TCK)" -v n="${requests:-0}" 'BEGIN { if (n > 0) printf "%.0f", t / hz * 1e6 / n; else print "NA" }')
    printf '%-22s %10s %10s %8s %7s %12s  %s\n' "$name" "$rps" "$p99" "$bad" "$status" "$cpu_us" "$(cut -d' ' -f1 /proc/loadavg)"
done
printf '%-22s %s\n' rss_mib_after_runs "$(rss_mib)"
