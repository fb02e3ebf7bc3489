import { APIPromise } from "./response.js";

/** One page as the core sees it: its items and the opaque cursor of the next page (null or absent on the last). */
export interface PageBody<Item> {
  items: Item[];
  cursor?: string | null | undefined;
}

/** Fetches one page given the cursor to start from (undefined for the first page). */
export type PageFetcher<Item> = (cursor: string | undefined) => APIPromise<PageBody<Item>>;

/**
 * One page of a list: `items` and the opaque `cursor` of the next page (null on the last page).
 * Iterate it with `for await` to walk every item from here to the end.
 */
export class CursorPage<Item> implements AsyncIterable<Item> {
  readonly items: Item[];
  readonly cursor: string | null;
  readonly #fetch: PageFetcher<Item>;

  constructor(fetch: PageFetcher<Item>, body: PageBody<Item>) {
    this.#fetch = fetch;
    this.items = body.items;
    this.cursor = body.cursor ? body.cursor : null;
  }

  /** True when the service returned a cursor and this page was not empty. */
  hasNextPage(): boolean {
    return this.cursor !== null && this.items.length > 0;
  }

  async getNextPage(): Promise<CursorPage<Item>> {
    if (!this.hasNextPage() || this.cursor === null) {
      throw new Error("No next page: check hasNextPage() first.");
    }
    return new CursorPage(this.#fetch, await this.#fetch(this.cursor));
  }

  async *iterPages(): AsyncGenerator<CursorPage<Item>> {
    let page: CursorPage<Item> = this;
    yield page;
    while (page.hasNextPage()) {
      page = await page.getNextPage();
      yield page;
    }
  }

  async *[Symbol.asyncIterator](): AsyncIterator<Item> {
    for await (const page of this.iterPages()) {
      yield* page.items;
    }
  }
}

/**
 * What `list()` returns: await it for the first page, or `for await` over it for every item on every page.
 */
export class PagePromise<Item> extends APIPromise<CursorPage<Item>> implements AsyncIterable<Item> {
  constructor(fetch: PageFetcher<Item>) {
    super(
      fetch(undefined)
        .withResponse()
        .then(({ data, response }) => ({ data: new CursorPage(fetch, data), response })),
    );
  }

  async *[Symbol.asyncIterator](): AsyncIterator<Item> {
    yield* await this;
  }
}
