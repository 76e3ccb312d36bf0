#!/usr/bin/env bash
# Reproduces docs/recipes.md "Time" and docs/results.md "The default recipe, timed on an idle machine": the kws
# recipe at 20 h (the default) and at 6 h, the onset recipe, each alone under /usr/bin/time -v, then both kws
# models and their mining fine-tunes scored on the 20 h run's test split. Run it on an otherwise idle machine:
# the stage times are the point. Warm the source cache first (once per machine, not part of the times):
#   ./sal synth sources --decode --workers 2
# Usage: scripts/time-recipes.sh [OUT]   (default OUT=runs/time-recipes; a finished recipe is skipped on a rerun,
# so its time in the *.time file is the first run's)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="${1:-runs/time-recipes}"
mkdir -p "$out"
cd "$out"
sal() { "$root/sal" "$@"; }
"$root/sal" --help > /dev/null   # builds the CLI before the first timed command

timed() {
  local name="$1"; shift
  [ -f "$name/recipe.md" ] && [ -f "$name.time" ] && return 0
  /usr/bin/time -v -o "$name.time" "$root/sal" "$@" --out "$name" > "$name.out"
  grep -E 'Elapsed|Maximum resident' "$name.time" >&2
}

# --running-mean 0: these runs were measured before the kws recipe subtracted a running mean by default.
timed kws20 recipe kws --keyword "hey jarvis" --running-mean 0
timed kws6 recipe kws --keyword "hey jarvis" --running-mean 0 --hours 6 --epochs 20 --fine-tune-epochs 5
timed onset recipe onset

# Every kws training scored on the 20 h run's test split; copies, because sal eval writes into the run folder.
mkdir -p eval
for run in kws20/train kws20/finetune-1 kws6/train kws6/finetune-1 "$root/models/hey_jarvis"; do
  name="$(echo "${run#"$root/"}" | tr '/' '_')"
  [ -f "eval/$name/eval/metrics.json" ] && continue
  rm -rf "eval/$name" && cp -r "$run" "eval/$name" && rm -rf "eval/$name/eval"
  sal eval --run "eval/$name" --data kws20/data/manifest.jsonl --fa-per-hour 0.5,1,2,5,10 > "eval/$name.md"
done
sal eval --compare eval/kws20_train eval/kws20_finetune-1 eval/kws6_train eval/models_hey_jarvis --out eval/compare
