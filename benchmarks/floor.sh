#!/usr/bin/env bash
# floor.sh PUBLISH_DIR -- the floor of the files list and the dashboard (issue 16), beside the Flask peer and MediVault,
# in one run on this machine.
#
# 1. The Flask peer (../shared/peers/flask-seed, gunicorn with 2 × nproc + 1 workers): the sample patient brought to 20
#    files, then wrk on /api/health and on the files list (bearer), as compare.sh drives it.
# 2. The floor (benchmarks/MediVault.Floor, published here): ASP.NET Core and EF Core on SQLite with the columns the two
#    paths read and none of MediVault's code (no token, revocation, access policy, Mediator, encryption or logging):
#    health; the files list through ADO.NET and through an EF Core compiled query; the dashboard's four compiled queries.
# 3. MediVault from PUBLISH_DIR through serve.sh (health, files list, dashboard, auth/me; 20 files seeded).
# Prints one line per server and path: rps, p99, and rps as a multiple of the peer's on the same kind of path.
#
# Env: WRK_THREADS (2), WRK_CONNECTIONS (64), WRK_DURATION (10s), WRK_WARMUP (2s, as compare.sh), PEER (the Flask
#      peer's directory; default ../shared/peers/flask-seed beside the repository).
# Needs: dotnet, curl, wrk, python3, gunicorn with python3-flask (the peer's run.sh), ss.
#   dotnet publish src/WebApi -c Release -o /tmp/mv-pub && bash benchmarks/floor.sh /tmp/mv-pub
set -uo pipefail
PUB=${1:?publish dir holding MediVault.WebApi.dll}
PUB=$(cd "$PUB" && pwd)
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
PEER=${PEER:-$HERE/../../shared/peers/flask-seed}
THREADS=${WRK_THREADS:-2}; CONNS=${WRK_CONNECTIONS:-64}; DUR=${WRK_DURATION:-10s}; WARMUP=${WRK_WARMUP:-2s}
PY=/usr/bin/python3; [ -x "$PY" ] || PY=python3
for tool in curl wrk dotnet ss "$PY"; do command -v "$tool" >/dev/null || { echo "missing tool: $tool" >&2; exit 2; }; done
[ -x "$PEER/run.sh" ] || { echo "no Flask peer at $PEER (set PEER)" >&2; exit 2; }

W=$(mktemp -d /tmp/floor.XXXXXX)
PEER_GROUP=""; FLOOR=""
cleanup() {
    [ -n "$PEER_GROUP" ] && kill -- -"$PEER_GROUP" 2>/dev/null
    [ -n "$FLOOR" ] && kill "$FLOOR" 2>/dev/null
    wait 2>/dev/null; rm -rf "$W"
}
trap cleanup EXIT
# shellcheck source=lib.sh
. "$HERE/lib.sh"   # free_port, jget

up() { for _ in $(seq 1 150); do curl -sf -o /dev/null "$1/api/health" && return 0; sleep 0.2; done; echo "no answer from $1" >&2; return 1; }
# row SERVER PATH URL [HEADER]: warm up, measure, print rps and p99; remembers the rps in $RPS.
row() {
    local server=$1 name=$2 url=$3; shift 3
    local hdr=(); [ $# -gt 0 ] && hdr=(-H "$1")
    local status; status=$(curl -sS -o /dev/null -w '%{http_code}' "${hdr[@]}" "$url")
    [ "$WARMUP" != 0 ] && wrk -t"$THREADS" -c"$CONNS" -d"$WARMUP" "${hdr[@]}" "$url" >/dev/null 2>&1
    wrk -t"$THREADS" -c"$CONNS" -d"$DUR" --latency "${hdr[@]}" "$url" >"$W/wrk.txt" 2>&1
    RPS=$(awk '/^Requests\/sec:/ { print $2 }' "$W/wrk.txt")
    local p99; p99=$(awk '$1 == "99%" { print $2 }' "$W/wrk.txt")
    local bad; bad=$(awk '/Non-2xx/ { print $NF }' "$W/wrk.txt")
    line "$server" "$name" "$RPS" "$p99" "$status" "${bad:-0}"
}
line() {  # server path rps p99 status non2xx
    local base=""
    [ "$1" = peer ] && { printf '%-10s %-18s %10s %9s %6s %7s %9s\n' "$1" "$2" "${3:-NA}" "${4:-NA}" "$5" "$6" 1.00; return; }
    case $2 in health) base=$PEER_HEALTH ;; files_list*) base=$PEER_FILES ;; esac
    local x="-"; [ -n "$base" ] && [ -n "$3" ] && x=$(awk -v a="$3" -v b="$base" 'BEGIN { if (b > 0) printf "%.2f", a / b }')
    printf '%-10s %-18s %10s %9s %6s %7s %9s\n' "$1" "$2" "${3:-NA}" "${4:-NA}" "$5" "$6" "$x"
}

