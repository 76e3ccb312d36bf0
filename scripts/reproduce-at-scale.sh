#!/usr/bin/env bash
# Reproduces docs/results.md "The loss grid at scale": a 20 h keyword corpus and an 18 h onset corpus (over 10 h of
# training audio each, over 5 h of test negatives for kws), the six losses x three seeds on the TCN, and the peers on
# the same test streams.
# Usage: scripts/reproduce-at-scale.sh [OUT]   (default OUT=runs/at-scale; every step resumes, so rerun after a stop)
# With SAL_SUBMIT=slurm the grids go to Slurm as job arrays (docs/cluster.md; scripts/slurm-local.sh starts a
# single-node cluster here), which runs one cell per core; locally they run one cell after another.
# Every cell trains with one libtorch thread, so the numbers do not depend on where it ran.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="${1:-runs/at-scale}"
submit="${SAL_SUBMIT:-local}"
mkdir -p "$out"
cd "$out"
sal() { "$root/sal" "$@"; }

[ -f kws20/manifest.jsonl ] || sal synth kws --hours 20 --seed 1 --out kws20
[ -f onset18/manifest.jsonl ] || sal synth onset --hours 18 --seed 1 --out onset18

# The recipe's training settings (balanced batches, 2.5 s windows, batch 64, best epoch by dev FRR at the task's
# operating point: 1 FA/h, 5 false onsets/h). Cells run in the grid's order with the seeds innermost, so an
# interrupted grid misses whole losses; `sal experiment report` tabulates whatever has finished. (docs/results.md's
# cells were submitted to Slurm one array per seed, seed 1 of every loss first; the order changes no number.)
grid=(--models tcn --seeds 3 --window 2.5 --batch-size 64 --sampler default)
kws=(--losses ce,focal,maxpool,sal,sa+fl,safl --budget epochs=6 --dev-metric frr --fa-per-hour 1)
# Onset ran three losses for four epochs: what fitted in the session beside the keyword grid.
onset=(--losses ce,sal,sa+fl --budget epochs=4 --dev-metric frr@5 --fa-per-hour 5)
if [ "$submit" = slurm ]; then
  where=(--submit slurm --cpus-per-task 1 --mem 8G)
else
  where=(--threads 1)
fi
sal experiment --task kws --data kws20/manifest.jsonl "${grid[@]}" "${kws[@]}" --out exp-kws20 "${where[@]}"
sal experiment --task onset --data onset18/manifest.jsonl "${grid[@]}" "${onset[@]}" --out exp-onset18 "${where[@]}"
# Why SAL loses on near misses, first probe: its anchor emphasis lambda at 1 and 16 (the grid's cells have 4).
sal experiment --task kws --data kws20/manifest.jsonl --models tcn --seeds 1 --window 2.5 --batch-size 64 --sampler default \
  --losses sal --sweep lambda=1,16 --budget epochs=6 --dev-metric frr --fa-per-hour 1 --out exp-kws20-lambda "${where[@]}"
# Why the anchor losses do not win (docs/results.md): the anchor moved, one side of the kernel cut, lambda's other seeds,
# with CE and SAL again as the baseline (a CPU whose MKL ignores the pin trains other floats than the grid's machine).
probe=(--task kws --data kws20/manifest.jsonl --models tcn --window 2.5 --batch-size 64 --sampler default --budget epochs=6 \
  --dev-metric frr --fa-per-hour 1)
sal experiment "${probe[@]}" --seeds 3 --losses ce,sal --out exp-kws20-base "${where[@]}"
sal experiment "${probe[@]}" --seeds 3 --losses sal --sweep anchor-shift=-10,10 --out exp-kws20-shift "${where[@]}"
sal experiment "${probe[@]}" --seeds 3 --losses sal --sweep tau-before=0 --out exp-kws20-tb0 "${where[@]}"
sal experiment "${probe[@]}" --seeds 2 --first-seed 2 --losses sal --sweep lambda=1,16 --out exp-kws20-lambda-s23 "${where[@]}"
# Near misses in training (docs/results.md, "Near misses in training"): a larger confusable share, windows cut around
# each near miss, near-miss ends as anchors of SAL's significance. probe without its --sampler default, which these set.
nm=(--task kws --data kws20/manifest.jsonl --models tcn --window 2.5 --batch-size 64 --budget epochs=6 --dev-metric frr \
  --fa-per-hour 1)
sal experiment "${nm[@]}" --sampler positive=0.3,confusable=0.4,speech=0.15,background=0.15 --seeds 2 --losses ce,sal \
  --out exp-kws20-conf40 "${where[@]}"
sal experiment "${nm[@]}" --sampler positive=0.3,confusable=0.4,speech=0.15,background=0.15 --seeds 1 --first-seed 3 \
  --losses ce,sal --out exp-kws20-conf40-s3 "${where[@]}"
sal experiment "${nm[@]}" --sampler default,near-miss-windows --seeds 2 --losses ce,sal --out exp-kws20-nmw "${where[@]}"
sal experiment "${nm[@]}" --sampler default,near-miss-windows --seeds 1 --first-seed 3 --losses ce,sal --out exp-kws20-nmw-s3 \
  "${where[@]}"
