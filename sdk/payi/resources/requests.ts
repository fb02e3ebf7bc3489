import { z } from "zod";
import type { RequestOptions } from "../../core/client.js";
import { segment } from "../../core/path.js";
import type { APIPromise } from "../../core/response.js";
import type { Payi } from "../client.js";
import { PropertiesSchema, XproxyResultSchema } from "./shared.js";

/** A past request's result, as ingest returned it. */
export const RequestResultSchema = z.looseObject({ xproxy_result: XproxyResultSchema });
export type RequestResult = z.infer<typeof RequestResultSchema>;

/** The answer to a property update: the id of the request it changed. */
export const PropertiesResponseSchema = z.looseObject({ request_id: z.string().nullish() });
export type PropertiesResponse = z.infer<typeof PropertiesResponseSchema>;

/** Body of a request property update: a null value removes the key. */
export const PropertiesUpdateParamsSchema = z.object({ properties: PropertiesSchema });
export type PropertiesUpdateParams = z.input<typeof PropertiesUpdateParamsSchema>;

/**
 * `client.requests` (seed 004's core resource): a past request's result and property bag, by Pay-i's request id
 * (`requests.requestId`) or by the provider's response id within a category (`requests.responseId`).
 */
export class Requests {
  readonly requestId: ByRequestId;
  readonly responseId: ByResponseId;

  constructor(client: Payi) {
    this.requestId = new ByRequestId(client);
    this.responseId = new ByResponseId(client);
  }
}

/** `client.requests.requestId`. */
export class ByRequestId {
  constructor(private readonly client: Payi) {}

  /** The result ingest returned for `requestId`. */
  result(requestId: string, options?: RequestOptions): APIPromise<RequestResult> {
    return this.client.request({
      ...options,
      method: "GET",
      path: `/api/v1/requests/${segment(requestId)}/result`,
      schema: RequestResultSchema,
    });
  }

  /** Merges properties into the request's property bag. */
  updateProperties(requestId: string, body: PropertiesUpdateParams, options?: RequestOptions): APIPromise<PropertiesResponse> {
    return this.client.request({
      ...options,
      method: "PUT",
      path: `/api/v1/requests/${segment(requestId)}/properties`,
      body,
      schema: PropertiesResponseSchema,
    });
  }
}

/** `client.requests.responseId`. */
export class ByResponseId {
  constructor(private readonly client: Payi) {}

  /** The result of the newest request in `category` whose provider response id is `providerResponseId`. */
  result(category: string, providerResponseId: string, options?: RequestOptions): APIPromise<RequestResult> {
    return this.client.request({
      ...options,
      method: "GET",
      path: `/api/v1/requests/provider/${segment(category)}/${segment(providerResponseId)}/result`,
      schema: RequestResultSchema,
    });
  }

  /** Merges properties into that request's property bag. */
  updateProperties(
    category: string,
    providerResponseId: string,
    body: PropertiesUpdateParams,
    options?: RequestOptions,
  ): APIPromise<PropertiesResponse> {
    return this.client.request({
      ...options,
      method: "PUT",
      path: `/api/v1/requests/provider/${segment(category)}/${segment(providerResponseId)}/properties`,
      body,
      schema: PropertiesResponseSchema,
    });
  }
}
