#!/usr/bin/env bash
# ab.sh PUBLISH_DIR_A PUBLISH_DIR_B [...] -- compares published MediVault builds on the request paths, all of them
# running at once and measured in turn (issue 16).
#
# serve.sh measures one build at a time, so two builds compared with it run minutes apart, and this machine's speed
# drifts by 20-40 % over minutes (docs/performance.md, "Seventeenth session"). Here every build starts first (each on a
# free port in 20000-40000 with its own fresh data directory, Production environment, sample data and rate limits off,
# as serve.sh starts it), is seeded as serve.sh seeds it (20 files, an emergency profile), gets a 3-second warm-up on
# each path, and then ROUNDS rounds run: in each round, each path, each build in turn (the order reversed every other round), one wrk run of DURATION. The
# figure to compare is the server's CPU time per request (user + system, from /proc), next to requests per second,
# from runs of the builds that are seconds apart. wrk drives one build at a time; the others wait idle.
#
# Env: ROUNDS (3), DURATION (5s), PATHS (space-separated subset of serve.sh's bearer paths: auth_me dashboard files_list
#      emergency_profile access_log qr_codes grants ledger_blocks; default "dashboard files_list"),
#      EXTRA_ENV (more NAME=VALUE settings for every server).
# Needs: dotnet, curl, wrk, python3.
#   bash benchmarks/ab.sh /tmp/pub-before /tmp/pub-after
set -uo pipefail
[ $# -ge 2 ] || { echo "usage: ab.sh PUBLISH_DIR_A PUBLISH_DIR_B [...]" >&2; exit 2; }
ROUNDS=${ROUNDS:-3}; DURATION=${DURATION:-5s}; PATHS=${PATHS:-"dashboard files_list"}
PY=/usr/bin/python3; [ -x "$PY" ] || PY=python3
for tool in curl wrk dotnet "$PY"; do command -v "$tool" >/dev/null || { echo "missing tool: $tool" >&2; exit 2; }; done

W=$(mktemp -d /tmp/ab.XXXXXX)
SERVERS=()
cleanup() { for pid in "${SERVERS[@]}"; do kill "$pid" 2>/dev/null; done; wait 2>/dev/null; rm -rf "$W"; }
trap cleanup EXIT

# shellcheck source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"   # free_port, jget, seed_patient
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
rss_mib() { awk '/^VmRSS:/ { printf "%.1f", $2 / 1024 }' "/proc/$1/status" 2>/dev/null; }

declare -a BUILD BASE PID TOKEN USER_ID
n=0
for pub in "$@"; do
    n=$((n + 1)); BUILD[n]=$(cd "$pub" && pwd); BASE[n]=http://127.0.0.1:$(free_port)
    # From the publish directory, as serve.sh and an operator run it (its appsettings.json sets the log levels).
    # shellcheck disable=SC2086
    (cd "${BUILD[n]}" && exec env ASPNETCORE_ENVIRONMENT=Production MediVault__DataDirectory="$W/data$n" \
        MediVault__SeedSampleData=true MediVault__RateLimits__QrAccessPerMinute=0 MediVault__RateLimits__AuthPerMinute=0 \
        ${EXTRA_ENV:-} dotnet "${BUILD[n]}/MediVault.WebApi.dll" --urls "${BASE[n]}" >"$W/server$n.log" 2>&1) &
    PID[n]=$!; SERVERS+=("${PID[n]}")
    # The builds start one after another, so that no start-up runs while another build is seeded or measured.
    for _ in $(seq 1 600); do curl -sf -o /dev/null "${BASE[n]}/api/health" && break; sleep 0.1; done
    curl -sf -o /dev/null "${BASE[n]}/api/health" || { echo "build $n did not start"; tail -20 "$W/server$n.log"; exit 1; }
done

echo "# ab.sh $(date -u +%FT%TZ) nproc=$(nproc) load=$(cut -d' ' -f1-3 /proc/loadavg) rounds=$ROUNDS duration=$DURATION"
for i in $(seq 1 "$n"); do
    curl -sS -o "$W/login$i.json" -X POST "${BASE[i]}/api/auth/login" -H 'Content-Type: application/json' \
        -d '{"email":"sakshi@example.com","password":"password123"}'
    TOKEN[i]=$(jget "$W/login$i.json" accessToken); USER_ID[i]=$(jget "$W/login$i.json" user.id)
    [ -n "${TOKEN[i]}" ] || { echo "login failed on build $i"; exit 1; }
    seed_patient "${BASE[i]}" "Authorization: Bearer ${TOKEN[i]}" "${USER_ID[i]}" "$W" ab.sh
    echo "build$i ${BUILD[i]} idle_rss_mib_after_seeding $(rss_mib "${PID[i]}")"
done

url_of() {  # build path
    local b=${BASE[$1]} u=${USER_ID[$1]}
    case $2 in
        auth_me) echo "$b/api/auth/me" ;;
        dashboard) echo "$b/api/dashboard/stats/$u" ;;
        files_list) echo "$b/api/files/$u" ;;
        emergency_profile) echo "$b/api/emergency-profile/$u" ;;
        access_log) echo "$b/api/access-logs/$u" ;;
        qr_codes) echo "$b/api/qr/codes" ;;
        grants) echo "$b/api/access-grants" ;;
        ledger_blocks) echo "$b/api/ledger/blocks" ;;
        *) echo "unknown path: $2" >&2; exit 2 ;;
    esac
}

for name in $PATHS; do
    for i in $(seq 1 "$n"); do
        wrk -t2 -c64 -d3s -H "Authorization: Bearer ${TOKEN[i]}" "$(url_of "$i" "$name")" >/dev/null 2>&1
    done
done
printf '%-6s %-18s %-7s %10s %15s %10s\n' round path build rps cpu_us_per_req non2xx
for r in $(seq 1 "$ROUNDS"); do
    # Odd rounds take the builds in order, even rounds in reverse, so neither runs first every time.
    order=$(seq 1 "$n"); [ $((r % 2)) = 0 ] && order=$(seq "$n" -1 1)
    for name in $PATHS; do
        for i in $order; do
            cpu0=$(cpu_ticks "${PID[i]}")
            wrk -t2 -c64 -d"$DURATION" -H "Authorization: Bearer ${TOKEN[i]}" "$(url_of "$i" "$name")" >"$W/wrk.txt" 2>&1
            cpu1=$(cpu_ticks "${PID[i]}")
            rps=$(awk '/^Requests\/sec:/ { print $2 }' "$W/wrk.txt")
            requests=$(awk '/requests in/ { print $1 }' "$W/wrk.txt")
            bad=$(awk '/Non-2xx or 3xx responses:/ { print $NF; f = 1 } END { if (!f) print 0 }' "$W/wrk.txt")
            cpu_us=$(awk -v t=$((cpu1 - cpu0)) -v hz="$(getconf CLK_TCK)" -v n="${requests:-0}" \
                'BEGIN { if (n > 0) printf "%.0f", t / hz * 1e6 / n; else print "NA" }')
            printf '%-6s %-18s %-7s %10s %15s %10s\n' "$r" "$name" "build$i" "$rps" "$cpu_us" "$bad"
        done
    done
done
for i in $(seq 1 "$n"); do echo "build$i rss_mib_after_runs $(rss_mib "${PID[i]}")"; done
