#!/usr/bin/env bash
# vigie against the report's Python pipeline (OpenCV + pickle + struct over
# a socket), same scenarios, same machine, same run: prints frames/s of each
# and the ratio vigie / Python.
#
#   bench/compare.sh              # 5 s per run
#   SECONDS_PER_RUN=2 bench/compare.sh
#   VIGIE_PY=/path/to/venv bench/compare.sh   # a venv with numpy + opencv-python-headless
#
# The venv is reused if it exists ($VIGIE_PY, else the CI's
# ~/.cache/vigie-ci/py-numpy2, else ~/.cache/vigie-bench/venv, created with
# numpy and opencv-python-headless from PyPI).
#
# Python's picture is not vigie's test pattern, so JPEG sizes differ a
# little; both are printed. Figures are for comparing within one run.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/.." && pwd)"
secs="${SECONDS_PER_RUN:-5}"

venv="${VIGIE_PY:-}"
if [[ -z "$venv" ]]; then
    if [[ -x "$HOME/.cache/vigie-ci/py-numpy2/bin/python" ]]; then
        venv="$HOME/.cache/vigie-ci/py-numpy2"
    else
        venv="$HOME/.cache/vigie-bench/venv"
    fi
fi
if ! "$venv/bin/python" -c 'import cv2, numpy' 2>/dev/null; then
    echo "creating $venv (numpy, opencv-python-headless)…" >&2
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet numpy opencv-python-headless
fi
py="$venv/bin/python"

echo "building vigie (release)…" >&2
(cd "$root" && cargo build --release -p vigie --quiet)
vigie="$root/target/release/vigie"
export RUST_LOG=warn

field() { # field JSON KEY
    "$py" -c 'import json,sys; v=json.loads(sys.argv[1]).get(sys.argv[2]); print("-" if v is None else v)' "$1" "$2"
}
ratio() {
    "$py" -c 'import sys; a,b=float(sys.argv[1]),float(sys.argv[2]); print(f"{a/b:.2f}" if b>0 else "-")' "$1" "$2"
}

printf '%-26s %12s %12s %8s %10s %10s\n' "run" "vigie fps" "python fps" "ratio" "vigie B" "python B"
row() { # row LABEL VIGIE_JSON PY_JSON
    local vf pf
    vf="$(field "$2" fps)"; pf="$(field "$3" fps)"
    printf '%-26s %12s %12s %8s %10s %10s\n' "$1" "$vf" "$pf" "$(ratio "$vf" "$pf")" \
        "$(field "$2" frame_bytes)" "$(field "$3" message_bytes)"
}

log="$(mktemp -t vigie-compare.XXXXXX)"
for size in 320x240 640x480 1280x720; do
    v="$("$vigie" bench e2e --size "$size" --quality 90 --seconds "$secs" --json)"
    p="$("$py" "$here/python_peer.py" --size "$size" --quality 90 --protocol 0 --seconds "$secs")"
    echo "$v" >>"$log"; echo "$p" >>"$log"
    row "jpeg q90 $size" "$v" "$p"
    t="$(MALLOC_MMAP_THRESHOLD_=16777216 MALLOC_TRIM_THRESHOLD_=268435456 \
        "$py" "$here/python_peer.py" --size "$size" --quality 90 --protocol 0 --seconds "$secs" --tuned)"
    echo "$t" >>"$log"
    row "  (tuned python)" "$v" "$t"
done
v="$("$vigie" bench e2e --size 640x480 --format raw --seconds "$secs" --json)"
echo "$v" >>"$log"
for proto in 0 5; do
    p="$("$py" "$here/python_peer.py" --size 640x480 --format raw --protocol "$proto" --seconds "$secs")"
    echo "$p" >>"$log"
    row "raw 640x480 pickle p$proto" "$v" "$p"
    t="$(MALLOC_MMAP_THRESHOLD_=16777216 MALLOC_TRIM_THRESHOLD_=268435456 \
        "$py" "$here/python_peer.py" --size 640x480 --format raw --protocol "$proto" --seconds "$secs" --tuned)"
    echo "$t" >>"$log"
    row "  (tuned python)" "$v" "$t"
done
echo >&2
echo "every JSON line (vigie and Python): $log" >&2
