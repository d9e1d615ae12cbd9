import { RateLimitError } from '@salesos/core';
import { listenFetchHandler } from '@salesos/core/testing';
import { describe, expect, it } from 'vitest';
import { createApolloClient } from '../client.ts';

describe('createApolloRateLimiter in the client', () => {
  it('does not count a rate-limit wait against the request timeout', async () => {
    let answered = 0;
    const server = await listenFetchHandler(() => {
      answered += 1;
      return answered === 1
        ? Response.json(
            {
              message:
                'The maximum number of api calls allowed for api/v1/opportunity_stages/index is 1 times per minute.',
            },
            { status: 429, headers: { 'retry-after': '0.3' } },
          )
        : Response.json({ opportunity_stages: [] });
    });
    try {
      const client = createApolloClient({
        apiKey: 'k',
        baseUrl: `${server.url}/api/v1`,
        timeoutMs: 100,
        maxRetries: 0,
      });
      await expect(client.deals.stages()).rejects.toThrow(RateLimitError);
      // The next call waits ~300 ms for the window (real time), longer than its 100 ms timeout.
      await expect(client.deals.stages()).resolves.toEqual([]);
      expect(answered).toBe(2);
    } finally {
      await server.close();
    }
  });

  it('retries a 429 once its window reopens, without timing the wait as the request', async () => {
    let answered = 0;
    const server = await listenFetchHandler(() => {
      answered += 1;
      return answered === 1
        ? Response.json(
            { message: 'The maximum number of api calls allowed for api/v1 is 5 times per minute.' },
            { status: 429, headers: { 'retry-after': '0.3' } },
          )
        : Response.json({ opportunity_stages: [] });
    });
    try {
      const client = createApolloClient({
        apiKey: 'k',
        baseUrl: `${server.url}/api/v1`,
        timeoutMs: 100,
        maxRetries: 1,
      });
      await expect(client.deals.stages()).resolves.toEqual([]);
      expect(answered).toBe(2);
    } finally {
      await server.close();
    }
  });
});
