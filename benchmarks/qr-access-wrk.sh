#!/usr/bin/env bash
# GET /api/qr/access/{token} under wrk (issue 11's target: >= 2,000 rps with -t2 -c64 and the rate limit off).
# Publishes a Release build, starts it on a free port the kernel picks with a fresh data directory and
# MediVault__RateLimits__QrAccessPerMinute=0, registers a patient, fills a profile, makes a QR code, then runs
# wrk against /api/health (the machine's ceiling in the same run) and the QR access URL. Prints both figures and
# the ledger's length afterwards (every access appends one entry).
# Usage: bash benchmarks/qr-access-wrk.sh [DURATION=10s]
set -euo pipefail
free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'; } # a port nothing listens on now
cd "$(dirname "$0")/.."
DUR=${1:-10s}
work=$(mktemp -d /tmp/mv-qrbench.XXXXXX)
dotnet publish src/WebApi -c Release -o "$work/publish" -v q -nologo >/dev/null
port=$(free_port)
base="http://127.0.0.1:$port"
MediVault__DataDirectory="$work/data" MediVault__RateLimits__QrAccessPerMinute=0 MediVault__RateLimits__AuthPerMinute=0 \
  MediVault__SeedSampleData=false ASPNETCORE_URLS="$base" ASPNETCORE_ENVIRONMENT=Production \
  dotnet "$work/publish/MediVault.WebApi.dll" >"$work/server.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null; rm -rf "$work"' EXIT
for _ in $(seq 1 120); do curl -fsS "$base/api/health" >/dev/null 2>&1 && break; sleep 0.5; done
email="bench-$RANDOM@example.com"
curl -fsS -X POST "$base/api/auth/register" -H 'Content-Type: application/json' \
  -d "{\"email\":\"$email\",\"password\":\"Correct-Horse-Battery-42\",\"fullName\":\"Bench Patient\",\"accountType\":\"patient\"}" >/dev/null
login=$(curl -fsS -X POST "$base/api/auth/login" -H 'Content-Type: application/json' \
  -d "{\"email\":\"$email\",\"password\":\"Correct-Horse-Battery-42\"}")
token=$(node -e 'const l=JSON.parse(process.argv[1]);console.log(l.accessToken)' "$login")
user=$(node -e 'const l=JSON.parse(process.argv[1]);console.log(l.user.id)' "$login")
curl -fsS -X POST "$base/api/emergency-profile/$user" -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \
  -d '{"dateOfBirth":"1990-05-14","bloodType":"B+","allergies":[],"conditions":[],"medications":[],"emergencyContacts":[],"organDonor":true}' >/dev/null
qr=$(curl -fsS -X POST "$base/api/qr/generate" -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \
  -d '{"expiresInMinutes":43200,"label":"bench"}')
qrtoken=$(node -e 'console.log(JSON.parse(process.argv[1]).token)' "$qr")
wrk -t2 -c64 -d2s "$base/api/qr/access/$qrtoken" >/dev/null 2>&1 # warm-up
echo "== /api/health (ceiling of this machine in this run)"
wrk -t2 -c64 -d"$DUR" --latency "$base/api/health" | grep -E 'Requests/sec|99%|Non-2xx'
echo "== /api/qr/access/{token}"
wrk -t2 -c64 -d"$DUR" --latency "$base/api/qr/access/$qrtoken" | grep -E 'Requests/sec|99%|Non-2xx|requests in'
echo "== ledger after the run"
curl -fsS "$base/api/ledger/verify" -H "Authorization: Bearer $token"; echo
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
