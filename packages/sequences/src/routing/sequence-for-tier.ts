import { ConfigError } from '@salesos/core';

/** Which sequence each scoring tier (1 best … 4) starts in. `default` covers tiers not listed. */
export interface TierSequenceMap {
  1?: string | null;
  2?: string | null;
  3?: string | null;
  4?: string | null;
  /** Sequence for any tier without its own entry. Omit to enrol nobody by default. */
  default?: string | null;
}

/**
 * The default sequence for a lead's scoring tier, or `undefined` when that tier is not to be
 * enrolled (`null`, or no entry and no `default`). Throws `ConfigError` for a tier other than 1–4.
 *
 * @example
 * ```ts
 * const routing = { 1: 'tier-1-high-touch', 2: 'tier-2-standard', 3: 'nurture', 4: null };
 * const sequenceId = sequenceForTier(score.tier, routing);
 * if (sequenceId) await engine.enroll({ tenantId, sequenceId, person, mailbox });
 * ```
 */
export function sequenceForTier(tier: number, mapping: TierSequenceMap): string | undefined {
  if (tier !== 1 && tier !== 2 && tier !== 3 && tier !== 4) {
    throw new ConfigError(`Scoring tier must be 1, 2, 3 or 4, got ${String(tier)}`);
  }
  const own = mapping[tier];
  if (own !== undefined) return own ?? undefined;
  return mapping.default ?? undefined;
}