echo "# floor.sh $(date -u +%FT%TZ) nproc=$(nproc) load=$(cut -d' ' -f1-3 /proc/loadavg) build=$PUB"
dotnet publish "$HERE/MediVault.Floor" -c Release -o "$W/floor" -v quiet >"$W/publish.log" 2>&1 ||
    { echo "publishing the floor failed"; tail -20 "$W/publish.log"; exit 1; }
printf '%-10s %-18s %10s %9s %6s %7s %9s\n' server path rps p99 status non2xx "x peer"

# ---- the Flask peer ----
PORT=$(free_port); BASE=http://127.0.0.1:$PORT
( cd "$PEER" && PORT=$PORT MEDIVAULT_DATA=$W/flask setsid ./run.sh >"$W/flask.log" 2>&1 & )
up "$BASE" || { tail -20 "$W/flask.log"; exit 1; }
PEER_GROUP=$(ps -o pgid= -p "$(ss -ltnpH "sport = :$PORT" | grep -o 'pid=[0-9]*' | head -1 | cut -d= -f2)" | tr -d ' ')
curl -sS -o "$W/login.json" -X POST "$BASE/api/auth/login" -H 'Content-Type: application/json' \
    -d '{"email":"sakshi@example.com","password":"password123"}'
TOKEN=$(jget "$W/login.json" accessToken); USER_ID=$(jget "$W/login.json" user.id)
have=$(curl -sS -H "Authorization: Bearer $TOKEN" "$BASE/api/files/$USER_ID" | "$PY" -c 'import json,sys; print(len(json.load(sys.stdin)))')
for f in $(seq $((have + 1)) 20); do
    printf '%%PDF-1.7\npeer file %s\n%%%%EOF\n' "$f" >"$W/f.pdf"
    curl -sS -o /dev/null -H "Authorization: Bearer $TOKEN" -F "file=@$W/f.pdf;type=application/pdf" -F category=lab-report \
        -F "description=peer $f" "$BASE/api/files/upload"
done
PEER_HEALTH=""; PEER_FILES=""
row peer health "$BASE/api/health"; PEER_HEALTH=$RPS
row peer files_list "$BASE/api/files/$USER_ID" "Authorization: Bearer $TOKEN"; PEER_FILES=$RPS
kill -- -"$PEER_GROUP" 2>/dev/null; PEER_GROUP=""; sleep 2

# ---- the floor ----
PORT=$(free_port); BASE=http://127.0.0.1:$PORT
( cd "$W/floor" && exec dotnet MediVault.Floor.dll --urls "$BASE" >"$W/floor.log" 2>&1 ) & FLOOR=$!
up "$BASE" || { tail -20 "$W/floor.log"; exit 1; }
AUTH="Authorization: Bearer floor-benchmark-token-0123456789abcdef"; ID=11111111-1111-1111-1111-111111111111
row floor health "$BASE/api/health"
row floor files_list_ado "$BASE/floor/files/raw/$ID" "$AUTH"
row floor files_list_ef "$BASE/floor/files/ef/$ID" "$AUTH"
row floor dashboard_ef "$BASE/floor/dashboard/$ID" "$AUTH"
printf '%-10s %-18s %s MiB\n' floor rss_after_runs "$(awk '/^VmRSS:/ { printf "%.1f", $2 / 1024 }' "/proc/$FLOOR/status")"
kill "$FLOOR" 2>/dev/null; wait "$FLOOR" 2>/dev/null; FLOOR=""; sleep 2

# ---- MediVault ----
WRK_THREADS=$THREADS WRK_CONNECTIONS=$CONNS WRK_DURATION=$DUR WRK_WARMUP=$WARMUP PATHS="health files_list dashboard auth_me" \
    bash "$HERE/serve.sh" "$PUB" >"$W/serve.txt" 2>&1
while read -r path rps p99 bad status _; do
    line medivault "$path" "$rps" "${p99}ms" "$status" "$bad"
done < <(awk '/^path /{ on = 1; next } on && NF >= 5 && $1 != "rss_mib_after_runs" { print $1, $2, $3, $4, $5 }' "$W/serve.txt")
grep -E '^(idle_rss_mib_after_login|rss_mib_after_runs)' "$W/serve.txt" | while read -r k v; do printf '%-10s %-18s %s MiB\n' medivault "${k/_mib/}" "$v"; done
grep -q '^path ' "$W/serve.txt" || { echo "serve.sh failed:"; tail -20 "$W/serve.txt"; exit 1; }
