import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { escapeColon, toBullId, unescapeColon } from './bullmq-ids.ts';

/** Key of the job-id registry entry; `::` cannot occur in a BullMQ key (queue names have no `:`). */
export const registryKey = (prefix: string, jobId: string) => `${prefix}::job-id:${jobId}`;

/** How long a claim without a job keeps the id from an add under another name. */
export const FOREIGN_CLAIM_MS = 60_000;

// Claims a job id for a queue. A claim holds while its job exists. A claim whose job does not
// exist belongs to an add that died before creating the job, or to one about to create it:
// - under the same queue the new add takes it over at once, since BullMQ creates a job id only
//   once per queue, so racing adders still make one job;
// - under another queue it holds for a minute, since the first add may still create its job there.
// KEYS[1] registry key; ARGV[1] queue key prefix ("<prefix>:"), ARGV[2] BullMQ job id,
// ARGV[3] encoded queue name, ARGV[4] owner token, ARGV[5] FOREIGN_CLAIM_MS.
// Answers 1 when claimed, 0 when the id is taken.
const CLAIM_SCRIPT = `
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local current = redis.call('GET', KEYS[1])
if current then
  local claim = cjson.decode(current)
  if redis.call('EXISTS', ARGV[1] .. claim.q .. ':' .. ARGV[2]) == 1 then
    return 0
  end
  if claim.q ~= ARGV[3] and now - claim.t < tonumber(ARGV[5]) then
    return 0
  end
end
redis.call('SET', KEYS[1], cjson.encode({ q = ARGV[3], t = now, o = ARGV[4] }))
return 1
`;

// Deletes a claim if it is still the caller's. KEYS[1] registry key; ARGV[1] owner token.
const RELEASE_SCRIPT = `
local current = redis.call('GET', KEYS[1])
if current and cjson.decode(current).o == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
`;

interface StoredClaim {
  /** Encoded queue name. */
  q: string;
  /** Claim time, epoch milliseconds (Redis clock). */
  t: number;
  /** Owner token of the add that made the claim; absent on claims written by earlier versions. */
  o?: string;
}

/** A job id claimed for one add. */
export interface JobIdClaim {
  readonly jobId: string;
  readonly owner: string;
}

/**
 * The registry that keeps job ids unique across every BullMQ queue of one prefix, and remembers
 * which queue holds each id.
 */
export interface JobIdRegistry {
  /** Claims `jobId` for the queue of job name `name`; `null` when the id is taken. */
  claim(jobId: string, name: string): Promise<JobIdClaim | null>;
  /** True when the claim was not taken over since: this add is the one that added the job. */
  held(claim: JobIdClaim): Promise<boolean>;
  /** Gives the id up after the job could not be created, unless another add took it over. */
  release(claim: JobIdClaim): Promise<void>;
  /** The job name whose queue holds `jobId`, or `null` when the id is unknown. */
  queueOf(jobId: string): Promise<string | null>;
  /** Keeps the entry `ms` more milliseconds, then forgets it. */
  expire(jobId: string, ms: number): Promise<void>;
}

/** Opens the job-id registry of the queues under `prefix`. */
export function createJobIdRegistry(client: Redis, prefix: string): JobIdRegistry {
  const read = async (jobId: string): Promise<StoredClaim | null> => {
    const stored = await client.get(registryKey(prefix, jobId));
    return stored === null ? null : (JSON.parse(stored) as StoredClaim);
  };
  const registry: JobIdRegistry = {
    async claim(jobId, name) {
      const owner = randomUUID();
      const claimed = await client.eval(
        CLAIM_SCRIPT,
        1,
        registryKey(prefix, jobId),
        `${prefix}:`,
        toBullId(jobId),
        escapeColon(name),
        owner,
        FOREIGN_CLAIM_MS,
      );
      return claimed === 1 ? { jobId, owner } : null;
    },
    async held(claim) {
      const stored = await read(claim.jobId);
      return stored === null || stored.o === claim.owner;
    },
    async release(claim) {
      await client.eval(RELEASE_SCRIPT, 1, registryKey(prefix, claim.jobId), claim.owner);
    },
    async queueOf(jobId) {
      const stored = await read(jobId);
      return stored === null ? null : unescapeColon(stored.q);
    },
    async expire(jobId, ms) {
      await client.pexpire(registryKey(prefix, jobId), ms);
    },
  };
  return registry;
}
