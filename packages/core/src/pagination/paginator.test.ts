import { describe, expect, it } from 'vitest';
import { ConfigError } from '../errors/client-errors.ts';
import { paginate, paginateByOffset, paginateByPage } from './paginator.ts';

const records = Array.from({ length: 23 }, (_, index) => ({ id: index + 1 }));

const cursorApi = (calls: (string | undefined)[] = []) =>
  paginate<{ id: number }>(async (cursor) => {
    calls.push(cursor);
    const start = cursor === undefined ? 0 : Number(cursor);
    const items = records.slice(start, start + 5);
    return { items, nextCursor: start + 5 < records.length ? String(start + 5) : null };
  });

describe('paginate', () => {
  it('walks every record across pages with for await', async () => {
    const seen: number[] = [];
    for await (const record of cursorApi()) seen.push(record.id);
    expect(seen).toEqual(records.map((record) => record.id));
  });

  it('yields whole pages', async () => {
    const sizes: number[] = [];
    for await (const page of cursorApi().pages()) sizes.push(page.items.length);
    expect(sizes).toEqual([5, 5, 5, 5, 3]);
  });

  it('collects with a limit and stops fetching once it has enough', async () => {
    const calls: (string | undefined)[] = [];
    const firstSeven = await cursorApi(calls).toArray({ limit: 7 });
    expect(firstSeven.map((record) => record.id)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(calls).toEqual([undefined, '5']);
  });

  it('resumes from a saved cursor in the middle of a page', async () => {
    const first = cursorApi();
    const seen: number[] = [];
    for await (const record of first) {
      seen.push(record.id);
      if (record.id === 8) break;
    }
    const saved = first.cursor;
    expect(saved).toBeTypeOf('string');
    const rest = await paginate<{ id: number }>(
      async (cursor) => {
        const start = cursor === undefined ? 0 : Number(cursor);
        return {
          items: records.slice(start, start + 5),
          nextCursor: start + 5 < records.length ? String(start + 5) : null,
        };
      },
      { cursor: saved as string },
    ).toArray();
    expect([...seen, ...rest.map((record) => record.id)]).toEqual(records.map((record) => record.id));
  });

  it('resumes from a cursor saved after a whole page', async () => {
    const first = cursorApi();
    for await (const page of first.pages()) if (page.items.at(-1)?.id === 10) break;
    const rest = await paginate<{ id: number }>(
      async (cursor) => {
        const start = cursor === undefined ? 0 : Number(cursor);
        return {
          items: records.slice(start, start + 5),
          nextCursor: start + 5 < records.length ? String(start + 5) : null,
        };
      },
      { cursor: first.cursor as string },
    ).toArray();
    expect(rest[0]?.id).toBe(11);
    expect(rest).toHaveLength(13);
  });

  it('reports done and resumes to nothing after the end', async () => {
    const walk = cursorApi();
    await walk.toArray();
    expect(walk.done).toBe(true);
    const again = await paginate(async () => ({ items: [{ id: 99 }] }), {
      cursor: walk.cursor as string,
    }).toArray();
    expect(again).toEqual([]);
  });

  it('rejects a malformed cursor with ConfigError', () => {
    expect(() => paginate(async () => ({ items: [] }), { cursor: 'not-a-cursor' })).toThrow(ConfigError);
  });
});

describe('paginateByPage', () => {
  it('follows page numbers until a short page', async () => {
    const pages: number[] = [];
    const all = await paginateByPage(
      async (page) => {
        pages.push(page);
        return { items: records.slice((page - 1) * 10, page * 10) };
      },
      { pageSize: 10 },
    ).toArray();
    expect(all).toHaveLength(23);
    expect(pages).toEqual([1, 2, 3]);
  });

  it('uses hasMore when the API says', async () => {
    const all = await paginateByPage(async (page) => ({ items: [{ page }], hasMore: page < 4 })).toArray();
    expect(all).toEqual([{ page: 1 }, { page: 2 }, { page: 3 }, { page: 4 }]);
  });

  const byPage = (pages: number[], options: { cursor?: string; startPage?: number } = {}) =>
    paginateByPage<{ id: number }>(
      async (page) => {
        pages.push(page);
        const first = (options.startPage ?? 1) === 0 ? page * 10 : (page - 1) * 10;
        return { items: records.slice(first, first + 10) };
      },
      { pageSize: 10, ...options },
    );

  it('resumes from a saved cursor in the middle of a page, fetching from that page on', async () => {
    const first = byPage([]);
    const seen: number[] = [];
    for await (const record of first) {
      seen.push(record.id);
      if (record.id === 14) break;
    }
    const pages: number[] = [];
    const rest = await byPage(pages, { cursor: first.cursor as string }).toArray();
    expect(pages).toEqual([2, 3]);
    expect(rest[0]?.id).toBe(15);
    expect([...seen, ...rest.map((record) => record.id)]).toEqual(records.map((record) => record.id));
  });

  it('resumes from a cursor saved after a whole page', async () => {
    const first = byPage([]);
    for await (const page of first.pages()) if (page.items.at(-1)?.id === 10) break;
    const pages: number[] = [];
    const rest = await byPage(pages, { cursor: first.cursor as string }).toArray();
    expect(pages).toEqual([2, 3]);
    expect(rest.map((record) => record.id)).toEqual(records.slice(10).map((record) => record.id));
  });

  it('resumes on the first page of a zero-based listing', async () => {
    const first = byPage([], { startPage: 0 });
    for await (const record of first) if (record.id === 3) break;
    const pages: number[] = [];
    const rest = await byPage(pages, { cursor: first.cursor as string, startPage: 0 }).toArray();
    expect(pages).toEqual([0, 1, 2]);
    expect(rest[0]?.id).toBe(4);
    expect(rest).toHaveLength(20);
  });

  it('resumes to nothing from a cursor saved at the end', async () => {
    const first = byPage([]);
    await first.toArray();
    const pages: number[] = [];
    expect(await byPage(pages, { cursor: first.cursor as string }).toArray()).toEqual([]);
    expect(pages).toEqual([]);
  });
});

describe('paginateByOffset', () => {
  it('advances the offset by the records received and stops at the total', async () => {
    const offsets: number[] = [];
    const all = await paginateByOffset(
      async (offset, limit) => {
        offsets.push(offset);
        return { items: records.slice(offset, offset + limit), total: records.length };
      },
      { limit: 10 },
    ).toArray();
    expect(all).toHaveLength(23);
    expect(offsets).toEqual([0, 10, 20]);
  });
});

describe('paginateByOffset resuming', () => {
  const byOffset = (offsets: number[], cursor?: string) =>
    paginateByOffset<{ id: number }>(
      async (offset, limit) => {
        offsets.push(offset);
        return { items: records.slice(offset, offset + limit), total: records.length };
      },
      cursor === undefined ? { limit: 10 } : { limit: 10, cursor },
    );

  it('resumes from a saved cursor in the middle of a page, fetching from that offset on', async () => {
    const first = byOffset([]);
    const seen: number[] = [];
    for await (const record of first) {
      seen.push(record.id);
      if (record.id === 17) break;
    }
    const offsets: number[] = [];
    const rest = await byOffset(offsets, first.cursor).toArray();
    expect(offsets).toEqual([10, 20]);
    expect(rest[0]?.id).toBe(18);
    expect([...seen, ...rest.map((record) => record.id)]).toEqual(records.map((record) => record.id));
  });

  it('resumes from a cursor saved after a whole page', async () => {
    const first = byOffset([]);
    for await (const page of first.pages()) if (page.items.at(-1)?.id === 20) break;
    const offsets: number[] = [];
    const rest = await byOffset(offsets, first.cursor).toArray();
    expect(offsets).toEqual([20]);
    expect(rest.map((record) => record.id)).toEqual([21, 22, 23]);
  });

  it('resumes from a cursor saved on the last page without fetching past the end', async () => {
    const first = byOffset([]);
    for await (const record of first) if (record.id === 21) break;
    const offsets: number[] = [];
    const rest = await byOffset(offsets, first.cursor).toArray();
    expect(offsets).toEqual([20]);
    expect(rest.map((record) => record.id)).toEqual([22, 23]);
  });
});
