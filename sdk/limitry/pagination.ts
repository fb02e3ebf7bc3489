import type { RequestSpec } from "../core/client.js";
import { CursorPage, type PageBody, type PageFetcher } from "../core/pagination.js";
import { APIPromise } from "../core/response.js";
import type { Limitry } from "./client.js";

/**
 * One page of a Limitry list, read as seed 003 reads it: `data`, `hasMore`, `nextCursor` (and the core's
 * `items` / `cursor`, the same values). `for await` over it walks every item from here to the end; pass
 * `nextCursor` as `cursor` to a new `list()` call to page by hand.
 */
export class LimitryPage<Item> extends CursorPage<Item> {
  /** The items of this page. */
  readonly data: Item[];
  /** True when another page follows. */
  readonly hasMore: boolean;
  /** The cursor of the next page; null on the last one. */
  readonly nextCursor: string | null;
  readonly #fetchPage: PageFetcher<Item>;

  constructor(fetchPage: PageFetcher<Item>, body: PageBody<Item>) {
    super(fetchPage, body);
    this.#fetchPage = fetchPage;
    this.data = this.items;
    this.nextCursor = this.cursor;
    this.hasMore = this.cursor !== null;
  }

  override async getNextPage(): Promise<LimitryPage<Item>> {
    if (this.cursor === null || !this.hasNextPage()) throw new Error("No next page: check hasMore first.");
    return new LimitryPage(this.#fetchPage, await this.#fetchPage(this.cursor));
  }
}

/** What a Limitry `list()` returns: await it for the first page, or `for await` over every item of every page. */
export class LimitryPagePromise<Item> extends APIPromise<LimitryPage<Item>> implements AsyncIterable<Item> {
  constructor(fetchPage: PageFetcher<Item>) {
    super(
      fetchPage(undefined)
        .withResponse()
        .then(({ data, response }) => ({ data: new LimitryPage(fetchPage, data), response })),
    );
  }

  async *[Symbol.asyncIterator](): AsyncIterator<Item> {
    yield* await this;
  }
}

/** Limitry's list envelope on the wire. */
interface WirePage<Item> {
  data: Item[];
  nextCursor?: string | null | undefined;
  hasMore: boolean;
}

/** A paginated list call: each page sends `spec` with `cursor` added. */
export function listPages<Item>(client: Limitry, spec: RequestSpec<WirePage<Item>>): LimitryPagePromise<Item> {
  const fetchPage: PageFetcher<Item> = (cursor) =>
    new APIPromise(
      client
        .request({ ...spec, query: { ...spec.query, ...(cursor === undefined ? {} : { cursor }) } })
        .withResponse()
        // The cursor counts only while hasMore is true.
        .then(({ data, response }) => ({
          data: { items: data.data, cursor: data.hasMore ? (data.nextCursor ?? null) : null },
          response,
        })),
    );
  return new LimitryPagePromise(fetchPage);
}
