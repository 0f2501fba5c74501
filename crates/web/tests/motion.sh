#!/usr/bin/env bash
# Motion (Debian package `motion`) reads a vigie camera's MJPEG stream as a
# network camera, with docs/integrations/motion.conf as the README gives
# it, and must write at least one event while the `moving-object` scene
# has someone cross the room (every 20 s).
#
# Everything runs in a new network namespace that has only loopback
# (`unshare -n`), so neither vigie nor Motion can send anything onto the
# network, and port 8080 is free there whatever runs on this machine.
#
# Usage (as root, from anywhere): bash crates/web/tests/motion.sh PATH/TO/vigie
set -euo pipefail
vigie=$(realpath "${1:?usage: motion.sh PATH/TO/vigie}")
root=$(cd "$(dirname "$0")/../../.." && pwd)
command -v motion >/dev/null || { echo "motion is not installed (Debian package \`motion\`)" >&2; exit 1; }
command -v unshare >/dev/null || { echo "unshare is not installed (Debian package \`util-linux\`)" >&2; exit 1; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir "$work/events"
# The documented file, with only the folder changed.
sed -e "s|^target_dir .*|target_dir $work/events|" "$root/docs/integrations/motion.conf" >"$work/motion.conf"
grep -q "^netcam_url http://127.0.0.1:8080/cameras/porte/stream.mjpg$" "$work/motion.conf"

export vigie work
status=0
unshare -n bash -c '
  set -euo pipefail
  ip link set lo up
  pids=()
  trap "kill \${pids[*]} 2>/dev/null || true; wait 2>/dev/null || true" EXIT
  "$vigie" server --headless --listen 127.0.0.1:8485 --http 127.0.0.1:8080 \
    --state-dir "$work/server-state" >"$work/server.log" 2>&1 &
  pids+=($!)
  for _ in $(seq 100); do
    grep -q "^pairing code:" "$work/server.log" 2>/dev/null && break
    sleep 0.1
  done
  code=$(awk "/^pairing code:/ { print \$3; exit }" "$work/server.log")
  for _ in $(seq 100); do
    (exec 3<>/dev/tcp/127.0.0.1/8080) 2>/dev/null && break
    sleep 0.1
  done
  "$vigie" client --server 127.0.0.1:8485 --pair "$code" --state-dir "$work/camera-state" --name porte --scene moving-object --size 640x480 --fps 15 >"$work/client.log" 2>&1 &
  pids+=($!)
  motion -n -c "$work/motion.conf" >"$work/motion.log" 2>&1 &
  pids+=($!)
  # Up to 90 s: the first crossing starts about 6 s after the camera.
  for _ in $(seq 90); do
    if compgen -G "$work/events/*.jpg" >/dev/null; then
      sleep 1
      exit 0
    fi
    sleep 1
  done
  exit 1
' || status=$?

events=$(find "$work/events" -name "*.jpg" | wc -l)
if ((status != 0 || events < 1)); then
  echo "FAIL: Motion wrote no event from the vigie camera" >&2
  for log in server client motion; do
    echo "--- $log.log (last lines)" >&2
    tail -n 20 "$work/$log.log" >&2 || true
  done
  exit 1
fi
echo "Motion read the vigie camera and wrote $events event picture(s): $(cd "$work/events" && ls | head -3 | tr '\n' ' ')"
