#!/usr/bin/env bash
# Makes the screenshots in this folder: the real `vigie` window, under a
# virtual X server (Xvfb), drawn by wgpu's Vulkan backend on lavapipe (Mesa's
# CPU Vulkan driver), captured with ImageMagick's `import`.
#
# Usage (from the workspace root, as root on Debian/Ubuntu):
#   bash screenshot/make-screenshots.sh
#
# Facts learnt the hard way: the screen depth must be 24 (16 makes wgpu
# panic), and wgpu's GL backend does not work under Xvfb; Vulkan on
# lavapipe does, hence WGPU_BACKEND=vulkan.
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
for pkg in xvfb mesa-vulkan-drivers imagemagick libxkbcommon-x11-0 libvulkan1 libxcursor1 libxrandr2 libxi6; do
  dpkg -s "$pkg" >/dev/null 2>&1 || need+=("$pkg")
done
if ((${#need[@]})); then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

cargo build --release --locked
VIGIE=${CARGO_TARGET_DIR:-target}/release/vigie
OUT=screenshot
DISPLAY_NUM=:77
Xvfb "$DISPLAY_NUM" -screen 0 1280x720x24 -nolisten tcp >/dev/null 2>&1 &
xvfb=$!
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  kill "$xvfb" 2>/dev/null || true
}
trap cleanup EXIT
sleep 1
export DISPLAY=$DISPLAY_NUM WGPU_BACKEND=vulkan

shoot() { # shoot FILE SECONDS_TO_WAIT
  sleep "$2"
  import -window root "$OUT/$1"
  echo "screenshot: $OUT/$1"
}

# The demo with 1, 4 and 9 synthetic cameras.
for n in 1 4 9; do
  "$VIGIE" demo --cameras "$n" --http off --listen 127.0.0.1:0 --seconds 9 >/dev/null 2>&1 &
  pid=$!
  shoot "demo-$n-cameras.png" 6
  wait "$pid" || true
done

# Motion and recording: a room that someone crosses from 6 s to 12 s; the
# window frames the moving cameras in red and shows REC while recording.
rec=$(mktemp -d)
"$VIGIE" demo --cameras 4 --scene moving-object --record "$rec" --http off --listen 127.0.0.1:0 --seconds 12 >/dev/null 2>&1 &
pid=$!
shoot "motion-recording.png" 9.5
wait "$pid" || true
rm -rf "$rec"

# An offline camera: four cameras on a server, one of which stops after
# 30 frames and is shown "HORS LIGNE".
"$VIGIE" server --http off --listen 127.0.0.1:18485 >/dev/null 2>&1 &
pids+=($!)
sleep 1
for name in entrée jardin garage; do
  "$VIGIE" client --server 127.0.0.1:18485 --name "$name" --size 640x480 --fps 10 >/dev/null 2>&1 &
  pids+=($!)
done
"$VIGIE" client --server 127.0.0.1:18485 --name cave --size 640x480 --fps 10 --frames 30 >/dev/null 2>&1 &
pids+=($!)
shoot "offline-camera.png" 9

# The empty server, waiting for its first camera.
kill "${pids[@]}" 2>/dev/null || true
pids=()
sleep 1
"$VIGIE" server --http off --listen 0.0.0.0:18486 >/dev/null 2>&1 &
pids+=($!)
shoot "empty-server.png" 3
