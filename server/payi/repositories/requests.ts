import { z } from "zod";
import { XproxyResultSchema, type XproxyResult } from "../../../sdk/payi/resources/shared.js";
import type { Db } from "../../db.js";
import { jsonColumn, rowDecoder } from "../../rows.js";

/** An ingested request as stored, decoded: its result and its property bag. */
const RequestRowSchema = z.object({
  request_id: z.string(),
  category: z.string(),
  provider_response_id: z.string().nullable(),
  result: jsonColumn(XproxyResultSchema),
  properties: jsonColumn(z.record(z.string(), z.string().nullable())),
  created_at: z.string(),
});
export type RequestRow = z.infer<typeof RequestRowSchema>;
const rows = rowDecoder(RequestRowSchema);

/** SQL for past requests, which `client.requests` looks up by request id or provider response id. */
export class RequestsRepository {
  readonly #insert;
  readonly #byId;
  readonly #byResponseId;
  readonly #setProperties;

  constructor(db: Db) {
    this.#insert = db.prepare(
      "INSERT INTO requests (request_id, category, provider_response_id, result, properties, created_at) VALUES (?, ?, ?, ?, ?, ?)",
    );
    this.#byId = db.prepare("SELECT * FROM requests WHERE request_id = ?");
    // A provider may reuse a response id; the newest request with it answers.
    this.#byResponseId = db.prepare(
      "SELECT * FROM requests WHERE category = ? AND provider_response_id = ? ORDER BY rowid DESC LIMIT 1",
    );
    this.#setProperties = db.prepare("UPDATE requests SET properties = ? WHERE request_id = ?");
  }

  insert(
    request: {
      request_id: string;
      category: string;
      provider_response_id: string | null;
      result: XproxyResult;
      properties: Record<string, string | null>;
    },
    now: string,
  ): void {
    this.#insert.run(
      request.request_id,
      request.category,
      request.provider_response_id,
      JSON.stringify(request.result),
      JSON.stringify(request.properties),
      now,
    );
  }

  findById(requestId: string): RequestRow | undefined {
    return rows.one(this.#byId.get(requestId));
  }

  findByResponseId(category: string, providerResponseId: string): RequestRow | undefined {
    return rows.one(this.#byResponseId.get(category, providerResponseId));
  }

  setProperties(requestId: string, properties: Record<string, string | null>): void {
    this.#setProperties.run(JSON.stringify(properties), requestId);
  }
}
