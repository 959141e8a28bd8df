import { describe, expect, it } from 'vitest';
import { ApiError } from './errors/api-error.js';
import { paginatePages, type ReadPage } from './paginate-pages.js';

/** Pages of `size` numbered items, read from an array of pages (no HTTP: the loop alone). */
function pages(list: number[][], last = (index: number) => index === list.length - 1) {
  const reads: number[] = [];
  const read = async (index: number): Promise<ReadPage<number>> => {
    reads.push(index);
    const items = list[index] ?? [];
    return {
      items,
      received: items.length,
      fingerprint: JSON.stringify(items),
      last: last(index),
      position: `page ${index + 1}`,
      fail: (detail) =>
        new ApiError({ packageName: '@auth/test', method: 'GET', url: 'https://api.test/list', status: 200, detail }),
    };
  };
  return { read, reads };
}

async function collect(iteration: AsyncIterable<number>): Promise<number[]> {
  const items: number[] = [];
  for await (const item of iteration) items.push(item);
  return items;
}

describe('paginatePages', () => {
  it('hands out every item and reads a page only once the previous one is consumed', async () => {
    const { read, reads } = pages([[1, 2], [3, 4], [5]]);
    const iteration = paginatePages(read, { maxPages: 10 });
    expect((await iteration.next()).value).toBe(1);
    expect(reads).toEqual([0]);
    expect(await collect(iteration)).toEqual([2, 3, 4, 5]);
    expect(reads).toEqual([0, 1, 2]);
  });

  it('ends at an empty page', async () => {
    const { read, reads } = pages([[1], []], () => false);
    expect(await collect(paginatePages(read, { maxPages: 10 }))).toEqual([1]);
    expect(reads).toEqual([0, 1]);
  });

  it('fails on a page served twice, after the items read before', async () => {
    const { read } = pages([[1, 2], [1, 2], [3]]);
    const items: number[] = [];
    const error = await (async () => {
      for await (const item of paginatePages(read, { maxPages: 10 })) items.push(item);
    })().catch((caught: unknown) => caught);
    expect(items).toEqual([1, 2]);
    expect((error as ApiError).message).toBe(
      '@auth/test: GET https://api.test/list answered page 2 with the items of the previous page; stopped to avoid an endless loop.',
    );
  });

  it('fails past maxPages instead of reading another page', async () => {
    const { read, reads } = pages([[1], [2], [3], [4]], () => false);
    await expect(collect(paginatePages(read, { maxPages: 2 }))).rejects.toThrow(
      'has more pages than maxPages (2) allows; stopped after page 2. Raise maxPages or narrow the query',
    );
    expect(reads).toEqual([0, 1]);
  });

  it('fails with the problem a page reports, before its items', async () => {
    const read = async (): Promise<ReadPage<number>> => ({
      ...(await pages([[1]]).read(0)),
      problem: 'answered page 7 when asked for page 1',
    });
    const items: number[] = [];
    await expect(
      (async () => {
        for await (const item of paginatePages(read, { maxPages: 10 })) items.push(item);
      })(),
    ).rejects.toThrow('answered page 7 when asked for page 1; stopped to avoid an endless loop');
    expect(items).toEqual([]);
  });

  it('stops on abort between items, and requests nothing more', async () => {
    const { read, reads } = pages([[1, 2], [3]]);
    const controller = new AbortController();
    const iteration = paginatePages(read, { maxPages: 10, signal: controller.signal });
    expect((await iteration.next()).value).toBe(1);
    controller.abort(new Error('caller gave up'));
    await expect(iteration.next()).rejects.toThrow('caller gave up');
    expect(reads).toEqual([0]);
  });
});
