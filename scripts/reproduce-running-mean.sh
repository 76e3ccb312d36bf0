#!/usr/bin/env bash
# Reproduces docs/results.md "A running mean of the input (`--running-mean`)": the kws recipe on the not-an-accent
# corpus without its mining round (its training stage is seed 1's baseline), the same stage at seeds 3 and 2, and each
# seed again with a running mean of 100 frames subtracted from the input; every run scored on that corpus's test split
# and compared voice for voice with the baseline of its seed. Then the same for the onset recipe (20 h, 8 epochs).
# Every step resumes or is skipped once done.
# Usage: scripts/reproduce-running-mean.sh [OUT]   (default OUT=runs/running-mean)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="${1:-runs/running-mean}"
mkdir -p "$out"
cd "$out"
sal() { "$root/sal" "$@"; }

sal recipe kws --keyword "hey jarvis" --near-misses not-an-accent --mine-rounds 0 --out nmr
config=nmr/train/train.json
test="$PWD/nmr/data/manifest.jsonl"
score() { local name=$1; shift; [ -f "$name/metrics.json" ] || sal eval --data "$test" --fa-per-hour 0.5,1,2,5,10 --out "$name" "$@"; }
for seed in 1 3 2; do
  base="base-s$seed"; [ "$seed" = 1 ] && base=nmr/train
  [ -f "$base/weights.dat" ] || sal train --config "$config" --seed "$seed" --out "$base"
  [ -f "rm100-s$seed/weights.dat" ] || sal train --config "$config" --running-mean 100 --seed "$seed" --out "rm100-s$seed"
  score "v-base-s$seed" --run "$base"
  score "v-rm100-s$seed" --run "rm100-s$seed"
  sal eval --compare "v-base-s$seed" "v-rm100-s$seed" --out "compare-rm-s$seed"
done

# Onset: the recipe at 20 h without mining, seeds 1, 3 and 2, with and without the running mean.
sal recipe onset --hours 20 --epochs 8 --mine-rounds 0 --out onset3
config=onset3/train/train.json
test="$PWD/onset3/data/manifest.jsonl"
oscore() { local name=$1; shift; [ -f "$name/metrics.json" ] || sal eval --data "$test" --fa-per-hour 1,5,10,30 --out "$name" "$@"; }
for seed in 1 3 2; do
  base="obase-s$seed"; [ "$seed" = 1 ] && base=onset3/train
  [ -f "$base/weights.dat" ] || sal train --config "$config" --seed "$seed" --out "$base"
  [ -f "orm100-s$seed/weights.dat" ] || sal train --config "$config" --running-mean 100 --seed "$seed" --out "orm100-s$seed"
  oscore "o-base-s$seed" --run "$base"
  oscore "o-rm100-s$seed" --run "orm100-s$seed"
done
