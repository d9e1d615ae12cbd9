import type { HttpClient, RequestOptions, ShorthandOptions } from '@salesos/core';

/** Attio counts GETs and the two query endpoints as reads; everything else is a write. */
export function isAttioRead(method: string, path: string): boolean {
  const upper = method.toUpperCase();
  return upper === 'GET' || upper === 'HEAD' || (upper === 'POST' && path.endsWith('/query'));
}

/**
 * One `HttpClient` over two: reads go to `reads`, writes to `writes`, so each kind is
 * admitted by its own rate limiter.
 */
export function createRoutedHttpClient(reads: HttpClient, writes: HttpClient): HttpClient {
  const pick = (method: string, path: string) => (isAttioRead(method, path) ? reads : writes);
  const request = <T>(options: RequestOptions<T>) =>
    pick(options.method ?? 'GET', options.path).request(options);
  const requestRaw = <T>(options: RequestOptions<T>) =>
    pick(options.method ?? 'GET', options.path).requestRaw(options);
  const shorthand =
    (method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE') =>
    <T>(path: string, options: ShorthandOptions<T> = {}) =>
      request<T>({ ...options, method, path });
  return {
    vendor: reads.vendor,
    baseUrl: reads.baseUrl,
    request,
    requestRaw,
    get: shorthand('GET'),
    post: shorthand('POST'),
    put: shorthand('PUT'),
    patch: shorthand('PATCH'),
    delete: shorthand('DELETE'),
  };
}
