#!/usr/bin/env bash
# Rebuilds the stylesheets with the Tailwind CLI (src/app.css -> wwwroot/css/app.css for the web app,
# src/emergency.css -> wwwroot/emergency/emergency.css for the emergency page) and refreshes the vendored
# Chart.js (wwwroot/vendor/) from the locked npm package.
# Usage: build-css.sh [output-directory]   (without it, the committed files are rewritten in place)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"

# The locked versions. Not `npm ci`: the registry reachable here serves only some platforms' optional binaries,
# so the lock file cannot list them all and `npm ci` refuses it; `npm install --no-save` follows the lock file
# and leaves it untouched.
if [[ ! -x node_modules/.bin/tailwindcss ]]; then
  npm install --no-save --no-audit --no-fund --loglevel=error
fi

if [[ $# -gt 0 ]]; then
  app_css="$1/app.css"
  emergency_css="$1/emergency.css"
else
  app_css=../wwwroot/css/app.css
  emergency_css=../wwwroot/emergency/emergency.css
fi
mkdir -p "$(dirname "$app_css")" "$(dirname "$emergency_css")"
node_modules/.bin/tailwindcss --input src/app.css --output "$app_css" --minify
node_modules/.bin/tailwindcss --input src/emergency.css --output "$emergency_css" --minify
# Keep Tailwind's licence notice, without the web address: our pages name no other origin, not even in a comment.
sed -i '1s@ [|] https://tailwindcss[.]com [*]/@ */@' "$app_css" "$emergency_css"

if [[ $# -eq 0 ]]; then
  mkdir -p ../wwwroot/vendor
  cp node_modules/chart.js/dist/chart.umd.min.js ../wwwroot/vendor/chart.umd.min.js
  cp node_modules/chart.js/LICENSE.md ../wwwroot/vendor/chart.js.LICENSE.md
  echo "Built $app_css and $emergency_css, and vendored Chart.js $(node -p "require('./node_modules/chart.js/package.json').version")."
fi
