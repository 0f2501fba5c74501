#!/usr/bin/env bash
# Solution of chapter 12's exercise: a third PC. PC 1 runs the server and
# has two cables, one to PC 2 (10.85.0.0/24, camera "salon") and one to
# PC 3 (10.85.1.0/24, camera "jardin"). The server listens on 0.0.0.0, so
# it takes both networks; each camera pairs with its own code (one code
# pairs one camera: `vigie pair` prints a fresh one).
#
#   vigie-pc2 (10.85.0.2) ---- veth ----+ vigie-pc1 +---- veth ---- vigie-pc3 (10.85.1.2)
#                        (10.85.0.1) veth-pc1   veth-pc1b (10.85.1.1)
#
# Usage: tutorial/ma-vigie/solutions/ch12_trois_pcs.sh [path/to/vigie]   (needs root and iproute2)
# Checked by `cargo test ch12 --features solutions` in tutorial/ma-vigie.
set -euo pipefail

VIGIE=$(realpath "${1:-target/release/vigie}")
FRAMES=30
STATE=$(mktemp -d)

if ! ip netns add vigie-probe 2>/dev/null; then
  echo "trois-pcs: SKIPPED: cannot create network namespaces here (needs root and iproute2)"
  exit 0
fi
ip netns del vigie-probe

server_pid=""
cleanup() {
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null || true
  for ns in vigie-pc1 vigie-pc2 vigie-pc3; do ip netns del "$ns" 2>/dev/null || true; done
}
trap cleanup EXIT
cleanup

# ANCHOR: cables
# One cable: its two ends, in two PCs, with an address on each.
cable() { # cable PC_A END_A ADDR_A PC_B END_B ADDR_B
  ip link add "$2" type veth peer name "$5"
  ip link set "$2" netns "$1"
  ip link set "$5" netns "$4"
  ip -n "$1" addr add "$3" dev "$2"
  ip -n "$4" addr add "$6" dev "$5"
  ip -n "$1" link set "$2" up
  ip -n "$4" link set "$5" up
}
for ns in vigie-pc1 vigie-pc2 vigie-pc3; do
  ip netns add "$ns"
  ip -n "$ns" link set lo up
done
cable vigie-pc1 veth-pc1 10.85.0.1/24 vigie-pc2 veth-pc2 10.85.0.2/24
cable vigie-pc1 veth-pc1b 10.85.1.1/24 vigie-pc3 veth-pc3 10.85.1.2/24
# ANCHOR_END: cables

ip netns exec vigie-pc1 "$VIGIE" server --headless --http off --listen 0.0.0.0:8485 \
  --state-dir "$STATE/pc1" >"$STATE/server.out" 2>"$STATE/server.err" &
server_pid=$!
for _ in $(seq 100); do
  grep -q "^pairing code:" "$STATE/server.out" 2>/dev/null && break
  sleep 0.1
done
first=$(awk '/^pairing code:/ { print $3; exit }' "$STATE/server.out")

# ANCHOR: cameras
# PC 2 pairs with the code the server printed; PC 3 with a fresh one.
ip netns exec vigie-pc2 "$VIGIE" client --server 10.85.0.1 --pair "$first" --name salon \
  --state-dir "$STATE/pc2" --size 320x240 --frames "$FRAMES" &
salon_pid=$!
second=$("$VIGIE" pair --state-dir "$STATE/pc1" | awk '/^pairing code:/ { print $3 }')
ip netns exec vigie-pc3 "$VIGIE" client --server 10.85.1.1 --pair "$second" --name jardin \
  --state-dir "$STATE/pc3" --size 320x240 --frames "$FRAMES"
wait "$salon_pid"
# ANCHOR_END: cameras

kill -TERM "$server_pid"
wait "$server_pid" || true
server_pid=""
cat "$STATE/server.out"
# The summary table: one line per camera, with its address and frame count.
salon=$(awk '$1 == "salon" { print $2, $4 }' "$STATE/server.out" | tail -n 1)
jardin=$(awk '$1 == "jardin" { print $2, $4 }' "$STATE/server.out" | tail -n 1)
if [[ "$salon" == 10.85.0.2:*" $FRAMES" && "$jardin" == 10.85.1.2:*" $FRAMES" ]]; then
  echo "trois-pcs: OK: two cameras, from 10.85.0.2 and 10.85.1.2, $FRAMES frames each"
else
  echo "trois-pcs: FAILED: salon '${salon:-none}', jardin '${jardin:-none}'" >&2
  cat "$STATE/server.err" >&2
  exit 1
fi