sal experiment "${nm[@]}" --sampler default --seeds 3 --losses sal --near-miss-anchors --out exp-kws20-nma "${where[@]}"
# The two that helped SAL in every seed, together: the larger confusable share and near-miss anchors.
sal experiment "${nm[@]}" --sampler positive=0.3,confusable=0.4,speech=0.15,background=0.15 --seeds 3 --losses sal \
  --near-miss-anchors --out exp-kws20-conf40-nma "${where[@]}"
# All three together (CE cells train without near-miss anchors: they have no significance to put them in).
sal experiment "${nm[@]}" --sampler positive=0.3,confusable=0.4,speech=0.15,background=0.15,near-miss-windows --seeds 3 \
  --losses ce,sal --near-miss-anchors --out exp-kws20-nmall "${where[@]}"
# The wider TCN (48 channels, 57,889 parameters, the kws recipe's model) with the recipe's new sampler, 8 epochs:
# CE against SA+FL with near-miss anchors (the recipe's loss), two seeds each.
w48=(--task kws --data kws20/manifest.jsonl --models tcn --hidden 48 --window 2.5 --batch-size 64 --budget epochs=8 \
  --dev-metric frr --fa-per-hour 1 --sampler positive=0.3,confusable=0.4,speech=0.15,background=0.15 --seeds 2)
sal experiment "${w48[@]}" --losses ce --out exp-kws20-w48-conf40 "${where[@]}"
sal experiment "${w48[@]}" --losses sa+fl --near-miss-anchors --out exp-kws20-w48-conf40-nma "${where[@]}"
# The onset losses on the corpus without looped beds (docs/results.md "What sets the onset budget"): the onset recipe's
# own corpus (its training stage is the SAL seed-1 cell), three losses x three seeds.
[ -f onset3/data/manifest.jsonl ] || sal recipe onset --hours 20 --epochs 8 --fine-tune-epochs 2 --out onset3
o3=(--task onset --data onset3/data/manifest.jsonl --models tcn --hidden 28 --seeds 3 --window 2.5 --batch-size 64 \
  --sampler default --losses ce,sal,sa+fl --budget epochs=8 --dev-metric frr@5 --fa-per-hour 5)
sal experiment "${o3[@]}" --out exp-onset3 "${where[@]}"
# Weight averaging (docs/results.md "Weight averaging"): the same trainings, scored and shipped as a moving average of
# the weights; `sal experiment compare` pairs each cell with its twin above.
sal experiment "${w48[@]}" --losses ce --ema-decay 0.998 --out exp-kws20-w48-conf40-ema "${where[@]}"
sal experiment "${w48[@]}" --losses sa+fl --near-miss-anchors --ema-decay 0.998 --out exp-kws20-w48-conf40-nma-ema "${where[@]}"
sal experiment "${o3[@]}" --ema-decay 0.998 --out exp-onset3-ema "${where[@]}"
if [ "$submit" = slurm ]; then
  echo "submitted; when 'sal experiment status' shows every cell done, rerun this script with SAL_SUBMIT=local for the tables" >&2
  exit 0
fi

[ -f peers-kws.json ] || sal peers --task kws --data kws20/manifest.jsonl --phases 1 --lead-in 1.3 \
  --fa-per-hour 0.5,1,2,5,10 --out peers-kws.json > peers-kws.txt
[ -f peers-onset.json ] || sal peers --task onset --data onset18/manifest.jsonl --fa-per-hour 1,5,10,30 \
  --out peers-onset.json > peers-onset.txt

for fa in 1 5 10; do sal experiment report --fa-per-hour "$fa" exp-kws20 > "tables-kws-$fa.md"; done
for fa in 5 10 30; do sal experiment report --fa-per-hour "$fa" exp-onset18 > "tables-onset-$fa.md"; done
for fa in 1 10; do sal experiment report --fa-per-hour "$fa" exp-kws20-lambda > "tables-lambda-$fa.md"; done
for e in exp-kws20-base exp-kws20-shift exp-kws20-tb0 exp-kws20-lambda-s23 exp-kws20-conf40 exp-kws20-conf40-s3 \
  exp-kws20-nmw exp-kws20-nmw-s3 exp-kws20-nma exp-kws20-conf40-nma exp-kws20-nmall \
  exp-kws20-w48-conf40 exp-kws20-w48-conf40-nma; do
  for fa in 1 10; do sal experiment report --fa-per-hour "$fa" "$e" > "tables-${e#exp-}-$fa.md"; done
done
sal experiment compare exp-kws20-w48-conf40 exp-kws20-w48-conf40-ema --fa-per-hour 1,2,5,10 > compare-ema-ce.md
sal experiment compare exp-kws20-w48-conf40-nma exp-kws20-w48-conf40-nma-ema --fa-per-hour 1,2,5,10 > compare-ema-sa+fl.md
sal experiment compare exp-onset3 exp-onset3-ema --fa-per-hour 1,5,10,30 > compare-ema-onset.md
