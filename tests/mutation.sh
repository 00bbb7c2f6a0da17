#!/usr/bin/env bash
# Mutation testing with Stryker.NET over the unit tests: a measurement, like a benchmark, not part of CI.
# Usage: tests/mutation.sh [domain|application|infrastructure ...]   (default: all three)
#        tests/mutation.sh application:Records,Ledger   one project, only the named folders (a run that fits a busy hour)
#        tests/mutation.sh infrastructure:Ledger/LedgerWriter.cs,Ledger/Sha256.cs   one project, only the named files
#        tests/mutation.sh score <target>...       the score of the last run again
#        tests/mutation.sh survivors <target>...   its surviving and uncovered mutants, one line each
# Settings that are the same for every run (perTest coverage, reporters, timeouts) are in tests/UnitTests/stryker-config.json.
# Environment: STRYKER_CONCURRENCY (default 2), STRYKER_NICE (default 19), STRYKER_OUT (default artifacts/mutation),
#   STRYKER_TEST_FILTER (a `dotnet test --filter` expression: the tests Stryker may run, e.g.
#   'FullyQualifiedName!~FhirValidityTests'; leaving tests out can only lower the score, so a filtered score is a lower bound).
# Prints one line per target: "<target>: <score> % (killed K, timeout T, survived S, no coverage N)"
# and leaves the HTML and JSON reports in $STRYKER_OUT/<target>/reports/.
set -euo pipefail
cd "$(dirname "$0")/.."
root="$(pwd)"

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
# Stryker's project analysis (Buildalyzer) gives `dotnet --info` 10 s by default; at nice 19 on a busy machine that is too short.
export DOTNET_INFO_WAIT_TIME="${DOTNET_INFO_WAIT_TIME:-120000}"
concurrency="${STRYKER_CONCURRENCY:-2}"
niceness="${STRYKER_NICE:-19}"
out="${STRYKER_OUT:-$root/artifacts/mutation}"
tests="$root/tests/UnitTests/MediVault.UnitTests.csproj"

targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(domain application infrastructure)

dotnet tool restore >/dev/null

# Stryker kills test hosts (timeouts, crashing mutants) before SqliteTestDatabase can delete its temp folder. On exit,
# remove the per-test folders (medivault-unit-<32 hex digits>) created since this run began and left untouched, inside
# too, for two minutes: by then no test of this run is using them, and a unit-test run elsewhere on the machine keeps its own fresh.
started="$(mktemp)"
sweep_test_folders() {
  find "${TMPDIR:-/tmp}" -maxdepth 1 -type d -regextype posix-extended -regex '.*/medivault-unit-[0-9a-f]{32}' -newer "$started" -mmin +2 \
    -print0 2>/dev/null | while IFS= read -r -d '' dir; do
      # A test writing to its SQLite database (WAL) changes the files inside, not the folder's own time: a folder counts as
      # untouched only when nothing in it changed either (a long LedgerChunksTests case lost its database to this sweep).
      [ -n "$(find "$dir" -mindepth 1 -mmin -2 -print -quit 2>/dev/null)" ] || rm -rf "$dir"
    done
  rm -f "$started"
}
trap sweep_test_folders EXIT

run() {
  local name="$1" project="$2"
  shift 2
  local globs=()
  for g in "$@"; do globs+=(--mutate "$g"); done
  [ -z "${STRYKER_TEST_FILTER:-}" ] || globs+=(--test-case-filter "$STRYKER_TEST_FILTER")
  rm -rf "${out:?}/$name"
  mkdir -p "$out/$name"
  printf '%s' "${STRYKER_TEST_FILTER:-}" >"$out/$name/test-filter"
  echo "== $name: mutating $project ($*)${STRYKER_TEST_FILTER:+, tests: $STRYKER_TEST_FILTER}" >&2
  local attempt=1
  # On a busy machine Stryker's project analysis can time out ("Could not find build environment"): try again.
  until (cd "$root/tests/UnitTests" && nice -n "$niceness" dotnet stryker \
    --project "$project" --test-project "$tests" \
    --concurrency "$concurrency" --config-file stryker-config.json \
    --output "$out/$name" "${globs[@]}") >"$out/$name.log" 2>&1; do
    if [ "$attempt" -lt 3 ] && grep -q "Could not find build environment" "$out/$name.log"; then
      attempt=$((attempt + 1))
      echo "$name: analysis timed out, attempt $attempt" >&2
      continue
    fi
    echo "$name: stryker failed, see $out/$name.log" >&2
    grep -m 3 -E "ERR|Exception" "$out/$name.log" >&2 || tail -n 5 "$out/$name.log" >&2
    return 1
  done
  score "$name"
}

