import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const directory = fileURLToPath(new URL('../../.tmp/reliability/', import.meta.url));

/**
 * Keeps the figures of a reliability scenario (faults injected, crashes survived, inputs tried,
 * records lost) in `.tmp/reliability/<scenario>.json`, for RELIABILITY.md.
 */
export function recordFigures(scenario: string, figures: Record<string, unknown>): void {
  mkdirSync(directory, { recursive: true });
  writeFileSync(
    `${directory}${scenario}.json`,
    `${JSON.stringify({ scenario, at: new Date().toISOString(), ...figures }, null, 2)}\n`,
  );
}
