import { describe, expect, it } from 'vitest';
import { ApolloResultLimitError } from '../errors.ts';
import { paginateApollo } from './apollo-paginator.ts';

const pageOf = (page: number, perPage: number, total: number) =>
  Array.from(
    { length: Math.max(0, Math.min(perPage, total - (page - 1) * perPage)) },
    (_, index) => (page - 1) * perPage + index,
  );

describe('paginateApollo', () => {
  it('raises ApolloResultLimitError after the 50 000th record instead of stopping silently', async () => {
    const fetched: number[] = [];
    const paginator = paginateApollo<number>({
      endpoint: 'POST /mixed_people/api_search',
      perPage: 100,
      ceiling: true,
      fetchPage: async (page, perPage) => {
        fetched.push(page);
        return { items: pageOf(page, perPage, 75_000), totalEntries: 75_000 };
      },
    });
    let count = 0;
    const error = await (async () => {
      for await (const _record of paginator) count += 1;
    })().catch((caught: unknown) => caught);
    expect(count).toBe(50_000);
    expect(fetched.at(-1)).toBe(500);
    expect(ApolloResultLimitError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ totalEntries: 75_000, maxRecords: 50_000, maxPages: 500 });
    expect((error as Error).message).toMatch(/75,000.*at most 50,000.*Narrow the filters/);
  });

  it('stops at the 500th page when pages are small', async () => {
    const paginator = paginateApollo<number>({
      endpoint: 'POST /contacts/search',
      perPage: 10,
      ceiling: true,
      fetchPage: async (page, perPage) => ({ items: pageOf(page, perPage, 6000), totalPages: 600 }),
    });
    await expect(paginator.toArray()).rejects.toThrow(ApolloResultLimitError);
    const within = paginateApollo<number>({
      endpoint: 'POST /contacts/search',
      perPage: 10,
      ceiling: true,
      fetchPage: async (page, perPage) => ({ items: pageOf(page, perPage, 5000), totalPages: 500 }),
    });
    await expect(within.toArray()).resolves.toHaveLength(5000);
  });

  it('reads page counts sent as strings', async () => {
    const pages: number[] = [];
    const paginator = paginateApollo<number>({
      endpoint: 'GET /users/search',
      perPage: 3,
      ceiling: false,
      fetchPage: async (page, perPage) => {
        pages.push(page);
        return { items: pageOf(page, perPage, 7), totalEntries: '7', totalPages: '3' };
      },
    });
    await expect(paginator.toArray()).resolves.toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(pages).toEqual([1, 2, 3]);
  });

  it('ignores a total of 0 reported next to a full page', async () => {
    const paginator = paginateApollo<number>({
      endpoint: 'POST /mixed_people/api_search',
      perPage: 2,
      ceiling: true,
      fetchPage: async (page, perPage) => ({ items: pageOf(page, perPage, 5), totalEntries: 0 }),
    });
    await expect(paginator.toArray()).resolves.toEqual([0, 1, 2, 3, 4]);
  });
});
