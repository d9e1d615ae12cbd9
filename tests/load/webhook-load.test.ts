import { describe, expect, it } from 'vitest';
import { recordFigures } from '../support/figures.ts';
import { runWebhookLoad } from './webhook-load.ts';

// The short mode of the load test: a few seconds at a bounded rate on loopback against the
// reference server's webhook endpoints. `pnpm bench load` runs the same harness for 60 s and
// reports accepted/s and p99 latency.
describe("the reference server's SalesLoft and Attio webhook endpoints under load", () => {
  it('apply every accepted delivery exactly once, reject forgeries and answer redeliveries as duplicates', async () => {
    const report = await runWebhookLoad({ durationSeconds: 3, rate: 200, connections: 8 });

    expect(report.sent).toBeGreaterThan(100);
    expect(report.errors).toBe(0);
    expect(report.serverErrors).toBe(0);
    expect(Object.keys(report.forged)).toEqual(['401']);
    expect(report.accepted).toBeGreaterThan(0);
    expect(report.acceptedUnreported).toBe(0);
    expect(report.processedOnce).toBe(report.accepted);
    expect(report.processedTwice).toBe(0);
    expect(report.lost).toBe(0);
    expect(report.processedUnaccepted).toBe(0);
    expect(Object.keys(report.redeliveries).every((status) => status === '200' || status === '409')).toBe(
      true,
    );
    expect(report.redeliveries['200']).toBeGreaterThan(0);
    recordFigures('load-short', { durationSeconds: 3, rate: 200, connections: 8, ...report });
  }, 30_000);
});
