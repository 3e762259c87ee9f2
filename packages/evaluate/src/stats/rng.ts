import { xoroshiro128plusFromState } from "pure-rand/generator/xoroshiro128plus";
import type { RandomGenerator } from "pure-rand/types/RandomGenerator";
import { requireSeed } from "./guards.js";

/** A source of uniformly distributed 32-bit unsigned integers. */
export interface Rng {
  nextUint32(): number;
}

/** Weyl sequence through the murmur3 finalizer: spreads a small integer seed over 32 bits. */
function* seedWords(seed: number): Generator<number> {
  let state = ((seed >>> 0) ^ Math.imul(Math.floor(seed / 2 ** 32) | 0, 0x9e3779b1)) | 0;
  for (;;) {
    state = (state + 0x9e3779b9) | 0;
    let z = state;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    yield (z ^ (z >>> 16)) | 0;
  }
}

class PureRandRng implements Rng {
  constructor(private readonly generator: RandomGenerator) {}

  nextUint32(): number {
    return this.generator.next() >>> 0;
  }
}

/**
 * A deterministic generator: pure-rand's xoroshiro128+, with all 128 bits of state derived from
 * the seed. (pure-rand's own seeding puts the seed in one word, so nearby seeds such as run 1
 * and run 2 of a simulation would start out correlated.)
 */
export function createRng(seed: number): Rng {
  requireSeed("seed", seed);
  const words = seedWords(seed);
  const state: number[] = Array.from({ length: 4 }, () => words.next().value as number);
  if (!state.some((w) => w !== 0)) state[0] = 1; // the all-zero state is a fixed point
  return new PureRandRng(xoroshiro128plusFromState(state));
}
