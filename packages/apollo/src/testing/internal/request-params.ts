/**
 * Apollo's parameters, read from the query string (`person_titles[]=a&person_titles[]=b`,
 * `revenue_range[min]=1`) and from a JSON body (`{ "person_titles": ["a"] }`), which
 * Apollo both accepts.
 */
export interface RequestParams {
  /** The raw JSON body (an object, or `undefined`). */
  readonly body: Record<string, unknown> | undefined;
  string(name: string): string | undefined;
  /** Values of `name[]` / `name` (query) or the `name` array (body). */
  list(name: string): string[];
  bool(name: string): boolean | undefined;
  int(name: string): number | undefined;
  /** `name[min]` / `name[max]`, or `{ name: { min, max } }`. */
  range(name: string): { min: number | undefined; max: number | undefined };
  has(name: string): boolean;
}

const toNumber = (value: unknown): number | undefined => {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value)))
    return Number(value);
  return undefined;
};

/** Reads the parameters of `request` (the body is consumed). */
export async function readParams(request: Request, url: URL): Promise<RequestParams> {
  let body: Record<string, unknown> | undefined;
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    const text = await request.text();
    if (text.trim() !== '') {
      try {
        const parsed: unknown = JSON.parse(text);
        if (parsed && typeof parsed === 'object' && !Array.isArray(parsed))
          body = parsed as Record<string, unknown>;
      } catch {
        body = undefined;
      }
    }
  }
  const query = url.searchParams;
  const fromBody = (name: string): unknown => body?.[name.replace(/\[\]$/, '')];
  const params: RequestParams = {
    body,
    string(name) {
      const value = query.get(name) ?? fromBody(name);
      if (value === undefined || value === null) return undefined;
      return String(value);
    },
    list(name) {
      const bare = name.replace(/\[\]$/, '');
      const values = [...query.getAll(`${bare}[]`), ...query.getAll(bare)];
      const bodyValue = fromBody(bare);
      if (Array.isArray(bodyValue)) values.push(...bodyValue.map(String));
      else if (typeof bodyValue === 'string') values.push(bodyValue);
      return values.filter((value) => value !== '');
    },
    bool(name) {
      const value = query.get(name) ?? fromBody(name);
      if (value === undefined || value === null || value === '') return undefined;
      return value === true || value === 'true' || value === '1';
    },
    int(name) {
      return toNumber(query.get(name) ?? fromBody(name));
    },
    range(name) {
      const bodyValue = fromBody(name) as { min?: unknown; max?: unknown } | undefined;
      return {
        min: toNumber(query.get(`${name}[min]`) ?? bodyValue?.min),
        max: toNumber(query.get(`${name}[max]`) ?? bodyValue?.max),
      };
    },
    has(name) {
      return query.has(name) || query.has(`${name}[]`) || fromBody(name) !== undefined;
    },
  };
  return params;
}
