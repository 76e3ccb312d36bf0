#!/usr/bin/env bash
# Reproduces docs/results.md "Twice the training audio: the kws recipe at 40 h": the running-mean recipe's corpus and
# training stage at 40 h instead of 20 h (seed 1 through `sal recipe`, seed 2 with the same train.json), each scored
# from the epoch dev chose and from its last epoch on the 20 h corpus's test split, and on the 40 h corpus's own test
# split beside the 20 h runs of scripts/reproduce-running-mean.sh (nmr, rm30-s1..3), which must be in OUT.
# Every step resumes or is skipped once done.
# Usage: scripts/reproduce-data-scale.sh [OUT]   (default OUT=runs/running-mean)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="${1:-runs/running-mean}"
cd "$out"
sal() { "$root/sal" "$@"; }

sal recipe kws --config nmr/recipe.json --hours 40 --running-mean 30 --mine-rounds 0 --fa-per-hour 0.5,1,2,5,10 --out nmr40
[ -f nmr40-s2/weights.dat ] || sal train --config nmr40/train/train.json --seed 2 --out nmr40-s2
small="$PWD/nmr/data/manifest.jsonl"
large="$PWD/nmr40/data/manifest.jsonl"
budgets=0.5,1,2,5,10
for run in s1:nmr40/train s2:nmr40-s2; do
  seed=${run%%:*} dir=${run#*:}
  [ -f "v40-$seed/metrics.json" ] || sal eval --run "$dir" --data "$small" --fa-per-hour "$budgets" --out "v40-$seed"
  [ -f "vl40-$seed/metrics.json" ] || sal eval --run "$dir" --weights last --data "$small" --fa-per-hour "$budgets" --out "vl40-$seed"
done
# On the 40 h corpus's test split (seed 1's is the recipe's own eval, nmr40/train/eval).
[ -f w40-s2/metrics.json ] || sal eval --run nmr40-s2 --data "$large" --fa-per-hour "$budgets" --out w40-s2
for run in rm30-s1 rm30-s2 rm30-s3; do
  [ -f "w-$run/metrics.json" ] || sal eval --run "$run" --data "$large" --fa-per-hour "$budgets" --out "w-$run"
done
