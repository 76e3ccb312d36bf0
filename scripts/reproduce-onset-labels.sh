#!/usr/bin/env bash
# Reproduces docs/results.md "Spoken lines counted as false onsets": which FreedroidRPG effects the previous onset model
# fires on when played alone, then the 20 h onset corpus made again without the robots' spoken folder (its train and
# dev streams are the same as before, so the runs trained on the old corpus stay valid) and the previous model, the
# three SAL seeds of the onset recipe's training stage and Silero VAD v5 scored on both test splits; the folder
# models/onset now holds (newonset).
# Needs the old corpus and runs of scripts/reproduce-running-mean.sh (onset3, obase-s2, obase-s3) in OUT.
# CE with the recipe's other settings, three seeds, trained on onset3 and scored on onset4 (end of the script).
# Every step resumes or is skipped once done.
# Usage: scripts/reproduce-onset-labels.sh [OUT]   (default OUT=runs/running-mean)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="${1:-runs/running-mean}"
cd "$out"
sal() { "$root/sal" "$@"; }
# The onset model shipped until cc4b7d1 (models/onset now holds onset3's training stage, s1 below).
[ -f prev/models/onset/weights.dat ] || { mkdir -p prev && git -C "$root" archive cc4b7d1 models/onset | tar -x -C prev; }
shipped="$PWD/prev/models/onset"

effects="${STREAMINGANCHOR_SOURCES:-$HOME/.cache/streaminganchor/sources}/decoded16k/freedroidrpg-data/usr/share/freedroidrpg/data/sound/effects"
find "$effects" -name '*.wav' -print0 | sort -z | xargs -0 "$root/sal" detect "$shipped/onset.onnx" --threshold 0.99 \
  --json > freedroid-effects-detections.jsonl
echo "files the previous onset model fires on at 0.99:"
grep -o '"input":"[^"]*' freedroid-effects-detections.jsonl | sed 's|.*/effects/||' | sort | uniq -c

# The same settings as onset3's synth stage (sal recipe onset --hours 20 --seed 1).
[ -f onset4/data/manifest.jsonl ] || sal synth onset --hours 20 --seed 1 --out onset4/data
for split in train dev test; do
  old=$(grep -c "\"split\":\"$split\"" onset3/data/manifest.jsonl); same=$(grep -Fxf onset3/data/manifest.jsonl onset4/data/manifest.jsonl | grep -c "\"split\":\"$split\"" || true)
  echo "$split: $same of $old streams unchanged"
done
for run in shipped:"$shipped" s1:onset3/train s2:obase-s2 s3:obase-s3; do
  name=${run%%:*}
  [ -f "o4-$name/metrics.json" ] || sal eval --run "${run#*:}" --data "$PWD/onset4/data/manifest.jsonl" --fa-per-hour 1,5,10,30 --out "o4-$name"
done
[ -f o3-shipped/metrics.json ] || sal eval --run "$shipped" --data "$PWD/onset3/data/manifest.jsonl" --fa-per-hour 1,5,10,30 --out o3-shipped
# The new shipped folder: onset3's training stage, its eval/ on the new split and its card exported from it.
if [ ! -f newonset/onset.onnx ]; then
  mkdir -p newonset
  cp onset3/train/{frontend.json,metrics.jsonl,model.json,normalizer.json,train.json,training.json,weights.dat} onset3/{recipe.json,recipe.md,corpus.json} newonset/
  sal eval --run newonset --data "$PWD/onset4/data/manifest.jsonl" --fa-per-hour 0.5,1,2,5,10,30 --out newonset/eval
  sal export --run newonset --onnx newonset/onset.onnx --raw-audio --fa-per-hour 0.5,1,2,5 \
    --licence "$(python3 -c 'import json; print(json.load(open("onset3/onset3.json"))["licence"])')"
fi
[ -f peers-onset4.json ] || sal peers --task onset --data "$PWD/onset4/data/manifest.jsonl" --fa-per-hour 1,5,10,30 --out peers-onset4.json
for seed in 1 2 3; do
  [ -f "oce-s$seed/weights.dat" ] || sal train --config onset3/train/train.json --loss ce --seed "$seed" --out "oce-s$seed"
  [ -f "o4-ce-s$seed/metrics.json" ] || sal eval --run "oce-s$seed" --data "$PWD/onset4/data/manifest.jsonl" --fa-per-hour 1,5,10,30 --out "o4-ce-s$seed"
done
