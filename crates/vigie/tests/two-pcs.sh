#!/usr/bin/env bash
# "Two PCs" on one Linux machine: two network namespaces joined by a virtual
# Ethernet cable (veth). PC 1 runs `vigie server --headless`, PC 2 runs
# `vigie client` pointed at PC 1's address, exactly as in the report's demo
# on two machines. Each namespace has its own interfaces, addresses and
# routes, so the frames really cross a (virtual) network.
#
#   +------------ vigie-pc1 ------------+        +------------ vigie-pc2 ------------+
#   | vigie server  10.85.0.1:8485      |        | vigie client --server 10.85.0.1   |
#   |          veth-pc1 (10.85.0.1/24) -+--------+- veth-pc2 (10.85.0.2/24)          |
#   +-----------------------------------+        +-----------------------------------+
#
# Usage: crates/vigie/tests/two-pcs.sh [path/to/vigie]   (needs root and iproute2)
set -euo pipefail

VIGIE=$(realpath "${1:-target/release/vigie}")
FRAMES=30
PC1=vigie-pc1
PC2=vigie-pc2
LOG=$(mktemp -d)

if [ ! -x "$VIGIE" ]; then
  echo "two-pcs: no vigie binary at $VIGIE (build it first: cargo build --release)" >&2
  exit 1
fi
if ! ip netns add vigie-probe 2>/dev/null; then
  echo "two-pcs: SKIPPED: cannot create network namespaces here (needs root, iproute2 and a kernel that allows it)"
  exit 0
fi
ip netns del vigie-probe

server_pid=""
cleanup() {
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null || true
  ip netns del "$PC1" 2>/dev/null || true
  ip netns del "$PC2" 2>/dev/null || true
}
trap cleanup EXIT
cleanup

ip netns add "$PC1"
ip netns add "$PC2"
ip link add veth-pc1 type veth peer name veth-pc2
ip link set veth-pc1 netns "$PC1"
ip link set veth-pc2 netns "$PC2"
ip -n "$PC1" addr add 10.85.0.1/24 dev veth-pc1
ip -n "$PC2" addr add 10.85.0.2/24 dev veth-pc2
for ns in "$PC1" "$PC2"; do ip -n "$ns" link set lo up; done
ip -n "$PC1" link set veth-pc1 up
ip -n "$PC2" link set veth-pc2 up

echo "two-pcs: PC 1 ($PC1, 10.85.0.1) starts the server"
# Each PC keeps its own state: the server its key and paired cameras, the
# camera its pinned certificate and token (the README's recipe, in order:
# start the server, read the code, start the client with it).
ip netns exec "$PC1" "$VIGIE" server --headless --http off --listen 0.0.0.0:8485 --stats-interval 1 \
  --state-dir "$LOG/pc1-state" >"$LOG/server.out" 2>"$LOG/server.err" &
server_pid=$!
for _ in $(seq 100); do
  grep -q "^pairing code:" "$LOG/server.out" 2>/dev/null && break
  sleep 0.1
done
cat "$LOG/server.out"
code=$(awk '/^pairing code:/ { print $3; exit }' "$LOG/server.out")
if [ -z "$code" ]; then
  echo "two-pcs: FAILED: the server printed no pairing code" >&2
  cat "$LOG/server.err" >&2
  exit 1
fi

echo "two-pcs: PC 2 ($PC2, 10.85.0.2) pairs with code $code, then sends $FRAMES frames over TLS"
ip netns exec "$PC2" "$VIGIE" client --server 10.85.0.1 --pair "$code" --name salon \
  --state-dir "$LOG/pc2-state" --size 320x240 --fps 15 --frames 1
# A later run needs no code: the certificate is pinned, the token kept.
ip netns exec "$PC2" "$VIGIE" client --server 10.85.0.1 --name salon \
  --state-dir "$LOG/pc2-state" --size 320x240 --fps 15 --frames "$FRAMES"

# The server's summary table, printed when it stops, says what arrived.
kill -TERM "$server_pid"
wait "$server_pid" || true
server_pid=""
echo "two-pcs: server output:"
cat "$LOG/server.out"
received=$(awk '$1 == "salon" && $3 == "native" { print $4 }' "$LOG/server.out" | tail -n 1)
peer=$(awk '$1 == "salon" && $3 == "native" { print $2 }' "$LOG/server.out" | tail -n 1)
if ! grep -q 'camera "salon" connected from 10.85.0.2:.*TLS, paired' "$LOG/server.err"; then
  echo "two-pcs: FAILED: the camera did not connect over TLS as a paired camera" >&2
  cat "$LOG/server.err" >&2
  exit 1
fi
# The camera's count covers both runs: 1 frame while pairing, then $FRAMES.
if [ "$received" = "$((FRAMES + 1))" ] && [[ "$peer" == 10.85.0.2:* ]]; then
  echo "two-pcs: OK: paired, then $received frames from $peer crossed the virtual network over TLS"
else
  echo "two-pcs: FAILED: expected $((FRAMES + 1)) frames from 10.85.0.2, the server saw '${received:-none}' from '${peer:-nobody}'" >&2
  cat "$LOG/server.err" >&2
  exit 1
fi
