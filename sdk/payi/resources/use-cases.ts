import { z } from "zod";
import type { RequestOptions } from "../../core/client.js";
import { segment } from "../../core/path.js";
import type { Payi } from "../client.js";
import type { PagePromise } from "../../core/pagination.js";
import type { APIPromise } from "../../core/response.js";
import { LimitTypeSchema } from "./limits.js";
import { MoneySchema, PropertiesSchema, TimestampSchema, type ListParams, samePage } from "./shared.js";

/** The limit every new instance of a use case gets (seed 002). */
export const LimitConfigSchema = z.looseObject({
  /** USD per instance. */
  max: MoneySchema,
  limit_type: LimitTypeSchema.nullish(),
  properties: PropertiesSchema.nullish(),
  threshold: MoneySchema.nullish(),
});
export type LimitConfig = z.infer<typeof LimitConfigSchema>;

/** A use-case definition: a named kind of work whose instances Pay-i tracks. */
export const UseCaseDefinitionSchema = z.looseObject({
  name: z.string(),
  description: z.string(),
  request_id: z.string(),
  limit_config: LimitConfigSchema.nullish(),
  logging_enabled: z.boolean().nullish(),
  type_version: z.number().int().nullish(),
  created_timestamp: TimestampSchema.nullish(),
  updated_timestamp: TimestampSchema.nullish(),
});
export type UseCaseDefinition = z.infer<typeof UseCaseDefinitionSchema>;

export const UseCaseDefinitionPageSchema = z.looseObject({
  items: z.array(UseCaseDefinitionSchema),
  cursor: z.string().nullish(),
});

/** Body of `POST /api/v1/use_cases/definitions`. */
export const UseCaseDefinitionCreateParamsSchema = z.object({
  /** 1–64 letters, digits, `.`, `-`, `_`. */
  name: z.string(),
  description: z.string(),
  limit_config: z
    .object({
      max: z.number(),
      limit_type: LimitTypeSchema.nullish(),
      properties: PropertiesSchema.nullish(),
      threshold: z.number().nullish(),
    })
    .nullish(),
  logging_enabled: z.boolean().nullish(),
});
export type UseCaseDefinitionCreateParams = z.input<typeof UseCaseDefinitionCreateParamsSchema>;

/** Body of `PUT /api/v1/use_cases/definitions/{name}`. */
export const UseCaseDefinitionUpdateParamsSchema = z.object({
  description: z.string().nullish(),
  logging_enabled: z.boolean().nullish(),
});
export type UseCaseDefinitionUpdateParams = z.input<typeof UseCaseDefinitionUpdateParamsSchema>;

/** Body of `POST /api/v1/use_cases/definitions/{name}/limit_config`. */
export const LimitConfigCreateParamsSchema = UseCaseDefinitionCreateParamsSchema.shape.limit_config.unwrap().unwrap();
export type LimitConfigCreateParams = z.input<typeof LimitConfigCreateParamsSchema>;

/** One tracked run of a use case; `limit_id` is its own limit when the definition has a limit config. */
export const UseCaseInstanceSchema = z.looseObject({
  use_case_id: z.string(),
  use_case_name: z.string(),
  limit_id: z.string().nullish(),
  type_version: z.number().int().nullish(),
});
export type UseCaseInstance = z.infer<typeof UseCaseInstanceSchema>;

/** `client.useCases`: instances, plus `definitions`. */
export class UseCases {
  readonly definitions: Definitions;

  constructor(private readonly client: Payi) {
    this.definitions = new Definitions(client);
  }

  /** Starts a new instance of the named use case (and its limit, when the definition has a limit config). */
  create(useCaseName: string, options?: RequestOptions): APIPromise<UseCaseInstance> {
    return this.client.request({
      ...options,
      method: "POST",
      path: `/api/v1/use_cases/instances/${segment(useCaseName)}`,
      schema: UseCaseInstanceSchema,
    });
  }

  retrieve(useCaseName: string, useCaseId: string, options?: RequestOptions): APIPromise<UseCaseInstance> {
    return this.client.request({
      ...options,
      method: "GET",
      path: `/api/v1/use_cases/instances/${segment(useCaseName)}/${segment(useCaseId)}`,
      schema: UseCaseInstanceSchema,
    });
  }

  delete(useCaseName: string, useCaseId: string, options?: RequestOptions): APIPromise<UseCaseInstance> {
    return this.client.request({
      ...options,
      method: "DELETE",
      path: `/api/v1/use_cases/instances/${segment(useCaseName)}/${segment(useCaseId)}`,
      schema: UseCaseInstanceSchema,
    });
  }
}

/** `client.useCases.definitions`. */
export class Definitions {
  readonly limitConfig: DefinitionLimitConfig;

  constructor(private readonly client: Payi) {
    this.limitConfig = new DefinitionLimitConfig(client);
  }

  create(body: UseCaseDefinitionCreateParams, options?: RequestOptions): APIPromise<UseCaseDefinition> {
    return this.client.request({
      ...options,
      method: "POST",
      path: "/api/v1/use_cases/definitions",
      body,
      schema: UseCaseDefinitionSchema,
    });
  }

  retrieve(useCaseName: string, options?: RequestOptions): APIPromise<UseCaseDefinition> {
    return this.client.request({
      ...options,
      method: "GET",
      path: `/api/v1/use_cases/definitions/${segment(useCaseName)}`,
      schema: UseCaseDefinitionSchema,
    });
  }

  update(useCaseName: string, body: UseCaseDefinitionUpdateParams, options?: RequestOptions): APIPromise<UseCaseDefinition> {
    return this.client.request({
      ...options,
      method: "PUT",
      path: `/api/v1/use_cases/definitions/${segment(useCaseName)}`,
      body,
      schema: UseCaseDefinitionSchema,
    });
  }

  list(query: ListParams & { use_case_name?: string } = {}, options?: RequestOptions): PagePromise<UseCaseDefinition> {
    return this.client.list(
      {
        ...options,
        method: "GET",
        path: "/api/v1/use_cases/definitions",
        query: { ...options?.query, ...query },
        schema: UseCaseDefinitionPageSchema,
      },
      samePage,
    );
  }

  delete(useCaseName: string, options?: RequestOptions): APIPromise<UseCaseDefinition> {
    return this.client.request({
      ...options,
      method: "DELETE",
      path: `/api/v1/use_cases/definitions/${segment(useCaseName)}`,
      schema: UseCaseDefinitionSchema,
    });
  }
}

/** `client.useCases.definitions.limitConfig`. */
export class DefinitionLimitConfig {
  constructor(private readonly client: Payi) {}

  /** Sets the definition's limit config, replacing any previous one (seed 002: it overwrites, so a repeat is safe). */
  create(useCaseName: string, body: LimitConfigCreateParams, options?: RequestOptions): APIPromise<UseCaseDefinition> {
    return this.client.request({
      ...options,
      method: "POST",
      path: `/api/v1/use_cases/definitions/${segment(useCaseName)}/limit_config`,
      body,
      schema: UseCaseDefinitionSchema,
      idempotent: true,
    });
  }

  /** Removes the limit config; succeeds when there is none. */
  delete(useCaseName: string, options?: RequestOptions): APIPromise<UseCaseDefinition> {
    return this.client.request({
      ...options,
      method: "DELETE",
      path: `/api/v1/use_cases/definitions/${segment(useCaseName)}/limit_config`,
      schema: UseCaseDefinitionSchema,
    });
  }
}
