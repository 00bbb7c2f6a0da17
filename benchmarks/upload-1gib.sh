#!/usr/bin/env bash
# Uploads a 1 GiB file to a freshly started MediVault server and prints the upload throughput next to
# `openssl dgst -sha256` over the same file, and the server's peak resident memory (VmHWM).
# Usage: bash benchmarks/upload-1gib.sh [size-in-MiB]   (default 1024; needs dotnet, curl, openssl, python3)
# SERVER_LOG=/path/file keeps the server's log.
set -euo pipefail

SIZE_MIB="${1:-1024}"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
WORK="$(mktemp -d /tmp/medivault-upload-bench.XXXXXX)"
SERVER_PID=""
cleanup() {
  if [[ -n "$SERVER_PID" ]] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
  fi
  [[ -n "${SERVER_LOG:-}" ]] && cp "$WORK/server.log" "$SERVER_LOG"
  rm -rf "$WORK"
}
trap cleanup EXIT

echo "== building the server (Release)"
dotnet build -c Release "$ROOT/src/WebApi" -v quiet -nologo >/dev/null

PORT="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')"
BASE="http://127.0.0.1:$PORT"

echo "== starting the server on $BASE with data directory $WORK/data"
(
  cd "$ROOT/src/WebApi"
  ASPNETCORE_ENVIRONMENT=Production \
  MediVault__DataDirectory="$WORK/data" \
  MediVault__SeedSampleData=false \
  MediVault__RateLimits__AuthPerMinute=0 \
  MediVault__Files__MaxUploadBytes=$(( (SIZE_MIB + 1) * 1024 * 1024 )) \
  Logging__LogLevel__Default=Warning \
  exec dotnet "$ROOT/src/WebApi/bin/Release/net10.0/MediVault.WebApi.dll" --urls "$BASE"
) > "$WORK/server.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 1 100); do
  curl -sf "$BASE/api/health" >/dev/null 2>&1 && break
  sleep 0.2
done
curl -sf "$BASE/api/health" >/dev/null || { echo "server did not start"; cat "$WORK/server.log"; exit 1; }

EMAIL="bench-$RANDOM$RANDOM@example.com"
PASSWORD="Correct-Horse-Battery-42"
curl -sf -X POST "$BASE/api/auth/register" -H 'Content-Type: application/json' \
  -d "{\"email\":\"$EMAIL\",\"password\":\"$PASSWORD\",\"fullName\":\"Bench Patient\",\"accountType\":\"patient\"}" >/dev/null
TOKEN="$(curl -sf -X POST "$BASE/api/auth/login" -H 'Content-Type: application/json' \
  -d "{\"email\":\"$EMAIL\",\"password\":\"$PASSWORD\"}" | python3 -c 'import json, sys; print(json.load(sys.stdin)["accessToken"])')"

echo "== writing a ${SIZE_MIB} MiB test file (PDF header + random bytes)"
FILE="$WORK/scan.pdf"
{ printf '%%PDF-1.7\n'; head -c $(( SIZE_MIB * 1024 * 1024 - 9 )) /dev/urandom; } > "$FILE"
BYTES="$(stat -c %s "$FILE")"

echo "== openssl dgst -sha256 (second of two runs, file in page cache)"
openssl dgst -sha256 "$FILE" >/dev/null
T0="$(date +%s.%N)"
OPENSSL_HASH="$(openssl dgst -sha256 -r "$FILE" | cut -c1-64)"
T1="$(date +%s.%N)"

echo "== uploading with curl"
UPLOAD_STATS="$(curl -s -o "$WORK/answer.json" -w '%{http_code} %{time_total}' \
  -H "Authorization: Bearer $TOKEN" -F "file=@$FILE;type=application/pdf" -F category=imaging "$BASE/api/files/upload")"
read -r STATUS UPLOAD_SECONDS <<< "$UPLOAD_STATS"
[[ "$STATUS" == "201" ]] || { echo "upload failed with $STATUS: $(cat "$WORK/answer.json")"; exit 1; }
SERVER_HASH="$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["sha256"])' "$WORK/answer.json")"
PEAK_KIB="$(awk '/VmHWM/ { print $2 }' "/proc/$SERVER_PID/status")"

python3 - "$BYTES" "$UPLOAD_SECONDS" "$T0" "$T1" "$PEAK_KIB" "$OPENSSL_HASH" "$SERVER_HASH" <<'PY'
import sys
size, upload, t0, t1, peak_kib, openssl_hash, server_hash = sys.argv[1:]
size, upload, openssl = int(size), float(upload), float(t1) - float(t0)
mib = size / 1048576
up_rate, ossl_rate = mib / upload, mib / openssl
print(f"file size                 {mib:,.0f} MiB")
print(f"openssl dgst -sha256      {openssl:6.2f} s   {ossl_rate:8.1f} MiB/s")
print(f"upload (curl -> 201)      {upload:6.2f} s   {up_rate:8.1f} MiB/s   = {up_rate / ossl_rate:.2f} x openssl  (target >= 0.50)")
print(f"server peak RSS (VmHWM)   {int(peak_kib) / 1024:6.1f} MiB                          (target < 200)")
print(f"sha256 matches openssl    {'yes' if openssl_hash == server_hash else 'NO'}")
PY
