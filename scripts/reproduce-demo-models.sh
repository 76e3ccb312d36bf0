#!/usr/bin/env bash
# Reproduces docs/results.md "The demo's models": the corpus the GRU demo made before the demo moved to the TCN
# (seed 1, 500 streams of 6 s, 50/10/40 % train/dev/test, lincity and bucklespring), its two GRUs (CE and SAL, the
# demo's settings) without and with the 30-frame running mean, the small TCN with it, and the TCN trained on a
# second corpus of 1000 streams (80/10/10 %) whose voices and packages are split as the first's; every run scored on
# the first corpus's test streams beside the shipped model. Then `sal demo` at seeds 1, 2 and 3 (the README's table
# and its spread). Every step resumes or is skipped once done.
# Usage: scripts/reproduce-demo-models.sh [OUT]   (default OUT=runs/demo-models)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="${1:-runs/demo-models}"
mkdir -p "$out"
cd "$out"
sal() { "$root/sal" "$@"; }

sal synth kws --out old --clips 500 --clip-seconds 6 --seed 1 --splits 0.5:0.1:0.4 --sources lincity,bucklespring
sal synth kws --out more --clips 1000 --clip-seconds 6 --seed 1 --splits 0.8:0.1:0.1 --sources lincity,bucklespring
test="$PWD/old/manifest.jsonl"
# The GRU demo's training settings (sal demo before the TCN): 30 epochs of 2.5 s crops, batch 8, AdamW 3e-3, best
# epoch by dev EER, seed 1.
demo=(--task kws --preset small --epochs 30 --batch-size 8 --window 2.5 --lr 0.003 --dev-metric eer --seed 1)
# run NAME DATA LOSS MODEL [FLAGS...]: train NAME on DATA and score it on the old corpus's test streams.
run() {
  local name=$1 data=$2 loss=$3 model=$4
  shift 4
  [ -f "$name/weights.dat" ] || sal train --data "$data" "${demo[@]}" --loss "$loss" --model "$model" "$@" --out "$name"
  [ -f "v-$name/metrics.json" ] || sal eval --run "$name" --data "$test" --fa-per-hour 1,10,30 --out "v-$name"
}
for loss in ce sal; do
  run "gru-$loss" "$test" "$loss" gru
  run "gru-rm30-$loss" "$test" "$loss" gru --running-mean 30
  run "tcn-rm30-$loss" "$test" "$loss" tcn --running-mean 30
  run "more-tcn-rm30-$loss" "$PWD/more/manifest.jsonl" "$loss" tcn --running-mean 30
done
[ -f v-shipped/metrics.json ] || sal eval --run "$root/models/hey_jarvis" --data "$test" --fa-per-hour 1,10,30 --out v-shipped
sal eval --compare v-gru-ce v-gru-sal v-gru-rm30-ce v-gru-rm30-sal v-tcn-rm30-ce v-tcn-rm30-sal v-more-tcn-rm30-ce \
  v-more-tcn-rm30-sal v-shipped --out compare
for seed in 1 2 3; do
  sal demo --seed "$seed" --out "demo-s$seed"
done
