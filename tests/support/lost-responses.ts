import { createRandom, type FetchHandler } from '@salesos/core/testing';

/**
 * Wraps a simulator so that some writes are applied and then lose their response (the
 * connection resets after the vendor committed): the fault that turns a careless retry into a
 * duplicate. `stats.lost` counts them.
 */
export function withLostResponses(
  handler: FetchHandler,
  options: { rate: number; seed?: number },
): FetchHandler & { stats: { lost: number } } {
  const random = createRandom(options.seed ?? 7);
  const stats = { lost: 0 };
  const wrapped = async (request: Request): Promise<Response> => {
    const response = await handler(request);
    const write = request.method !== 'GET' && request.method !== 'HEAD' && !request.url.includes('/query');
    if (write && !request.url.includes('search') && response.ok && random.chance(options.rate)) {
      stats.lost += 1;
      return Response.error();
    }
    return response;
  };
  return Object.assign(wrapped, { stats });
}
