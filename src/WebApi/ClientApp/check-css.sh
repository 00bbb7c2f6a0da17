#!/usr/bin/env bash
# CI check: the committed stylesheets and vendored Chart.js must be exactly what the sources build.
# Rebuilds into a temp file and fails (exit 1) when the committed files are stale.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

bash ./build-css.sh "$tmp"

status=0
for pair in "app.css:../wwwroot/css/app.css" "emergency.css:../wwwroot/emergency/emergency.css"; do
  built="$tmp/${pair%%:*}"
  committed="${pair#*:}"
  if ! cmp -s "$built" "$committed"; then
    echo "${committed#../} is stale: run src/WebApi/ClientApp/build-css.sh and commit the result." >&2
    status=1
  fi
done
if ! cmp -s node_modules/chart.js/dist/chart.umd.min.js ../wwwroot/vendor/chart.umd.min.js; then
  echo "wwwroot/vendor/chart.umd.min.js differs from the locked chart.js package: run build-css.sh." >&2
  status=1
fi
if [[ $status -eq 0 ]]; then
  echo "Committed stylesheets and vendored Chart.js are up to date."
fi
exit $status
