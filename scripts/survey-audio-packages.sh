#!/usr/bin/env bash
# Measures candidate real-audio Debian packages for docs/data.md ("Real-audio survey"): downloads each package
# (apt-get download, no installation), unpacks it with dpkg-deb -x into a scratch folder and prints one row per
# package: version, audio files, minutes (ffprobe durations), formats and the licence line(s) of its copyright file.
#   scripts/survey-audio-packages.sh [--scratch DIR] PACKAGE[:SUBDIR] ...
# SUBDIR restricts the count to a folder inside the package (e.g. fillets-ng-data:usr/share/games/fillets-ng/sound).
# Packages already catalogued are measured from the synth cache by `sal synth sources` instead.
set -euo pipefail

scratch="${TMPDIR:-/tmp}/sal-audio-survey"
if [ "${1:-}" = "--scratch" ]; then scratch="$2"; shift 2; fi
mkdir -p "$scratch/debs" "$scratch/x"

reserved="${SAL_RESERVED_SOURCES:-/work/shared/docs/reserved-sources.md}"
[ -f "$reserved" ] || { echo "survey: $reserved not found: cannot tell reserved packages apart, nothing surveyed" >&2; exit 2; }
# The reserved names, read from the list itself so no reserved package is named here. A token starting with a dash
# continues the previous name ("name-aa-g722, -bb-g722": the dash part replaces its last two parts). A name ending in
# a codec part stands for its whole family of siblings (-g722, -gsm, -wav, -ulaw, -alaw).
reserved_names=$(grep -oE -- '-?[a-z0-9][a-z0-9.+]*(-[a-z0-9.+]+)+' "$reserved" | awk '
  /^-/ { n = split(prev, p, "-"); if (n >= 3) { base = p[1]; for (i = 2; i <= n - 2; i++) base = base "-" p[i]; $0 = base $0 } }
  { print; prev = $0 }')
reserved_families=$(printf '%s\n' "$reserved_names" | sed -nE 's/-(g722|gsm|wav|ulaw|alaw)$//p' | sort -u)
is_reserved() {
  # One-word names (no dash) are matched in the table text itself.
  grep -qiE "(^|[| ,])${1}([| ,(]|$)" "$reserved" && return 0
  printf '%s\n' "$reserved_names" | grep -qxF -- "$1" && return 0
  local family
  while IFS= read -r family; do
    case "$1" in "$family"|"$family"-*) return 0;; esac
  done <<< "$reserved_families"
  return 1
}

printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' package version files unreadable minutes formats licence
for arg in "$@"; do
  pkg="${arg%%:*}"
  sub=""
  if [ "$arg" != "$pkg" ]; then sub="${arg#*:}"; fi
  # Refuse reserved packages and their siblings before anything is downloaded.
  if is_reserved "$pkg"; then
    echo "survey: $pkg is reserved for the independent evaluation ($reserved); skipped" >&2
    continue
  fi
  deb=$(ls "$scratch/debs/${pkg}_"*.deb 2>/dev/null | head -n1 || true)
  if [ -z "$deb" ]; then
    (cd "$scratch/debs" && apt-get download -qq "$pkg" 2>/dev/null) || { echo "survey: apt-get download $pkg failed" >&2; continue; }
    deb=$(ls "$scratch/debs/${pkg}_"*.deb | head -n1)
  fi
  version=$(dpkg-deb -f "$deb" Version)
  if [ ! -d "$scratch/x/$pkg" ]; then
    dpkg-deb -x "$deb" "$scratch/x/$pkg.partial" && mv "$scratch/x/$pkg.partial" "$scratch/x/$pkg"
  fi
  root="$scratch/x/$pkg/$sub"
  list=$(find "$root" -type f \( -iname '*.ogg' -o -iname '*.wav' -o -iname '*.mp3' -o -iname '*.flac' -o -iname '*.opus' -o -iname '*.g722' -o -iname '*.oga' -o -iname '*.gsm' \) | sort)
  files=0; seconds=0; unreadable=0
  if [ -n "$list" ]; then
    files=$(printf '%s\n' "$list" | wc -l)
    # soxi reads many files in one process (fast) and prints nothing for a file it cannot read; G.722 and Opus need
    # ffprobe, one process per file.
    durations=$( { printf '%s\n' "$list" | grep -viE '\.(g722|opus)$' | tr '\n' '\0' | xargs -0 -r soxi -D 2>/dev/null || true
                   printf '%s\n' "$list" | grep -iE '\.(g722|opus)$' | while IFS= read -r f; do
                     fmt=(); case "$f" in *.g722) fmt=(-f g722);; esac
                     ffprobe -v error "${fmt[@]}" -show_entries format=duration -of csv=p=0 "file:$f" 2>/dev/null || true; done || true; } )
    read -r seconds readable < <(printf '%s\n' "$durations" | awk 'NF { s += $1; n++ } END { printf "%.1f %d\n", s, n }')
    unreadable=$((files - readable))
  fi
  formats=$(printf '%s\n' "$list" | sed -nE 's/.*\.([A-Za-z0-9]+)$/\1/p' | tr 'A-Z' 'a-z' | sort | uniq -c | awk '{printf "%s%s:%s", (NR>1?",":""), $2, $1}')
  licence=$(grep -hE '^License:' "$scratch/x/$pkg"/usr/share/doc/*/copyright 2>/dev/null | sed 's/License: *//' | sort | uniq -c | sort -rn | head -3 | awk '{$1=""; printf "%s;", $0}' || true)
  printf '%s\t%s\t%s\t%s\t%.1f\t%s\t%s\n' "$pkg${sub:+:$sub}" "$version" "$files" "$unreadable" "$(awk -v s="$seconds" 'BEGIN{print s/60}')" "$formats" "${licence:-see copyright}"
done