# Score as Stryker defines it: detected (killed + timeout) over valid mutants (detected + survived + no coverage).
score() {
  local name="$1" report="$out/$1/reports/mutation-report.json" filter=""
  [ ! -s "$out/$1/test-filter" ] || filter=" [tests: $(cat "$out/$1/test-filter")]"
  jq -r --arg name "$name" --arg filter "$filter" '
    [.files[].mutants[].status] as $s
    | ($s | map(select(. == "Killed")) | length) as $k
    | ($s | map(select(. == "Timeout")) | length) as $t
    | ($s | map(select(. == "Survived")) | length) as $sv
    | ($s | map(select(. == "NoCoverage")) | length) as $n
    | (($k + $t + $sv + $n) as $valid | if $valid == 0 then 0 else (($k + $t) * 1000 / $valid | floor) / 10 end) as $pct
    | "\($name)\($filter): \($pct) % (killed \($k), timeout \($t), survived \($sv), no coverage \($n))"' "$report"
}

# The score of a finished run again: tests/mutation.sh score <target>...
if [ "${targets[0]}" = score ]; then
  for name in "${targets[@]:1}"; do score "$name"; done
  exit 0
fi

# The survivors, one line each, to read after a run: tests/mutation.sh survivors <target>
if [ "${targets[0]}" = survivors ]; then
  for name in "${targets[@]:1}"; do
    jq -r '.files | to_entries[] | .key as $f | .value.mutants[]
      | select(.status == "Survived" or .status == "NoCoverage")
      | "\($f | split("/src/")[-1]):\(.location.start.line) \(.status) \(.mutatorName): \(.replacement // "" | gsub("\n"; " ") | .[0:90])"' \
      "$out/$name/reports/mutation-report.json"
  done
  exit 0
fi

# Left out of every run: DI wiring and start-up steps. Left out of Infrastructure's runs as well: the start-up step whose
# name does not end in StartupStep, and the S3 transport (it carries only ciphertext; its options and health probe with
# it). The integration tests exercise these (S3StorageTests against S3TestServer), not the unit tests (decisions #105).
not_unit_tested=('!**/*Services.cs' '!**/*StartupStep.cs' '!**/LedgerGenesisStep.cs')
not_unit_tested_infrastructure=("${not_unit_tested[@]}" '!**/PlaintextSealingStep.cs' '!**/Storage/S3*.cs'
  '!**/Storage/StorageOptions*.cs' '!**/Storage/BlobStoreHealth.cs')

status=0
for t in "${targets[@]}"; do
  case "$t" in
    domain) run domain MediVault.Domain.csproj '**/*.cs' || status=1 ;;
    application) run application MediVault.Application.csproj '**/*.cs' || status=1 ;;
    # The security-relevant adapters: encryption at rest, the ledger and its transparency log, QR rendering.
    infrastructure) run infrastructure MediVault.Infrastructure.csproj \
      '**/Storage/*.cs' '**/Ledger/**/*.cs' '**/Emergency/*.cs' "${not_unit_tested_infrastructure[@]}" || status=1 ;;
    domain:* | application:* | infrastructure:*)
      # A folder-scoped run: project:Folder1,Folder2 mutates only those folders of the project (and their subfolders):
      # application:Common is src/Application/Common, not Records/Common.
      project="${t%%:*}"
      IFS=, read -r -a folders <<<"${t#*:}"
      folder_globs=()
      # An entry ending in .cs is one file (infrastructure:Ledger/LedgerWriter.cs), for a run that fits a few minutes.
      for f in "${folders[@]}"; do
        case "$f" in
          *.cs) folder_globs+=("**/src/${project^}/$f") ;;
          *) folder_globs+=("**/src/${project^}/$f/**/*.cs") ;;
        esac
      done
      csproj="MediVault.${project^}.csproj"
      excluded=("${not_unit_tested[@]}")
      # Infrastructure's folder runs leave out what its whole target leaves out.
      [ "$project" != infrastructure ] || excluded=("${not_unit_tested_infrastructure[@]}")
      name="$project-$(IFS=-; echo "${folders[*]}" | tr '/' '_' | sed 's/\.cs//g')"
      # A long list of files would name a folder longer than a file name may be (255 bytes): keep its start and a hash of all of it.
      [ ${#name} -le 200 ] || name="${name:0:150}-$(printf '%s' "$name" | sha256sum | cut -c1-12)"
      run "$name" "$csproj" "${folder_globs[@]}" "${excluded[@]}" || status=1 ;;
    *) echo "unknown target: $t (domain, application, infrastructure, or project:Folder,...)" >&2; status=2 ;;
  esac
done
exit "$status"
