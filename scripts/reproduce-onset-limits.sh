#!/usr/bin/env bash
# Reproduces docs/results.md "What limits onset on the corrected split": seven changes to the onset recipe's training
# stage (seed 1), each scored on the corrected test split (onset4), the mining round on three seeds, the training
# stage scored on its own training split, the kws recipe's training stage likewise (nmr, from
# scripts/reproduce-running-mean.sh), the old onset recipe default (4 h, 20 epochs) beside the new one (20 h, 8 epochs,
# shipping the mining fine-tune), and the folder models/onset now holds (newonset2).
# Needs onset3, obase-s2, obase-s3, nmr and onset4 of scripts/reproduce-running-mean.sh and
# scripts/reproduce-onset-labels.sh in OUT, and a decoded source cache (sal synth sources --decode).
# Every step resumes or is skipped once done.
# Usage: scripts/reproduce-onset-limits.sh [OUT]   (default OUT=runs/running-mean)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="${1:-runs/running-mean}"
cd "$out"
sal() { "$root/sal" "$@"; }
data="$PWD/onset4/data/manifest.jsonl"
base=onset3/train
budgets=1,5,10,30

# One change each to the training stage's settings (onset3/train/train.json), on the corrected corpus (same train and
# dev streams as onset3).
variant() {
  local name=$1; shift
  [ -f "$name/weights.dat" ] || sal train --config "$base/train.json" --data "$data" --out "$name" "$@"
  [ -f "$name/eval/metrics.json" ] || sal eval --run "$name" --data "$data" --fa-per-hour "$budgets"
}
variant oaug-s1 --augment
variant oe16-s1 --epochs 16
variant oh31-s1 --hidden 31
variant obg50-s1 --sampler positive=0.3,speech=0.2,background=0.5

# The recipe's mining round by hand: the train split's clips without speech, then its fine-tune.
[ -f omine1/manifest.jsonl ] || sal mine --run "$base" --data "$data" --out omine1 --fa-per-hour 20 --weight 2
variant oft1-s1 --init-from "$base" --hard-negatives omine1/manifest.jsonl --hard-negative-weight 2 --epochs 5 --lr 0.001

# The same round on seeds 2 and 3 of the training stage.
for seed in 2 3; do
  [ -f "omine-s$seed/manifest.jsonl" ] || sal mine --run "obase-s$seed" --data "$data" --out "omine-s$seed" --fa-per-hour 20 --weight 2
  [ -f "oft1-s$seed/weights.dat" ] || sal train --config "obase-s$seed/train.json" --data "$data" --init-from "obase-s$seed" \
    --hard-negatives "omine-s$seed/manifest.jsonl" --hard-negative-weight 2 --epochs 5 --lr 0.001 --out "oft1-s$seed"
  [ -f "oft1-s$seed/eval/metrics.json" ] || sal eval --run "oft1-s$seed" --data "$data" --fa-per-hour "$budgets"
done

# A second round on each seed's fine-tune (the recipe's --mine-rounds 2 by hand), in a copy of the first round's folder.
for seed in 1 2 3; do
  first="omine-s$seed"; [ "$seed" = 1 ] && first=omine1
  base_run="obase-s$seed"; [ "$seed" = 1 ] && base_run="$base"
  [ -d "$first-r2" ] || cp -r "$first" "$first-r2"
  [ -f "oft2-s$seed/weights.dat" ] || { sal mine --run "oft1-s$seed" --data "$data" --out "$first-r2" --fa-per-hour 20 --weight 2 &&
    sal train --config "$base_run/train.json" --data "$data" --init-from "oft1-s$seed" --hard-negatives "$first-r2/manifest.jsonl" \
      --hard-negative-weight 2 --epochs 5 --lr 0.001 --out "oft2-s$seed"; }
  [ -f "oft2-s$seed/eval/metrics.json" ] || sal eval --run "oft2-s$seed" --data "$data" --fa-per-hour "$budgets"
done

