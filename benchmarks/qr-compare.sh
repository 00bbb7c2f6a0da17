#!/usr/bin/env bash
# qr-compare.sh PUBLISH_DIR [RUNS=1] -- emergency QR access as ../shared/bench/compare.sh drives it, plus the server's
# CPU time per access, for A/B runs of two builds (alternate them: this machine's speed drifts between runs).
# Starts `dotnet MediVault.WebApi.dll` from PUBLISH_DIR as side-by-side.sh does (Production, sample data on, rate
# limits off, fresh data directory, a free port the kernel picks), signs in as the sample patient, saves compare.sh's
# emergency profile and a 30-day QR code, warms /api/health for 2 s and measures it for 10 s (as compare.sh), then warms
# the QR access URL for 2 s and measures it for 10 s. Prints "qr_access rps R cpu_us_per_req C" per run.
# Env: EXTRA_ENV (more NAME=VALUE settings for the server).  Needs: dotnet, curl, wrk, python3.
set -euo pipefail
free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'; } # a port nothing listens on now
BUILD=$(cd "${1:?publish dir holding MediVault.WebApi.dll}" && pwd); RUNS=${2:-1}
hz=$(getconf CLK_TCK)
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
for _ in $(seq 1 "$RUNS"); do
  work=$(mktemp -d /tmp/mv-qrcmp.XXXXXX)
  port=$(free_port); base="http://127.0.0.1:$port"
  # shellcheck disable=SC2086
  (cd "$BUILD" && exec env ASPNETCORE_ENVIRONMENT=Production MediVault__DataDirectory="$work/data" MediVault__SeedSampleData=true \
    MediVault__RateLimits__QrAccessPerMinute=0 MediVault__RateLimits__AuthPerMinute=0 ${EXTRA_ENV:-} \
    dotnet MediVault.WebApi.dll --urls "$base" >"$work/server.log" 2>&1) &
  server=$!
  trap 'kill $server 2>/dev/null; rm -rf "$work"' EXIT
  for _ in $(seq 1 120); do curl -fsS "$base/api/health" >/dev/null 2>&1 && break; sleep 0.5; done
  read -r token user < <(curl -fsS -H 'Content-Type: application/json' -d '{"email":"sakshi@example.com","password":"password123"}' \
    "$base/api/auth/login" | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["accessToken"], d["user"]["id"])')
  curl -fsS -o /dev/null -X POST "$base/api/emergency-profile/$user" -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \
    -d '{"dateOfBirth":"1990-05-14","bloodType":"B+","allergies":[{"substance":"Penicillin","reaction":"Anaphylaxis","severity":"severe"}],
    "conditions":[{"name":"Asthma","notes":"Uses an inhaler"}],"medications":[{"name":"Salbutamol","dosage":"100 mcg","frequency":"as needed"}],
    "emergencyContacts":[{"name":"Anil Verma","relationship":"father","phone":"+91-98765-43210"}],"organDonor":true,"medicalNotes":"compare.sh benchmark profile"}'
  qr=$(curl -fsS -X POST "$base/api/qr/generate" -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \
    -d '{"expiresInMinutes":43200,"label":"qr-compare"}' | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')
  wrk -t2 -c64 -d2s "$base/api/health" >/dev/null; wrk -t2 -c64 -d10s "$base/api/health" >/dev/null
  wrk -t2 -c64 -d2s "$base/api/qr/access/$qr" >/dev/null
  before=$(cpu_ticks "$server")
  out=$(wrk -t2 -c64 -d10s "$base/api/qr/access/$qr")
  after=$(cpu_ticks "$server")
  requests=$(awk '/requests in/ { print $1 }' <<<"$out"); rps=$(awk '/^Requests\/sec:/ { print $2 }' <<<"$out")
  echo "qr_access rps $rps cpu_us_per_req $(( (after - before) * 1000000 / hz / requests ))"
  kill "$server"; wait "$server" 2>/dev/null || true; rm -rf "$work"; trap - EXIT
done
