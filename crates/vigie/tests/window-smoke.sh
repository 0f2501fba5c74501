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
# Wait until the X server answers: on a loaded CI machine one second was not
# always enough, and the demo, finding no display, ran headless.
for _ in $(seq 100); do
  xdotool getdisplaygeometry >/dev/null 2>&1 && break
  sleep 0.2
done
if ! xdotool getdisplaygeometry >/dev/null 2>&1; then
  echo "window-smoke: FAILED: Xvfb on $DISPLAY did not answer within 20 s" >&2
  exit 1
fi

"$VIGIE" demo --cameras 2 --http off --listen 127.0.0.1:0 --seconds 120 >demo.out 2>demo.err &
demo=$!
window=""
for _ in $(seq 300); do
  window=$(xdotool search --name "vigie demo" 2>/dev/null | head -n 1 || true)
  [ -n "$window" ] && break
  sleep 0.2
done
if [ -z "$window" ]; then
  echo "window-smoke: FAILED: no vigie window appeared" >&2
  cat demo.out demo.err >&2
  exit 1
fi
sleep 6 # let frames arrive and be decoded
xdotool windowfocus --sync "$window"
xdotool key --window "$window" s
sleep 1
xdotool key --window "$window" 2
sleep 2
xdotool key --window "$window" s
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

shots=($(ls vigie-*.png 2>/dev/null || true))
if [ "${#shots[@]}" -lt 2 ]; then
  echo "window-smoke: FAILED: S saved ${#shots[@]} screenshot(s), expected 2 (grid, then solo)" >&2
  cat demo.err >&2
  exit 1
fi
grep -q "screenshot saved: .*${shots[0]}" demo.err

# Pixels of a colour in a region: "yellow" (R, G high, B low), "cyan"
# (G, B high, R low), "magenta" (R, B high, G low): three of the test
# pattern's colour bars.
count() { # count FILE GEOMETRY COLOUR
  local fx
  case "$3" in
    yellow) fx="(r>0.6 && g>0.6 && b<0.3)" ;;
    cyan) fx="(r<0.3 && g>0.6 && b>0.6)" ;;
    magenta) fx="(r>0.6 && g<0.3 && b>0.6)" ;;
  esac
  convert "$1" -crop "$2" +repage -fx "$fx ? 1 : 0" -format "%[fx:round(mean*w*h)]" info:
}
check() { # check FILE GEOMETRY WHAT
  for colour in yellow cyan magenta; do
    n=$(count "$1" "$2" "$colour")
    if [ "$n" -lt 500 ]; then
      echo "window-smoke: FAILED: $3 ($2 of $1) has only $n $colour pixels: no test pattern there" >&2
      exit 1
    fi
  done
  echo "window-smoke: $3 shows the colour bars"
}
size=$(convert "${shots[0]}" -format "%wx%h" info:)
[ "$size" = 1280x720 ] || { echo "window-smoke: FAILED: screenshot is $size" >&2; exit 1; }
# Two cameras make a 2×1 grid (compose::grid_shape(2)): one tile per half.
check "${shots[0]}" 640x720+0+0 "grid, left tile (entrée)"
check "${shots[0]}" 640x720+640+0 "grid, right tile (jardin)"
# Key 2 shows the second camera alone, filling the window's height: its
# bars reach the top strip, which in the 2×1 grid is letterbox (dark).
check "${shots[1]}" 500x40+390+20 "solo, top strip"
for colour in yellow cyan magenta; do
  n=$(count "${shots[0]}" 500x40+390+20 "$colour")
  if [ "$n" -gt 50 ]; then
    echo "window-smoke: FAILED: the grid's top strip has $n $colour pixels: tiles are not letterboxed" >&2
    exit 1
  fi
done
grep -q "jardin" demo.out
echo "window-smoke: OK: window opened, the tiles show the test pattern where the grid puts them, 2, S and Q worked"
