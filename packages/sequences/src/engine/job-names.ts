/** Queue job names the engine uses. */
export const SEQUENCE_JOB_NAMES = { step: 'sequences.step', resume: 'sequences.resume' } as const;
