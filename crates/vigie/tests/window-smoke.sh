#!/usr/bin/env bash
# The real window under a virtual X server: `vigie demo` opens it, and keys
# typed with xdotool drive it as a person would: `S` saves a PNG, `2` shows
# the second camera alone, `Q` quits (well before --seconds runs out).
#
# Usage: crates/vigie/tests/window-smoke.sh [path/to/vigie]
# Needs: xvfb, mesa-vulkan-drivers (lavapipe), xdotool, imagemagick.
set -euo pipefail
VIGIE=$(realpath "${1:-target/debug/vigie}")
for tool in Xvfb xdotool convert; do
  if ! command -v "$tool" >/dev/null; then
    echo "window-smoke: SKIPPED: $tool is not installed"
    exit 0
  fi
done
work=$(mktemp -d)
cd "$work"
export DISPLAY=:78 WGPU_BACKEND=vulkan
# Depth 24: at 16 wgpu panics. GL does not work under Xvfb; Vulkan on lavapipe does.
Xvfb "$DISPLAY" -screen 0 1280x720x24 -nolisten tcp >/dev/null 2>&1 &
xvfb=$!
trap 'kill $xvfb 2>/dev/null || true' EXIT
sleep 1

"$VIGIE" demo --cameras 2 --http off --listen 127.0.0.1:0 --seconds 120 >demo.out 2>demo.err &
demo=$!
window=""
for _ in $(seq 100); do
  window=$(xdotool search --name "vigie demo" 2>/dev/null | head -n 1 || true)
  [ -n "$window" ] && break
  sleep 0.2
done
if [ -z "$window" ]; then
  echo "window-smoke: FAILED: no vigie window appeared" >&2
  cat demo.err >&2
  exit 1
fi
sleep 6 # let frames arrive and be decoded
xdotool windowfocus --sync "$window"
xdotool key --window "$window" s
sleep 1
xdotool key --window "$window" 2
sleep 1
xdotool key --window "$window" q
for _ in $(seq 100); do
  kill -0 "$demo" 2>/dev/null || break
  sleep 0.2
done
if kill -0 "$demo" 2>/dev/null; then
  echo "window-smoke: FAILED: Q did not quit" >&2
  kill "$demo"
  exit 1
fi
wait "$demo"

shot=$(ls vigie-*.png 2>/dev/null | head -n 1 || true)
if [ -z "$shot" ]; then
  echo "window-smoke: FAILED: S saved no screenshot" >&2
  cat demo.err >&2
  exit 1
fi
grep -q "screenshot saved: .*$shot" demo.err
size=$(convert "$shot" -format "%wx%h" info:)
# The test pattern's colour bars: count clearly yellow pixels (R,G high, B low).
yellow=$(convert "$shot" -fx "(r>0.6 && g>0.6 && b<0.3) ? 1 : 0" -format "%[fx:mean*w*h]" info:)
echo "window-smoke: screenshot $shot is $size with ${yellow%.*} yellow pixels"
if [ "${yellow%.*}" -lt 1000 ]; then
  echo "window-smoke: FAILED: the screenshot does not show the test pattern" >&2
  exit 1
fi
grep -q "jardin" demo.out
echo "window-smoke: OK: window opened, S saved a picture of the cameras, 2 and Q worked"
