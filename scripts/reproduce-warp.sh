#!/usr/bin/env bash
# Reproduces docs/results.md "Vocal tract length perturbation": the kws recipe with and without `--warp 1` on one 20 h
# corpus (seed 1, every stage), the recipe's training stage alone at seeds 2 and 3 with and without the warp and at
# seeds 1 and 3 with the warp plus speed perturbation on half the windows, and every run (the recipes' fine-tunes
# included) scored on the same test split at 0.5-10 FA/h.
# Usage: scripts/reproduce-warp.sh [OUT]   (default OUT=runs/warp; every step resumes or is skipped once done)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="${1:-runs/warp}"
mkdir -p "$out"
cd "$out"
sal() { "$root/sal" "$@"; }

# --running-mean 0: these runs were measured before the kws recipe subtracted a running mean by default.
sal recipe kws --keyword "hey jarvis" --running-mean 0 --out base
# The warped recipe reuses the first one's corpus: its synth stage's key does not depend on the warp.
if [ ! -f warp/recipe.json ]; then
  mkdir -p warp/.recipe
  ln -sfn ../base/data warp/data
  cp base/.recipe/synth.json warp/.recipe/
fi
sal recipe kws --keyword "hey jarvis" --running-mean 0 --warp 1 --force --out warp

manifest="$PWD/base/data/manifest.jsonl"
for seed in 2 3; do
  [ -f "base-s$seed/weights.dat" ] || sal train --config base/train/train.json --seed "$seed" --out "base-s$seed"
  [ -f "warp-s$seed/weights.dat" ] || sal train --config base/train/train.json --seed "$seed" --warp 1 --out "warp-s$seed"
done
for seed in 1 3; do
  [ -f "speedwarp-s$seed/weights.dat" ] || sal train --config base/train/train.json --seed "$seed" --warp 1 --speed 0.5 --out "speedwarp-s$seed"
done
for run in base/train base/finetune-1 warp/train warp/finetune-1 base-s2 warp-s2 base-s3 warp-s3 speedwarp-s1 speedwarp-s3; do
  name="eval-${run//\//-}"
  [ -f "$name/metrics.json" ] || sal eval --run "$run" --data "$manifest" --fa-per-hour 0.5,1,2,5,10 --out "$name"
done
