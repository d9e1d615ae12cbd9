/** JSON answer in Apollo's style. */
export function json(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8', ...headers },
  });
}

/** Apollo's text/plain 401. */
export function invalidApiKey(): Response {
  return new Response(
    'Invalid API key. See https://docs.apollo.io/reference/authentication for how to authenticate.',
    { status: 401, headers: { 'content-type': 'text/plain; charset=utf-8' } },
  );
}

/** The 401 Apollo gives an API key sent as a bearer token. */
export function invalidAccessCredentials(): Response {
  return new Response('Invalid access credentials.', {
    status: 401,
    headers: { 'content-type': 'text/plain; charset=utf-8' },
  });
}

/** The 403 of an API key whose scope lacks the endpoint. */
export function keyScopeDenied(scope: string): Response {
  return json(
    {
      error: `This API key is not authorized to access ${scope}. Request an API key from your administrator that includes this endpoint in its configured scope.`,
      error_code: 'API_INACCESSIBLE',
    },
    403,
  );
}

/** The 403 of an endpoint reserved to paid plans. */
export function paidPlanRequired(): Response {
  return json({ message: 'This endpoint is only available to Apollo users on paid plans.' }, 403);
}

/** The bulk endpoints' 400. */
export function bulkError(code: 'RECORD_LIMIT_EXCEEDED' | 'INVALID_REQUEST', message: string): Response {
  return json({ status: 'failed', error_code: code, error_message: message }, 400);
}

/** Apollo's 422 `{ error }`. */
export function unprocessable(error: string): Response {
  return json({ error }, 422);
}

/** Apollo's 429 body. */
export function tooManyRequests(scope: string, limit: number, window: 'minute' | 'hour' | 'day'): Response {
  return json(
    {
      message: `The maximum number of api calls allowed for ${scope} is ${limit} times per ${window}. Please upgrade your plan from https://app.apollo.io/#/settings/plans/upgrade.`,
    },
    429,
  );
}
