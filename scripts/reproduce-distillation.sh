#!/usr/bin/env bash
# Reproduces docs/results.md "Ensembles, and distilling one into a single model": the runs of "How far the test's voices
# carry a number" (scripts/reproduce-voice-intervals.sh, run first in the same folder; every step resumes), the
# recipe's training stage at 32 channels (seeds 1 and 3), students of the recipe's size distilled from the two
# baselines and from four teachers (the baselines and the dropout runs), ensembles scored as one detector, all on the
# not-an-accent corpus's test split and compared voice for voice with the baseline of each seed; then a third seed's
# baseline and student (its own seed not among the teachers).
# Usage: scripts/reproduce-distillation.sh [OUT]   (default OUT=runs/near-miss-rule)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="${1:-runs/near-miss-rule}"
"$root/scripts/reproduce-voice-intervals.sh" "$out"
cd "$out"
sal() { "$root/sal" "$@"; }

config=base/train/train.json
two=(base/train base-s3)
four=(base/train base-s3 drop-s1 drop-s3)
for seed in 1 3; do
  [ -f "h32-s$seed/weights.dat" ] || sal train --config "$config" --hidden 32 --seed "$seed" --out "h32-s$seed"
  [ -f "dist-s$seed/weights.dat" ] || sal train --config "$config" --teacher "${two[@]}" --seed "$seed" --out "dist-s$seed"
  [ -f "dist4-s$seed/weights.dat" ] || sal train --config "$config" --teacher "${four[@]}" --seed "$seed" --out "dist4-s$seed"
done

test="$PWD/nm/manifest.jsonl"
score() { local name=$1; shift; [ -f "$name/metrics.json" ] || sal eval --data "$test" --fa-per-hour 0.5,1,2,5,10 --out "$name" "$@"; }
score e-base-s1s3 --run "${two[@]}"
score e-h32-s1s3 --run h32-s1 h32-s3
# A third seed whose own baseline is not among the teachers.
[ -f base-s2/weights.dat ] || sal train --config "$config" --seed 2 --out base-s2
[ -f dist-s2/weights.dat ] || sal train --config "$config" --teacher "${two[@]}" --seed 2 --out dist-s2
score v-base-s2 --run base-s2
score v-dist-s2 --run dist-s2
sal eval --compare v-base-s2 v-dist-s2 e-base-s1s3 --out compare-dist-s2
for seed in 1 3; do
  for run in h32 dist dist4; do
    score "v-$run-s$seed" --run "$run-s$seed"
  done
  sal eval --compare "v-base-s$seed" "v-dist-s$seed" "v-dist4-s$seed" e-base-s1s3 "v-h32-s$seed" e-h32-s1s3 --out "compare-dist-s$seed"
done
