#!/usr/bin/env bash
# Scores the last epoch of finished experiment cells beside the epoch their dev metric chose (docs/results.md, "Which
# epoch to ship"). A cell keeps two checkpoints, best.ckpt (the shipped weights.dat) and last.ckpt; `sal eval
# --weights last` streams last.ckpt's model and writes to OUT/<experiment>__<cell>/eval, so the cell's own eval/ (which
# `sal experiment report` reads) and its weights.dat are left alone.
# Usage: scripts/eval-last-epoch.sh OUT MANIFEST CELL...   (CELL = <experiment>/cells/<name>; finished cells are skipped)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
if [ $# -lt 3 ]; then
  echo "usage: scripts/eval-last-epoch.sh OUT MANIFEST CELL..." >&2
  exit 2
fi
out="$1"; manifest="$2"; shift 2
mkdir -p "$out"
for cell in "$@"; do
  name="$(basename "$(dirname "$(dirname "$cell")")")__$(basename "$cell")"
  dest="$out/$name"
  [ -f "$dest/eval/metrics.json" ] && continue
  "$root/sal" eval --run "$cell" --data "$manifest" --weights last --out "$dest/eval" --fa-per-hour 1,5,10 > "$dest.out"
done
