#!/usr/bin/env bash
# Uploads a 1 GiB file to a freshly started MediVault server and prints the upload throughput next to
# `openssl dgst -sha256` over the same file, and the server's peak resident memory (VmHWM).
# Usage: bash benchmarks/upload-1gib.sh [size-in-MiB] [runs]   (defaults 1024 and 5; needs dotnet, curl, openssl, python3)
# Each measurement is repeated `runs` times; the medians are compared (the machine is shared, single runs vary).
# SERVER_LOG=/path/file keeps the server's log.
# S3=<service url> stores the blobs in a fresh bucket of that S3-compatible server (e.g. s3rver: `s3rver -d DIR -p PORT`)
# instead of the local folder (issue 13); the bucket is created with an unsigned PUT, which s3rver accepts.
# S3_PID=<pid of that server, when it runs here> also prints its CPU time per upload (what limits the throughput).
set -euo pipefail

SIZE_MIB="${1:-1024}"
RUNS="${2:-5}"
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

STORAGE_SETTINGS=()
if [[ -n "${S3:-}" ]]; then
  BUCKET="bench-$RANDOM$RANDOM"
  curl -sf -X PUT "$S3/$BUCKET" >/dev/null || { echo "could not create bucket $BUCKET at $S3"; exit 1; }
  STORAGE_SETTINGS=(--MediVault:Storage:Provider=s3 "--MediVault:Storage:S3:ServiceUrl=$S3" "--MediVault:Storage:S3:Bucket=$BUCKET"
    --MediVault:Storage:S3:AccessKey=S3RVER --MediVault:Storage:S3:SecretKey=S3RVER)
  echo "== blobs go to bucket $BUCKET at $S3"
fi

