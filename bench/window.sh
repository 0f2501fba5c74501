#!/usr/bin/env bash
# The window's CPU with nine cameras: `vigie server` (window 1280×720, under
# Xvfb, wgpu on lavapipe, which renders on the CPU) receiving nine
# `vigie client`s, 640×480 JPEG q90 at 15 fps each, over loopback in
# plaintext. Prints the server's CPU time (utime + stime from
# /proc/PID/stat) over SECONDS after WARMUP seconds, and the nine clients'.
# Several binaries given: measured one after the other, in the same run,
# ROUNDS times in turn, so their ratios are comparable.
#
#   bench/window.sh target/release/vigie [OTHER_VIGIE …]
#   ROUNDS=3 SECONDS_TO_MEASURE=20 WARMUP=5 bench/window.sh old/vigie new/vigie
#
# Needs Xvfb and a Vulkan driver (Debian: xvfb, mesa-vulkan-drivers).
set -euo pipefail

rounds="${ROUNDS:-2}"
secs="${SECONDS_TO_MEASURE:-20}"
warmup="${WARMUP:-5}"
display=":$((70 + RANDOM % 20))"
port=$((19000 + RANDOM % 500))
tck="$(getconf CLK_TCK)"

Xvfb "$display" -screen 0 1280x720x24 -nolisten tcp >/dev/null 2>&1 &
xvfb=$!
pids=()
cleanup() { kill "${pids[@]}" "$xvfb" 2>/dev/null || true; wait 2>/dev/null || true; }
trap cleanup EXIT
sleep 1

ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }

for round in $(seq 1 "$rounds"); do
    for vigie in "$@"; do
        pids=()
        # Binaries from before the secure link have no --insecure (and no TLS).
        insecure=()
        "$vigie" server --help | grep -q -- --insecure && insecure=(--insecure)
        DISPLAY="$display" WGPU_BACKEND=vulkan RUST_LOG=warn \
            "$vigie" server "${insecure[@]}" --http off --listen "127.0.0.1:$port" >/dev/null 2>&1 &
        server=$!
        pids+=("$server")
        sleep 1
        clients=()
        for n in $(seq 1 9); do
            RUST_LOG=warn "$vigie" client "${insecure[@]}" --server "127.0.0.1:$port" \
                --name "cam$n" --fps 15 --size 640x480 --quality 90 >/dev/null 2>&1 &
            clients+=($!)
            pids+=($!)
        done
        sleep "$warmup"
        s0="$(ticks "$server")"
        c0=0; for c in "${clients[@]}"; do c0=$((c0 + $(ticks "$c"))); done
        sleep "$secs"
        s1="$(ticks "$server")"
        c1=0; for c in "${clients[@]}"; do c1=$((c1 + $(ticks "$c"))); done
        kill "${pids[@]}" 2>/dev/null || true
        wait "${pids[@]}" 2>/dev/null || true
        share=$(awk -v t=$((s1 - s0)) -v s="$secs" -v k="$tck" 'BEGIN {printf "%.1f", 100 * t / k / s}')
        echo "round $round | $vigie | server $((s1 - s0)) ticks in ${secs} s (${share} % of one core) | nine clients $((c1 - c0)) ticks"
        port=$((port + 1))
    done
done
