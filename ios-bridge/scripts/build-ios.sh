#!/usr/bin/env bash
# Builds the widget and copies it, with the ONNX Runtime WASM files and the host page, into the iOS app's
# resources (ios-bridge/App/Resources/widget/, gitignored), served in the app as app://bundle/….
# Usage: pnpm build:ios            (from the repository root)
#        FTF_SKIP_WIDGET_BUILD=1 pnpm build:ios   (copy an existing packages/widget/dist/)
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
# Overridable for tests (packages/widget/test/bridge/build-ios-script.test.ts).
dist="${FTF_WIDGET_DIST:-$root/packages/widget/dist}"
out="${FTF_IOS_WIDGET_OUT:-$root/ios-bridge/App/Resources/widget}"

if [[ "${FTF_SKIP_WIDGET_BUILD:-}" != "1" ]]; then
  (cd "$root" && pnpm --filter @find-this-fit/widget build)
fi

# The layout the widget build promises (packages/widget/vite.config.ts): fail loudly if it changed.
for required in find-this-fit.js embed-worker.js ort; do
  if [[ ! -e "$dist/$required" ]]; then
    echo "build-ios: $dist/$required is missing; did the widget build run? (pnpm --filter @find-this-fit/widget build)" >&2
    exit 1
  fi
done
if ! compgen -G "$dist/ort/*.wasm" >/dev/null; then
  echo "build-ios: no ONNX Runtime .wasm files in $dist/ort/" >&2
  exit 1
fi

rm -rf "$out"
mkdir -p "$out"
# Everything the scheme handler may serve, nothing else: it only serves an allowlist of extensions
# (html js mjs wasm json css jpg jpeg png webp onnx), so source maps and the like stay out of the app.
(cd "$dist" && find . -type f \( -name '*.js' -o -name '*.mjs' -o -name '*.wasm' -o -name '*.json' \
  -o -name '*.css' -o -name '*.png' -o -name '*.jpg' -o -name '*.webp' -o -name '*.onnx' \) -print0 |
  while IFS= read -r -d '' file; do
    mkdir -p "$out/$(dirname "$file")"
    cp "$file" "$out/$file"
  done)
cp "$here/../App/host/index.html" "$out/index.html"

# The host page loads find-this-fit.js; the classic-script IIFE build is not needed in the app.
rm -f "$out/find-this-fit.iife.js"

count=$(find "$out" -type f | wc -l | tr -d ' ')
size=$(du -sh "$out" | cut -f1)
echo "build-ios: copied $count files ($size) to $out"