echo "== starting the server on $BASE with data directory $WORK/data"
(
  cd "$ROOT/src/WebApi"
  ASPNETCORE_ENVIRONMENT=Production \
  MediVault__DataDirectory="$WORK/data" \
  MediVault__SeedSampleData=false \
  MediVault__RateLimits__AuthPerMinute=0 \
  MediVault__Files__MaxUploadBytes=$(( (SIZE_MIB + 1) * 1024 * 1024 )) \
  Logging__LogLevel__Default=Warning \
  exec dotnet "$ROOT/src/WebApi/bin/Release/net10.0/MediVault.WebApi.dll" --urls "$BASE" ${STORAGE_SETTINGS[@]+"${STORAGE_SETTINGS[@]}"}
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
sync "$FILE"  # the test file's own writeback must not compete with the first upload

echo "== openssl dgst -sha256, $RUNS runs (file in page cache)"
openssl dgst -sha256 "$FILE" >/dev/null
OPENSSL_TIMES=()
for _ in $(seq 1 "$RUNS"); do
  T0="$(date +%s.%N)"
  OPENSSL_HASH="$(openssl dgst -sha256 -r "$FILE" | cut -c1-64)"
  T1="$(date +%s.%N)"
  OPENSSL_TIMES+=("$(python3 -c "print($T1 - $T0)")")
done

echo "== uploading with curl, $RUNS runs"
UPLOAD_TIMES=()
PEAKS=()
CPU=()  # the server's user and system CPU seconds per upload, from /proc/<pid>/stat
cpu_ticks() { awk '{ print $14, $15 }' "/proc/$SERVER_PID/stat"; }
store_ticks() { if [[ -n "${S3_PID:-}" ]]; then awk '{ print $14 + $15 }' "/proc/$S3_PID/stat"; else echo 0; fi; }
STORE_CPU=()
TICKS="$(getconf CLK_TCK)"
IDLE_KIB="$(awk '/VmRSS/ { print $2 }' "/proc/$SERVER_PID/status")"
START_PEAK_KIB="$(awk '/VmHWM/ { print $2 }' "/proc/$SERVER_PID/status")"
for _ in $(seq 1 "$RUNS"); do
  # Writing 5 to clear_refs resets VmHWM to the current RSS: each figure is then that upload's own peak, not start-up's.
  echo 5 > "/proc/$SERVER_PID/clear_refs" 2>/dev/null || true
  read -r U0 S0 < <(cpu_ticks)
  T0="$(store_ticks)"
  UPLOAD_STATS="$(curl -s -o "$WORK/answer.json" -w '%{http_code} %{time_total}' \
    -H "Authorization: Bearer $TOKEN" -F "file=@$FILE;type=application/pdf" -F category=imaging "$BASE/api/files/upload")"
  read -r STATUS UPLOAD_SECONDS <<< "$UPLOAD_STATS"
  [[ "$STATUS" == "201" ]] || { echo "upload failed with $STATUS: $(cat "$WORK/answer.json")"; exit 1; }
  read -r FILE_ID SERVER_HASH < <(python3 -c 'import json, sys; a = json.load(open(sys.argv[1])); print(a["id"], a["sha256"])' "$WORK/answer.json")
  [[ "$SERVER_HASH" == "$OPENSSL_HASH" ]] || { echo "server sha256 $SERVER_HASH differs from openssl $OPENSSL_HASH"; exit 1; }
  read -r U1 S1 < <(cpu_ticks)
  STORE_CPU+=("$(( $(store_ticks) - T0 ))")
  CPU+=("$(( U1 - U0 )):$(( S1 - S0 ))")
  UPLOAD_TIMES+=("$UPLOAD_SECONDS")
  PEAKS+=("$(awk '/VmHWM/ { print $2 }' "/proc/$SERVER_PID/status")")
  curl -sf -X DELETE -H "Authorization: Bearer $TOKEN" "$BASE/api/files/$FILE_ID" >/dev/null  # keep the disk free
done

python3 - "$BYTES" "$IDLE_KIB" "$START_PEAK_KIB" "${PEAKS[*]}" "${OPENSSL_TIMES[*]}" "${UPLOAD_TIMES[*]}" "$(cut -d' ' -f1-3 /proc/loadavg)" "${CPU[*]}" "$TICKS" "${STORE_CPU[*]}" <<'PY'
import statistics, sys
size, idle_kib, start_peak_kib, peaks, openssl_times, upload_times, load, cpu, ticks, store_cpu = sys.argv[1:]
mib = int(size) / 1048576
openssl = [float(t) for t in openssl_times.split()]
upload = [float(t) for t in upload_times.split()]
o, u = statistics.median(openssl), statistics.median(upload)
print(f"file size                   {mib:,.0f} MiB   (load average at the end: {load})")
print(f"openssl dgst -sha256        median {o:5.2f} s  {mib / o:7.1f} MiB/s   runs: {', '.join(f'{t:.2f}' for t in openssl)} s")
print(f"upload (curl, 201, sha ok)  median {u:5.2f} s  {mib / u:7.1f} MiB/s   runs: {', '.join(f'{t:.2f}' for t in upload)} s")
print(f"upload / openssl            {o / u:.2f}   (target >= 0.50; every run counted, the first one after start-up included)")
print(f"first upload after start-up {upload[0]:5.2f} s  {mib / upload[0]:7.1f} MiB/s   {o / upload[0]:.2f} x openssl (JIT still tiering up)")
cpu = [tuple(int(x) / int(ticks) for x in c.split(":")) for c in cpu.split()]
print(f"server CPU per upload        user+sys: {', '.join(f'{us:.2f}+{sy:.2f}' for us, sy in cpu)} s")
if any(int(t) for t in store_cpu.split()):
    print(f"object store CPU per upload {', '.join(f'{int(t) / int(ticks):.2f}' for t in store_cpu.split())} s   (S3_PID; against each upload's wall time above)")
peaks = [int(p) / 1024 for p in peaks.split()]
print(f"server peak RSS (VmHWM)     {max(peaks):.1f} MiB   during each upload: {', '.join(f'{p:.1f}' for p in peaks)} MiB")
print(f"server RSS before uploading {int(idle_kib) / 1024:.1f} MiB   (VmRSS after start-up and one login; start-up's own peak: {int(start_peak_kib) / 1024:.1f} MiB)")
PY
