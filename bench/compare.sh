#!/usr/bin/env bash
# vigie against the report's Python pipeline (OpenCV + pickle + struct over
# a socket), same scenarios, same machine, same run, vigie in plaintext like
# the report (`--link plain`; the TLS figures are `vigie bench e2e`'s own): prints frames/s of each
# and the ratios vigie / Python, as medians over several rounds.
#
#   bench/compare.sh                      # 3 rounds, 5 s per run
#   ROUNDS=5 SECONDS_PER_RUN=3 bench/compare.sh
#   VIGIE_PY=/path/to/venv bench/compare.sh   # a venv with numpy + opencv-python-headless
#   VIGIE_BIN=/path/to/vigie bench/compare.sh  # that binary, nothing built
#
# vigie is the default build (its JPEG codec is libjpeg-turbo-rs, pure
# Rust). The Python peer runs twice: as the report wrote it, and tuned
# (`recv_into` a reused buffer, and glibc malloc told to keep large blocks:
# MALLOC_MMAP_THRESHOLD_ / MALLOC_TRIM_THRESHOLD_).
#
# The venv is reused if it exists ($VIGIE_PY, else the CI's
# ~/.cache/vigie-ci/py-numpy2, else ~/.cache/vigie-bench/venv, created with
# numpy and opencv-python-headless from PyPI).
#
# Python's picture is not vigie's test pattern, so JPEG sizes differ a
# little; both are printed. Ratios are taken within one round, then the
# median of each figure and ratio over the rounds is printed, and for each
# JPEG case vigie's codec limit (see the end of the summary).
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/.." && pwd)"
secs="${SECONDS_PER_RUN:-5}"
rounds="${ROUNDS:-3}"

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

if [[ -n "${VIGIE_BIN:-}" ]]; then
    vigie="$VIGIE_BIN"
else
    echo "building vigie (release)…" >&2
    target="${CARGO_TARGET_DIR:-$root/target}"
    (cd "$root" && cargo build --release -p vigie --quiet)
    vigie="$target/release/vigie"
fi
export RUST_LOG=warn
tuned_env=(MALLOC_MMAP_THRESHOLD_=16777216 MALLOC_TRIM_THRESHOLD_=268435456)

log="$(mktemp -t vigie-compare.XXXXXX)"
# record ROUND CASE WHO JSON: one tagged JSON line in the log.
record() {
    "$py" -c 'import json,sys; d=json.loads(sys.argv[4]); d.update(round=int(sys.argv[1]), case=sys.argv[2], who=sys.argv[3]); print(json.dumps(d))' \
        "$1" "$2" "$3" "$4" >>"$log"
}

for round in $(seq 1 "$rounds"); do
    echo "round $round of $rounds…" >&2
    for size in 320x240 640x480 1280x720; do
        case="jpeg q90 $size"
        record "$round" "$case" vigie-rust \
            "$("$vigie" bench e2e --size "$size" --quality 90 --seconds "$secs" --link plain --json)"
        record "$round" "$case" python \
            "$("$py" "$here/python_peer.py" --size "$size" --quality 90 --protocol 0 --seconds "$secs")"
        record "$round" "$case" python-tuned \
            "$(env "${tuned_env[@]}" "$py" "$here/python_peer.py" --size "$size" --quality 90 --protocol 0 --seconds "$secs" --tuned)"
    done
    # vigie has one raw protocol; Python's report used pickle protocol 0,
    # a current Python's default is 5.
    v="$("$vigie" bench e2e --size 640x480 --format raw --seconds "$secs" --link plain --json)"
    for proto in 0 5; do
        case="raw 640x480 pickle p$proto"
        record "$round" "$case" vigie-rust "$v"
        record "$round" "$case" python \
            "$("$py" "$here/python_peer.py" --size 640x480 --format raw --protocol "$proto" --seconds "$secs")"
        record "$round" "$case" python-tuned \
            "$(env "${tuned_env[@]}" "$py" "$here/python_peer.py" --size 640x480 --format raw --protocol "$proto" --seconds "$secs" --tuned)"
    done
done

"$py" - "$log" <<'EOF'
import json, statistics, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
cases = list(dict.fromkeys(r["case"] for r in rows))
whos = list(dict.fromkeys(r["who"] for r in rows))
fps = {(r["round"], r["case"], r["who"]): r["fps"] for r in rows}
rounds = sorted({r["round"] for r in rows})
def med(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None
def show(v, ratio=False):
    return "-" if v is None else (f"{v:.2f}" if ratio else f"{v:,.0f}")
print(f"medians of {len(rounds)} rounds, frames/s (ratios taken within each round)")
vigies = [w for w in whos if w.startswith("vigie")]
head = ["case"] + whos + [f"{v}/{p}" for v in vigies for p in ("python", "python-tuned")]
print(" | ".join(head))
for case in cases:
    cells = [case]
    for who in whos:
        cells.append(show(med(fps.get((r, case, who)) for r in rounds)))
    for v in vigies:
        for p in ("python", "python-tuned"):
            ratios = []
            for r in rounds:
                a, b = fps.get((r, case, v)), fps.get((r, case, p))
                if a is not None and b:
                    ratios.append(a / b)
            cells.append(show(med(ratios), ratio=True))
    print(" | ".join(cells))
# The codec limit of each vigie run: with encode on one core and decode on
# the other, no pipeline goes faster than 1 / the slower of the two per
# frame. Encode is the camera process's whole CPU per frame (the encode and
# its send), decode the server's decode thread; both from the same run as
# its frames/s.
print()
print("codec limit, frames/s = 1000 / max(client_cpu_ms_per_frame, server_decode_cpu_ms_per_frame); fps / limit")
print("case | who | encode ms | decode ms | limit | fps/limit")
full = {(r["round"], r["case"], r["who"]): r for r in rows}
for case in [c for c in cases if c.startswith("jpeg")]:
    for v in vigies:
        enc, dec, limits, shares = [], [], [], []
        for r in rounds:
            d = full.get((r, case, v))
            if not d or d.get("server_decode_cpu_ms_per_frame") is None:
                continue
            e, c = d.get("client_cpu_ms_per_frame"), d["server_decode_cpu_ms_per_frame"]
            if not e or not c:
                continue
            enc.append(e); dec.append(c)
            limit = 1000.0 / max(e, c)
            limits.append(limit); shares.append(d["fps"] / limit)
        if limits:
            print(f"{case} | {v} | {med(enc):.3f} | {med(dec):.3f} | {show(med(limits))} | {med(shares):.2f}")
EOF
echo >&2
echo "every JSON line (vigie and Python, tagged with round, case, who): $log" >&2
