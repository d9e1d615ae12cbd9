import { ConfigError } from '@salesos/core';
import { describe, expect, it } from 'vitest';
import { sequenceForTier } from './sequence-for-tier.ts';

describe('sequenceForTier', () => {
  const routing = { 1: 'high-touch', 2: 'standard', 4: null, default: 'nurture' };

  it('answers the sequence of a tier, the default for tiers without one, nothing for null', () => {
    expect(sequenceForTier(1, routing)).toBe('high-touch');
    expect(sequenceForTier(2, routing)).toBe('standard');
    expect(sequenceForTier(3, routing)).toBe('nurture');
    expect(sequenceForTier(4, routing)).toBeUndefined();
    expect(sequenceForTier(3, { 1: 'x' })).toBeUndefined();
  });

  it('rejects a tier outside 1–4', () => {
    expect(() => sequenceForTier(5, routing)).toThrow(ConfigError);
  });
});
