// Lossless compact encoding of a detector state for the compacted changelog topic. Plain JSON
// spells a double in ~18 characters; the profile arrays (≈ 750 numbers) are written instead as
// base64 of their IEEE-754 bytes (≈ 10.7 characters a number), so the encoded state is about half
// the size and decodes to exactly the same numbers: a processor restored from the changelog
// scores the next points exactly as the one that wrote it would have.
import type { DetectorState } from './detect.js';
import { detectDefaults } from './settings.js';
import { OpsError } from '../../common/errors.js';

const arrayTag = 'f64:';

function encodeArray(xs: number[]): string {
  return arrayTag + Buffer.from(Float64Array.from(xs).buffer).toString('base64');
}

function decodeArray(text: string): number[] {
  const bytes = Buffer.from(text.slice(arrayTag.length), 'base64');
  const view = new Float64Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 8);
  return Array.from(view);
}

export function encodeDetectorState(state: DetectorState): string {
  return JSON.stringify(state, (_key, value) => (Array.isArray(value) && value.every((v) => typeof v === 'number') ? encodeArray(value) : value));
}

export function decodeDetectorState(text: string): DetectorState {
  const state = JSON.parse(text, (_key, value) => (typeof value === 'string' && value.startsWith(arrayTag) ? decodeArray(value) : value)) as DetectorState;
  if (state.version !== 1) throw new OpsError('TRANSFORM_FAILED', `detector state version ${String(state.version)} is not supported`);
  // Checkpointed before the detector learnt its tail quantile: that estimate starts afresh.
  state.tailLog ??= Math.log(detectDefaults.tailInitial);
  return state;
}