# Mining over the training packages' own music and noise recordings (decoded, with the folders the catalogue skips
# left out, and qabcs's voice-like "chef"), 8 h instead of the train split's 1.75 h.
cache="${STREAMINGANCHOR_SOURCES:-$HOME/.cache/streaminganchor/sources}/decoded16k"
if [ ! -d trainpool ]; then
  mkdir -p trainpool.tmp
  add() { # name folder [grep -E pattern of paths to leave out]
    find "$cache/$2" -name '*.wav' | { if [ -n "${3:-}" ]; then grep -vE "$3" || true; else cat; fi; } | sort |
      while read -r f; do ln -s "$f" "trainpool.tmp/$1__$(echo "${f#"$cache/$2/"}" | tr '/' '_')"; done
  }
  add fillets-music fillets-ng-data/usr/share/games/fillets-ng/music
  add 0ad-music 0ad-data/audio/music
  add wesnoth-music wesnoth-1.16-music/usr/share/games/wesnoth/1.16/data/core/music
  add colobot-music colobot-common-sounds/usr/share/games/colobot/music
  add hyperrogue-music hyperrogue-music/usr/share/hyperrogue/music
  add qabcs qabcs-data/usr/share/qabcs/abcs/all/noises '/chef'
  add scratch scratch/usr/share/scratch/Media/Sounds '/(Human|Vocals)/'
  add bucklespring bucklespring-data/usr/share/buckle/wav
  add sonic-pi sonic-pi-samples/usr/share/sonic-pi/samples
  add 0ad-ambient 0ad-data/audio/ambient
  add 0ad-effects 0ad-data/audio '/audio/(music|ambient|voice)/'
  add colobot-sounds colobot-common-sounds/usr/share/games/colobot/sounds
  mv trainpool.tmp trainpool
fi
[ -f opool30-mined/manifest.jsonl ] || sal mine --run "$base" --wav-dir trainpool --out opool30-mined --fa-per-hour 30 --weight 2
variant opool30 --init-from "$base" --hard-negatives opool30-mined/manifest.jsonl --hard-negative-weight 2 --epochs 5 --lr 0.001

# The three SAL seeds as one detector (posteriors averaged).
[ -f oens3/metrics.json ] || sal eval --run "$base" obase-s2 obase-s3 --data "$data" --out oens3 --fa-per-hour "$budgets"
# The shipped model on the streams it was trained on.
[ -f o4-s1-train/metrics.json ] || sal eval --run "$base" --data "$data" --split train --out o4-s1-train --fa-per-hour "$budgets"

[ -f nmr-train-split/metrics.json ] || sal eval --run nmr/train --data "$PWD/nmr/data/manifest.jsonl" --split train --out nmr-train-split \
  --fa-per-hour 0.5,1,2,5,10
[ -f rm30-train-split/metrics.json ] || sal eval --run rm30-s1 --data "$PWD/nmr/data/manifest.jsonl" --split train --out rm30-train-split \
  --fa-per-hour 0.5,1,2,5,10

# The onset recipe's old default (4 h, 20 epochs), its shipped run scored on the corrected 20 h test split (the same
# packages and voices fall in each split at every corpus size), and the new default timed alone.
[ -f onset4h/recipe.md ] || sal recipe onset --hours 4 --epochs 20 --out onset4h
[ -f o4-4h/metrics.json ] || sal eval --run onset4h/train --data "$data" --out o4-4h --fa-per-hour "$budgets"
[ -f onset20/recipe.md ] || /usr/bin/time -v "$root/sal" recipe onset --out onset20
if cmp -s onset20/train/weights.dat "$base/weights.dat"; then
  echo "the default recipe's training stage is onset3's (the shipped model), byte for byte"
else
  echo "the default recipe's training stage differs from onset3's (see README, What is deterministic)"
fi
# The folder models/onset holds: the default recipe's shipped run (its mining fine-tune), scored and exported.
if [ ! -f newonset2/onset.onnx ]; then
  mkdir -p newonset2
  cp onset20/finetune-1/{frontend.json,metrics.jsonl,model.json,normalizer.json,train.json,training.json,weights.dat} onset20/{recipe.json,recipe.md,corpus.json} newonset2/
  sal eval --run newonset2 --data "$PWD/onset20/data/manifest.jsonl" --fa-per-hour 0.5,1,2,5,10,30 --out newonset2/eval
  sal export --run newonset2 --onnx newonset2/onset.onnx --raw-audio --fa-per-hour 0.5,1,2,5 \
    --licence "$(python3 -c 'import json; print(json.load(open("onset20/onset20.json"))["licence"])')"
fi
