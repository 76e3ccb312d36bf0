// Conformance check of a raw-audio StreamingAnchor export in an independent runtime (onnxruntime-node):
//   node check.mjs MODEL.onnx [chunk samples, default 160,480,1600]
// reads MODEL.json (the model card: state layout, frame geometry) and MODEL.vectors.json + its WAV (written by
// `sal export --raw-audio --vectors`), streams the WAV through the graph for each chunk size, applies the card's
// detector to the graph's score and compares posteriors, scores, features and detections with the vectors.
// Prints one summary line per chunk size; exit code 0 when everything is within the stated tolerances, 1 otherwise.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import * as ort from 'onnxruntime-node';

const [modelPath, chunkArg] = process.argv.slice(2);
if (!modelPath) {
  console.error('usage: node check.mjs MODEL.onnx [chunks, e.g. 160,480,1600]');
  process.exit(2);
}

const base = modelPath.replace(/\.onnx$/, '');
const card = JSON.parse(readFileSync(`${base}.json`, 'utf8'));
const vectors = JSON.parse(readFileSync(`${base}.vectors.json`, 'utf8'));
if (card.graph !== 'raw_audio') {
  console.error(`${modelPath}: not a raw-audio export (card graph: ${card.graph})`);
  process.exit(2);
}

// 16-bit PCM mono WAV, as `sal export --vectors` writes it; samples scaled like the C# reader (x / 32768).
function readWav(path) {
  const b = readFileSync(path);
  if (b.toString('ascii', 0, 4) !== 'RIFF' || b.toString('ascii', 8, 12) !== 'WAVE') throw new Error(`${path}: not a WAV file`);
  let offset = 12;
  let format = null;
  while (offset + 8 <= b.length) {
    const id = b.toString('ascii', offset, offset + 4);
    const size = b.readUInt32LE(offset + 4);
    const body = offset + 8;
    if (id === 'fmt ') format = { channels: b.readUInt16LE(body + 2), rate: b.readUInt32LE(body + 4), bits: b.readUInt16LE(body + 14) };
    if (id === 'data') {
      if (!format || format.bits !== 16 || format.channels !== 1) throw new Error(`${path}: expected 16-bit mono PCM`);
      const n = Math.floor(Math.min(size, b.length - body) / 2);
      const x = new Float32Array(n);
      for (let i = 0; i < n; i++) x[i] = b.readInt16LE(body + 2 * i) / 32768;
      return { samples: x, rate: format.rate };
    }
    offset = body + size + (size & 1);
  }
  throw new Error(`${path}: no data chunk`);
}

const wav = readWav(join(dirname(modelPath), vectors.wav));
if (wav.rate !== card.frame.sample_rate) throw new Error(`${vectors.wav}: ${wav.rate} Hz, the model takes ${card.frame.sample_rate} Hz`);
const hop = card.frame.hop_samples;
const session = await ort.InferenceSession.create(modelPath, { intraOpNumThreads: 1, executionMode: 'sequential' });

function zeros(s) {
  const size = s.shape.reduce((a, d) => a * d, 1);
  return s.type === 'int64'
    ? new ort.Tensor('int64', new BigInt64Array(size), s.shape)
    : new ort.Tensor('float32', new Float32Array(size), s.shape);
}

// The detector of the card (StreamingDetector): the score is the graph's; a class fires at frame i when its score
// reaches the threshold and no detection fired in the last refractory_frames frames; the highest class wins.
function detect(score, classes, threshold, refractoryFrames) {
  const found = [];
  let last = null;
  for (let t = 0; t < score.length / classes; t++) {
    if (last !== null && t - last < refractoryFrames) continue;
    let best = -1;
    let bestScore = -Infinity;
    for (let k = 0; k < classes; k++) {
      const v = score[t * classes + k];
      if (v >= threshold && v > bestScore) { best = k; bestScore = v; }
    }
    if (best >= 0) { found.push({ frame: t, label: best + 1 }); last = t; }
  }
  return found;
}

function worst(actual, expectedRows) {
  const flat = expectedRows.flat();
  if (actual.length !== flat.length) return Infinity;
  let w = 0;
  for (let i = 0; i < flat.length; i++) w = Math.max(w, Math.abs(actual[i] - flat[i]));
  return w;
}

const chunks = (chunkArg ?? '160,480,1600').split(',').map(Number);
let failed = false;
for (const chunk of chunks) {
  if (!(chunk > 0) || chunk % hop !== 0) throw new Error(`chunk ${chunk}: must be a positive multiple of ${hop} samples`);
  let state = Object.fromEntries(card.state.map((s) => [s.input, zeros(s)]));
  const posteriors = [];
  const score = [];
  const features = [];
  const usable = wav.samples.length - (wav.samples.length % hop);
  for (let start = 0; start < usable; start += chunk) {
    const piece = wav.samples.subarray(start, Math.min(start + chunk, usable));
    const feeds = { ...state, audio: new ort.Tensor('float32', Float32Array.from(piece), [1, piece.length]) };
    const out = await session.run(feeds);
    posteriors.push(...out.posteriors.data);
    score.push(...out.score.data);
    features.push(...out.features.data);
    state = Object.fromEntries(card.state.map((s) => [s.input, out[s.output]]));
  }

  const d = vectors.detector;
  const detections = detect(score, vectors.classes, d.threshold, d.refractory_frames);
  const expected = vectors.detections.map((e) => ({ frame: e.frame, label: e.label }));
  const result = {
    posteriors: worst(posteriors, vectors.posteriors),
    score: worst(score, vectors.score),
    features: worst(features, vectors.features),
  };
  const sameDetections = JSON.stringify(detections) === JSON.stringify(expected);
  const ok = result.posteriors <= vectors.tolerance.posteriors && result.score <= vectors.tolerance.score
    && result.features <= vectors.tolerance.features && sameDetections;
  failed ||= !ok;
  console.log(`${ok ? 'PASS' : 'FAIL'} chunk ${chunk}: ${posteriors.length / vectors.classes}/${vectors.frames} frames, ` +
    `max |posterior diff| ${result.posteriors.toExponential(2)}, max |score diff| ${result.score.toExponential(2)}, ` +
    `max |log-mel diff| ${result.features.toExponential(2)}, detections ${detections.length}/${expected.length}${sameDetections ? ' identical' : ' DIFFER'}` +
    ` (onnxruntime-node ${ort.env.versions?.common ?? ''})`);
}

process.exit(failed ? 1 : 0);
