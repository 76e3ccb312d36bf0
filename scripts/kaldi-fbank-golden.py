#!/usr/bin/env python3
"""Golden log-mel frames for FbankKaldiGoldenTests, computed independently of the C# front end.

A from-scratch re-implementation of Kaldi's compute-fbank-feats (feature-window.cc, feature-fbank.cc,
mel-computations.cc) in double precision with the Python standard library only (no numpy on the machine that made
the committed file), with the options sal uses:

  --sample-frequency=16000 --frame-length=25 --frame-shift=10 --snip-edges=true --dither=0
  --remove-dc-offset=true --preemphasis-coefficient=0.97 --window-type=povey --round-to-power-of-two=true
  --num-mel-bins=40 --low-freq=20 --high-freq=0 --use-power=true --use-log-fbank=true --use-energy=false

per frame: subtract the mean, pre-emphasise in place from the end (the first sample against itself), multiply by
the povey window (Hann^0.85), zero-pad to 512, power spectrum, Kaldi's triangular mel banks
(mel = 1127 ln(1 + f/700), evaluated at FFT bins 0..255), floor at float epsilon, natural log.

The input is a fixed 0.5 s signal (a 200 -> 6000 Hz linear chirp plus uniform noise from a 32-bit LCG), rounded to
16-bit integers, which is what Kaldi reads from a WAV file; the C# test rebuilds the same integers and checks them
against the sum and checksum written here before comparing frames.

Run from the repository root:
  python3 scripts/kaldi-fbank-golden.py > tests/StreamingAnchor.Tests/Audio/kaldi-fbank-golden.json
"""

import cmath
import json
import math
import sys

RATE = 16000
SAMPLES = 8000  # 0.5 s
WINDOW = 400
HOP = 160
FFT = 512
MEL_BINS = 40
LOW_FREQ = 20.0
HIGH_FREQ = RATE / 2.0
PREEMPH = 0.97
FLOAT_EPSILON = 1.1920928955078125e-07  # std::numeric_limits<float>::epsilon()


def test_signal():
    """int16 samples: round(32767 * (0.4 chirp + 0.05 noise)); the C# test builds the same integers."""
    state = 12345
    out = []
    duration = SAMPLES / RATE
    for n in range(SAMPLES):
        t = n / RATE
        phase = 2.0 * math.pi * (200.0 * t + (6000.0 - 200.0) * t * t / (2.0 * duration))
        state = (1664525 * state + 1013904223) % 4294967296
        noise = 2.0 * (state / 4294967296.0) - 1.0
        out.append(int(math.floor(32767.0 * (0.4 * math.sin(phase) + 0.05 * noise) + 0.5)))
    return out


def fft(x):
    """Recursive radix-2 decimation in time over complex numbers."""
    n = len(x)
    if n == 1:
        return [complex(x[0])]
    even = fft(x[0::2])
    odd = fft(x[1::2])
    out = [0j] * n
    for k in range(n // 2):
        t = cmath.exp(-2j * math.pi * k / n) * odd[k]
        out[k] = even[k] + t
        out[k + n // 2] = even[k] - t
    return out


def mel(f):
    return 1127.0 * math.log(1.0 + f / 700.0)


def mel_banks():
    """Kaldi MelBanks: (first bin, weights) per mel bin, triangles equally spaced in mel between LOW and HIGH."""
    bin_width = RATE / FFT
    low, high = mel(LOW_FREQ), mel(HIGH_FREQ)
    delta = (high - low) / (MEL_BINS + 1)
    banks = []
    for b in range(MEL_BINS):
        left, centre, right = low + b * delta, low + (b + 1) * delta, low + (b + 2) * delta
        weights = {}
        for i in range(FFT // 2):
            m = mel(bin_width * i)
            if left < m < right:
                weights[i] = (m - left) / (centre - left) if m <= centre else (right - m) / (right - centre)
        banks.append(weights)
    return banks


def fbank(samples):
    a = 2.0 * math.pi / (WINDOW - 1)
    window = [math.pow(0.5 - 0.5 * math.cos(a * i), 0.85) for i in range(WINDOW)]
    banks = mel_banks()
    frames = 1 + (len(samples) - WINDOW) // HOP
    out = []
    for t in range(frames):
        w = [float(v) for v in samples[t * HOP:t * HOP + WINDOW]]
        mean = sum(w) / WINDOW
        w = [v - mean for v in w]
        for i in range(WINDOW - 1, 0, -1):
            w[i] -= PREEMPH * w[i - 1]
        w[0] -= PREEMPH * w[0]
        padded = [w[i] * window[i] for i in range(WINDOW)] + [0.0] * (FFT - WINDOW)
        spectrum = fft(padded)
        power = [abs(spectrum[k]) ** 2 for k in range(FFT // 2 + 1)]
        row = []
        for weights in banks:
            energy = sum(weight * power[i] for i, weight in weights.items())
            row.append(round(math.log(max(energy, FLOAT_EPSILON)), 6))
        out.append(row)
    return out


def main():
    samples = test_signal()
    golden = {
        "made_by": "python3 scripts/kaldi-fbank-golden.py > tests/StreamingAnchor.Tests/Audio/kaldi-fbank-golden.json",
        "signal": "int16 round(32767 * (0.4 sin(2 pi (200 t + 5800 t^2 / (2 * 0.5))) + 0.05 (2 u - 1))), "
                  "u = LCG(1664525, 1013904223, mod 2^32, seed 12345) / 2^32, 8000 samples at 16 kHz",
        "samples": len(samples),
        "sum": sum(samples),
        "checksum": sum((i + 1) * v for i, v in enumerate(samples)) % 1000000007,
        "frames": fbank(samples),
    }
    # One frame per line, so a diff of the file shows which frames changed.
    text = json.dumps(golden, indent=1)
    frames = ",\n".join("  " + json.dumps(row) for row in golden["frames"])
    head = text[:text.index('"frames"')]
    sys.stdout.write(head + '"frames": [\n' + frames + "\n ]\n}\n")


if __name__ == "__main__":
    main()
