#!/usr/bin/env bash
# Scores the last epoch of finished experiment cells beside the epoch their dev metric chose (docs/results.md, "Which
# epoch to ship"). A cell keeps two checkpoints, best.ckpt (the shipped weights.dat) and last.ckpt; this copies each
# cell's run files to OUT/<experiment>__<cell>, puts last.ckpt's weights in its weights.dat and runs `sal eval` there,
# so the cell's own eval/ (which `sal experiment report` reads) is left alone.
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
  if [ ! -f "$cell/checkpoints/last.ckpt" ] || [ ! -f "$cell/weights.dat" ]; then
    echo "$cell: no checkpoints/last.ckpt or weights.dat (not a finished sal train run folder)" >&2
    exit 1
  fi
  rm -rf "$dest"; mkdir -p "$dest"
  find "$cell" -maxdepth 1 -type f -exec cp {} "$dest/" \;
  # A checkpoint (src/StreamingAnchor.Torch/Training/Checkpoint.cs) is two length-prefixed strings (magic, header JSON)
  # followed by the model exactly as weights.dat stores it, then the optimiser state; the model part is as long as
  # the cell's weights.dat, since both hold the same architecture.
  python3 - "$cell/checkpoints/last.ckpt" "$dest/weights.dat" "$(stat -c%s "$cell/weights.dat")" <<'EOF'
import sys
data = open(sys.argv[1], 'rb').read()
i = 0
for _ in range(2):
    n = shift = 0
    while True:
        b = data[i]; i += 1
        n |= (b & 0x7f) << shift; shift += 7
        if b < 0x80:
            break
    i += n
size = int(sys.argv[3])
if len(data) - i < size:
    sys.exit(f"{sys.argv[1]}: shorter than the model's weights ({len(data) - i} < {size} bytes)")
open(sys.argv[2], 'wb').write(data[i:i + size])
EOF
  "$root/sal" eval --run "$dest" --data "$manifest" --fa-per-hour 1,5,10 > "$dest.out"
done
