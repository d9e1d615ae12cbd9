import { markerCheck, SalesOSError } from '../errors/salesos-error.ts';

const permanentJobMarker = Symbol.for('salesos.error.permanent_job');

/**
 * Thrown by a job handler to dead-letter the job at once, without the retries left: for
 * failures no retry can fix (a malformed record, a rejected email address).
 *
 * @example
 * ```ts
 * queue.process('import', async (job) => {
 *   const parsed = PersonSchema.safeParse(job.data);
 *   if (!parsed.success) throw new PermanentJobError(`Job ${job.id}: not a person record`);
 *   await save(parsed.data);
 * });
 * ```
 */
export class PermanentJobError extends SalesOSError {
  override readonly code: string = 'permanent_job_error';
  /** @internal */
  readonly [permanentJobMarker] = true;

  static override isInstance = markerCheck<PermanentJobError>(permanentJobMarker);
}
