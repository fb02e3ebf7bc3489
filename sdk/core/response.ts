import type { ResponseHeaders } from "./errors.js";

/** The HTTP side of a successful call: what `withResponse()` returns beside the parsed body. */
export interface RawResponse {
  status: number;
  headers: ResponseHeaders;
  /** The request id the API assigned (`x-request-id`), when present. */
  requestId: string | undefined;
}

/**
 * The result of an SDK call: await it for the parsed body, or call `withResponse()` for the body and
 * the HTTP response (status, headers) together.
 */
export class APIPromise<T> implements PromiseLike<T> {
  readonly #result: Promise<{ data: T; response: RawResponse }>;

  constructor(result: Promise<{ data: T; response: RawResponse }>) {
    this.#result = result;
  }

  /** The parsed body together with the HTTP status and headers. */
  withResponse(): Promise<{ data: T; response: RawResponse }> {
    return this.#result;
  }

  // biome-ignore lint/suspicious/noThenProperty: an APIPromise is a thenable on purpose, so `await` works on it.
  then<R1 = T, R2 = never>(
    onfulfilled?: ((value: T) => R1 | PromiseLike<R1>) | null,
    onrejected?: ((reason: unknown) => R2 | PromiseLike<R2>) | null,
  ): Promise<R1 | R2> {
    return this.#result.then((r) => r.data).then(onfulfilled, onrejected);
  }

  catch<R = never>(onrejected?: ((reason: unknown) => R | PromiseLike<R>) | null): Promise<T | R> {
    return this.then(undefined, onrejected);
  }

  finally(onfinally?: (() => void) | null): Promise<T> {
    return this.then().finally(onfinally);
  }
}
