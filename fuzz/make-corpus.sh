#!/usr/bin/env bash
# Seeds every fuzz target from the real fixtures, then minimises each corpus.
#
#   fuzz/make-corpus.sh
#
# examples/make_corpus.rs writes the seeds (the numpy pickles of
# fixtures/legacy, OpenCV's sample JPEG, native connections, recordings
# written by the recorder's writer, frames of the test pattern); they are
# added to fuzz/corpus/<target>/, next to what earlier fuzzing found, and
# `cargo fuzz cmin` keeps a smallest set of inputs that covers every edge
# the whole set covers (`-set_cover_merge=1 -use_counters=0`: edges, not
# hit counts, so the committed corpus stays small). Needs the
# nightly toolchain and cargo-fuzz (`cargo install --locked cargo-fuzz`).
set -euo pipefail
cd "$(dirname "$0")"
target_dir="${FUZZ_TARGET_DIR:-$HOME/.cache/vigie-ci/fuzz-target}"
seeds="$(mktemp -d)"
trap 'rm -rf "$seeds"' EXIT
cargo run --locked --release --quiet --example make_corpus --target-dir "$target_dir/tools" -- "$seeds"
for target in $(cargo +nightly fuzz list); do
  mkdir -p "corpus/$target"
  cp "$seeds/$target"/* "corpus/$target/"
  cargo +nightly fuzz cmin --target-dir "$target_dir" "$target" "corpus/$target" -- \
    -set_cover_merge=1 -use_counters=0 -rss_limit_mb=2048 -timeout=10 2>&1 | grep -E '^MERGE-OUTER: .* new files' || true
  echo "$target: $(ls "corpus/$target" | wc -l) files, $(du -sh --apparent-size "corpus/$target" | cut -f1)"
done
