#!/usr/bin/env bash
# Reproduces every table of docs/results.md: the three corpora, the loss grids, the tau sweep, the peer comparison.
# Usage: scripts/reproduce-results.sh [OUT]   (default OUT=runs/results; every step resumes, so rerun after a stop)
# On the 2-core machine of docs/results.md the grids alone took about two and a half hours of wall time: two run at a
# time with one libtorch thread each, which uses both cores better than one grid with two threads.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="${1:-runs/results}"
mkdir -p "$out"
cd "$out"
sal() { "$root/sal" "$@"; }

# 500 streams per task; 40 % of them are test streams so that the test split holds about half an hour.
for task in kws onset trigger; do
  [ -f "data-$task/manifest.jsonl" ] || sal synth "$task" --out "data-$task" --clips 500 --splits 0.5:0.1:0.4 --seed 1 --workers 2
done

grid=(--losses ce,focal,maxpool,sal,sa+fl,safl --budget epochs=15 --window 2.5 --batch-size 8 --threads 1)
# Trigger runs one seed of every loss first, so an interrupted session still has a complete first-seed table.
(sal experiment --task kws --data data-kws/manifest.jsonl --models gru,tcn "${grid[@]}" --seeds 3 --out exp-kws
 sal experiment --task trigger --data data-trigger/manifest.jsonl --models gru "${grid[@]}" --seeds 1 --out exp-trigger-gru
 sal experiment --task trigger --data data-trigger/manifest.jsonl --models gru "${grid[@]}" --seeds 3 --out exp-trigger-gru) > grid-a.log &
(sal experiment --task onset --data data-onset/manifest.jsonl --models gru,tcn "${grid[@]}" --seeds 3 --out exp-onset
 sal experiment --task trigger --data data-trigger/manifest.jsonl --models tcn "${grid[@]}" --seeds 1 --out exp-trigger-tcn
 sal experiment --task trigger --data data-trigger/manifest.jsonl --models tcn "${grid[@]}" --seeds 3 --out exp-trigger-tcn) > grid-b.log &
wait

# The tau sweep and the onset model small enough for the peer goal (under a tenth of Silero's parameters).
sal experiment --task onset --data data-onset/manifest.jsonl --models gru --losses ce,sal --sweep tau=2,8,32 --seeds 1 \
  --budget epochs=15 --window 2.5 --batch-size 8 --threads 1 --out exp-onset-tau
for loss in sal ce; do
  [ -f "peer-onset-gru64-$loss/weights.dat" ] || sal train --data data-onset/manifest.jsonl --task onset --model gru --preset small \
    --hidden 64 --loss "$loss" --epochs 15 --window 2.5 --batch-size 8 --lr 0.003 --threads 1 --seed 1 --out "peer-onset-gru64-$loss"
done

# The peers beside the grid's seed-1 cells, on the same test streams.
sal peers --task kws --keyword "hey jarvis" --data data-kws/manifest.jsonl --lead-in 1.3 \
  --runs exp-kws/cells/{gru-ce,gru-sal,tcn-ce,tcn-sal,tcn-sa+fl}-s1 --fa-per-hour 0.5,1,10 --out peers-kws.json > peers-kws.txt
sal peers --task onset --data data-onset/manifest.jsonl --runs exp-onset/cells/gru-ce-s1 exp-onset/cells/gru-sal-s1 \
  peer-onset-gru64-ce peer-onset-gru64-sal --fa-per-hour 1,10 --out peers-onset.json > peers-onset.txt

# The tables: at the grid's budget (1 FA/h, which the ~0.5 h test splits read as "no false alarm at all") and at 10.
sal experiment report exp-kws exp-onset exp-trigger-gru exp-trigger-tcn > tables-1.md
sal experiment report --fa-per-hour 10 exp-kws exp-onset exp-trigger-gru exp-trigger-tcn > tables-10.md
sal experiment report --fa-per-hour 10 exp-onset-tau > tables-tau.md
