// Deterministic pseudo-random numbers for property-style and generated tests (mulberry32).
// A fixed seed keeps failures reproducible; the seed is printed in assertion messages.

export interface Prng {
  /** Uniform float in [0, 1). */
  next(): number;
  /** Uniform integer in [min, max] (inclusive). */
  int(min: number, max: number): number;
  /** A buffer of `length` random bytes. */
  bytes(length: number): Buffer;
}

/** The bare generator: a uniform float in [0, 1) per call. */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function prng(seed: number): Prng {
  const next = mulberry32(seed);
  const int = (min: number, max: number): number => min + Math.floor(next() * (max - min + 1));
  const bytes = (length: number): Buffer => {
    const out = Buffer.alloc(length);
    for (let i = 0; i < length; i++) out[i] = int(0, 255);
    return out;
  };
  return { next, int, bytes };
}

/** Split `data` into pieces at random points (pieces of 1..maxPiece bytes). */
export function randomSplit(rng: Prng, data: Buffer, maxPiece: number): Buffer[] {
  const pieces: Buffer[] = [];
  for (let pos = 0; pos < data.length; ) {
    const n = rng.int(1, maxPiece);
    pieces.push(data.subarray(pos, pos + n));
    pos += n;
  }
  return pieces;
}

/** Every single-byte piece of `data`. */
export function bytewise(data: Buffer): Buffer[] {
  const pieces: Buffer[] = [];
  for (let i = 0; i < data.length; i++) pieces.push(data.subarray(i, i + 1));
  return pieces;
}
