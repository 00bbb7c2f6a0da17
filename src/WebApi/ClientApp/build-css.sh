#!/usr/bin/env bash
# Rebuilds the web app's stylesheet (wwwroot/css/app.css) from src/app.css with the Tailwind CLI,
# and refreshes the vendored Chart.js (wwwroot/vendor/) from the locked npm package.
# Usage: build-css.sh [output.css]   (the output defaults to the committed stylesheet)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"

if [[ ! -x node_modules/.bin/tailwindcss ]]; then
  npm ci --no-audit --no-fund --loglevel=error
fi

out="${1:-../wwwroot/css/app.css}"
mkdir -p "$(dirname "$out")"
node_modules/.bin/tailwindcss --input src/app.css --output "$out" --minify

if [[ $# -eq 0 ]]; then
  mkdir -p ../wwwroot/vendor
  cp node_modules/chart.js/dist/chart.umd.min.js ../wwwroot/vendor/chart.umd.min.js
  cp node_modules/chart.js/LICENSE.md ../wwwroot/vendor/chart.js.LICENSE.md
  echo "Built $out and vendored Chart.js $(node -p "require('./node_modules/chart.js/package.json').version")."
fi
