#!/usr/bin/env bash
# Reproduces docs/results.md "How far the test's voices carry a number": the runs of "Near misses an accent would say"
# (scripts/reproduce-near-miss-rule.sh, run first in the same folder; every step resumes) and three changes to the
# recipe's training stage (dropout 0.1 at seeds 1 and 3, `--augment true` and 80 channels at seed 1), all scored on the
# not-an-accent corpus's test split (it names the keyword voices, so each FRR gets its interval over them), the two
# baselines also with 10 and 20 frames of smoothing, each group compared voice for voice with the baseline of its seed,
# and openWakeWord scored on the same streams beside the two baselines.
# Usage: scripts/reproduce-voice-intervals.sh [OUT]   (default OUT=runs/near-miss-rule)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="${1:-runs/near-miss-rule}"
"$root/scripts/reproduce-near-miss-rule.sh" "$out"
cd "$out"
sal() { "$root/sal" "$@"; }

config=base/train/train.json
for seed in 1 3; do
  [ -f "drop-s$seed/weights.dat" ] || sal train --config "$config" --dropout 0.1 --seed "$seed" --out "drop-s$seed"
done
[ -f aug-s1/weights.dat ] || sal train --config "$config" --augment true --seed 1 --out aug-s1
[ -f h80-s1/weights.dat ] || sal train --config "$config" --hidden 80 --seed 1 --out h80-s1

test="$PWD/nm/manifest.jsonl"
score() { local name=$1; shift; [ -f "$name/metrics.json" ] || sal eval --data "$test" --fa-per-hour 0.5,1,2,5,10 --out "$name" "$@"; }
for seed in 1 3; do
  run=base-s3; [ "$seed" = 1 ] && run=base/train
  score "v-base-s$seed" --run "$run"
  score "v-base-s$seed-sm10" --run "$run" --smoothing 10
  score "v-base-s$seed-sm20" --run "$run" --smoothing 20
  score "v-drop-s$seed" --run "drop-s$seed"
done
for run in aug-s1 h80-s1 nm-s1 nm-s3 acc-s1 acc-s3; do
  score "v-$run" --run "$run"
done
sal eval --compare v-base-s1 v-base-s3 v-base-s1-sm10 v-base-s1-sm20 v-drop-s1 v-aug-s1 v-h80-s1 v-nm-s1 v-acc-s1 --out compare-s1
sal eval --compare v-base-s3 v-base-s3-sm10 v-base-s3-sm20 v-drop-s3 v-nm-s3 v-acc-s3 --out compare-s3
# openWakeWord on the same streams, one step phase so that every row scores the same keywords, our two baselines beside it.
sal peers --task kws --data "$test" --phases 1 --lead-in 1.3 --runs base/train base-s3 --fa-per-hour 0.5,1,2,5,10 --out peers-nm.json
