#!/usr/bin/env bash
# Reproduces docs/results.md "A running mean of the input (`--running-mean`)": the kws recipe on the not-an-accent
# corpus without its mining round (its training stage is seed 1's baseline), the same stage at seeds 3 and 2, and each
# seed again with a running mean of 100 frames subtracted from the input; every run scored on that corpus's test split
# and compared voice for voice with the baseline of its seed; then kws time constants of 30 and 15 frames (three
# seeds), 8 frames (two) and 300 frames (seed 1), the recipe with 30 frames and its mining round on the same corpus,
# the shipped model on that test split, openWakeWord beside the 30-frame runs, CE and near-miss anchors with 30
# frames and CE with 15 frames (three seeds each), plain SAL with 30 frames (three seeds), and the last epoch of
# every 30- and 15-frame run against the one dev picked. Then the same as the first for the onset recipe (20 h, 8
# epochs), and 30 frames at seed 1.
# Every step resumes or is skipped once done.
# Usage: scripts/reproduce-running-mean.sh [OUT]   (default OUT=runs/running-mean)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="${1:-runs/running-mean}"
mkdir -p "$out"
cd "$out"
sal() { "$root/sal" "$@"; }

# arms RECIPE BUDGETS PREFIX: seeds 1, 3 and 2 of RECIPE's training stage with and without the running mean, each
# scored on RECIPE's test split (eval folders PREFIXbase-sS and PREFIXrm100-sS) and compared with its seed's baseline.
arms() {
  local recipe=$1 budgets=$2 prefix=$3
  local config="$recipe/train/train.json" test="$PWD/$recipe/data/manifest.jsonl"
  for seed in 1 3 2; do
    local base="${prefix}base-s$seed"; [ "$seed" = 1 ] && base="$recipe/train"
    [ -f "$base/weights.dat" ] || sal train --config "$config" --seed "$seed" --out "$base"
    [ -f "${prefix}rm100-s$seed/weights.dat" ] || sal train --config "$config" --running-mean 100 --seed "$seed" --out "${prefix}rm100-s$seed"
    for run in "$base" "${prefix}rm100-s$seed"; do
      local name="v-${prefix}base-s$seed"; [ "$run" = "$base" ] || name="v-${prefix}rm100-s$seed"
      [ -f "$name/metrics.json" ] || sal eval --run "$run" --data "$test" --fa-per-hour "$budgets" --out "$name"
    done
    sal eval --compare "v-${prefix}base-s$seed" "v-${prefix}rm100-s$seed" --out "compare-${prefix}rm-s$seed"
  done
}

# --running-mean 0: these runs were measured before the kws recipe subtracted a running mean by default.
sal recipe kws --keyword "hey jarvis" --running-mean 0 --near-misses not-an-accent --mine-rounds 0 --out nmr
arms nmr 0.5,1,2,5,10 ""
test="$PWD/nmr/data/manifest.jsonl"
for run in rm30-s1 rm30-s3 rm30-s2 rm300-s1 rm15-s1 rm15-s3 rm15-s2 rm8-s1 rm8-s3; do
  frames=${run#rm}; frames=${frames%-s*}; seed=${run##*-s}
  [ -f "$run/weights.dat" ] || sal train --config nmr/train/train.json --running-mean "$frames" --seed "$seed" --out "$run"
  [ -f "v-$run/metrics.json" ] || sal eval --run "$run" --data "$test" --fa-per-hour 0.5,1,2,5,10 --out "v-$run"
done
sal eval --compare v-base-s1 v-rm30-s1 v-rm100-s1 v-rm300-s1 --out compare-rm-tau-s1
for seed in 3 2; do
  sal eval --compare "v-base-s$seed" "v-rm30-s$seed" "v-rm100-s$seed" --out "compare-rm-tau-s$seed"
done
sal eval --compare v-base-s1 v-rm30-s1 v-rm15-s1 v-rm8-s1 --out compare-rm-short-s1
for seed in 3 2; do
  sal eval --compare "v-base-s$seed" "v-rm30-s$seed" "v-rm15-s$seed" --out "compare-rm-short-s$seed"
done
# The recipe with the 30-frame running mean and its mining round, on the same corpus (the synth stage is skipped).
if [ ! -f nmr30/recipe.json ]; then
  mkdir -p nmr30/.recipe
  ln -sfn ../nmr/data nmr30/data
  cp nmr/corpus.json nmr30/
  cp nmr/.recipe/synth.json nmr30/.recipe/
fi
sal recipe kws --config nmr/recipe.json --running-mean 30 --mine-rounds 1 --force --out nmr30
[ -f v-shipped/metrics.json ] || sal eval --run "$root/models/hey_jarvis" --data "$test" --fa-per-hour 0.5,1,2,5,10 --out v-shipped
# openWakeWord on the same streams beside the three 30-frame runs.
[ -f peers-rm30.json ] || sal peers --task kws --data "$test" --phases 1 --lead-in 1.3 --runs rm30-s1 rm30-s3 rm30-s2 \
  --fa-per-hour 0.5,1,2,5,10 --out peers-rm30.json
# The loss with the running mean: CE, and SA+FL with near-miss anchors, each against SA+FL of its seed.
for seed in 1 3 2; do
  [ -f "ce30-s$seed/weights.dat" ] || sal train --config nmr/train/train.json --loss ce --running-mean 30 --seed "$seed" --out "ce30-s$seed"
  [ -f "nma30-s$seed/weights.dat" ] || sal train --config nmr/train/train.json --near-miss-anchors --running-mean 30 --seed "$seed" --out "nma30-s$seed"
  for run in "ce30-s$seed" "nma30-s$seed"; do
    [ -f "v-$run/metrics.json" ] || sal eval --run "$run" --data "$test" --fa-per-hour 0.5,1,2,5,10 --out "v-$run"
  done
  sal eval --compare "v-rm30-s$seed" "v-ce30-s$seed" "v-nma30-s$seed" --out "compare-loss30-s$seed"
done
for seed in 1 3 2; do
  [ -f "ce15-s$seed/weights.dat" ] || sal train --config nmr/train/train.json --loss ce --running-mean 15 --seed "$seed" --out "ce15-s$seed"
  [ -f "v-ce15-s$seed/metrics.json" ] || sal eval --run "ce15-s$seed" --data "$test" --fa-per-hour 0.5,1,2,5,10 --out "v-ce15-s$seed"
done
# Plain SAL (no focal term) with 30 frames, three seeds.
for seed in 1 3 2; do
  [ -f "sal30-s$seed/weights.dat" ] || sal train --config nmr/train/train.json --loss sal --running-mean 30 --seed "$seed" --out "sal30-s$seed"
  [ -f "v-sal30-s$seed/metrics.json" ] || sal eval --run "sal30-s$seed" --data "$test" --fa-per-hour 0.5,1,2,5,10 --out "v-sal30-s$seed"
  sal eval --compare "v-rm30-s$seed" "v-ce30-s$seed" "v-sal30-s$seed" --out "compare-sal30-s$seed"
done
# Which epoch to ship: the last epoch of every 30- and 15-frame run against the epoch dev chose.
for run in rm30 ce30 sal30 rm15 ce15; do
  for seed in 1 3 2; do
    [ -f "vl-$run-s$seed/metrics.json" ] || sal eval --run "$run-s$seed" --weights last --data "$test" --fa-per-hour 0.5,1,2,5,10 --out "vl-$run-s$seed"
    sal eval --compare "v-$run-s$seed" "vl-$run-s$seed" --out "compare-last-$run-s$seed"
  done
done
sal recipe onset --hours 20 --epochs 8 --mine-rounds 0 --out onset3
arms onset3 1,5,10,30 o
[ -f orm30-s1/weights.dat ] || sal train --config onset3/train/train.json --running-mean 30 --seed 1 --out orm30-s1
[ -f v-orm30-s1/metrics.json ] || sal eval --run orm30-s1 --data "$PWD/onset3/data/manifest.jsonl" --fa-per-hour 1,5,10,30 --out v-orm30-s1
