import { z } from "zod";
import type { RequestOptions } from "../../core/client.js";
import { segment } from "../../core/path.js";
import type { Payi } from "../client.js";
import type { PagePromise } from "../../core/pagination.js";
import type { APIPromise } from "../../core/response.js";
import { MoneySchema, TimestampSchema, type ListParams, listOrAcknowledgement, samePage } from "./shared.js";

/** Price of one unit type, in USD per single unit (per token for text). */
export const UnitPriceSchema = z.looseObject({
  input_price: MoneySchema.nullish(),
  output_price: MoneySchema.nullish(),
});

/** One version of a priced resource (a model) in a category. */
export const CategoryResourceSchema = z.looseObject({
  category: z.string(),
  resource: z.string(),
  /** Id of this pricing version. */
  resource_id: z.string(),
  active: z.boolean(),
  proxy_allowed: z.boolean(),
  start_timestamp: TimestampSchema,
  units: z.record(z.string(), UnitPriceSchema),
  end_timestamp: TimestampSchema.nullish(),
  deprecated_timestamp: TimestampSchema.nullish(),
  max_input_units: z.number().int().nullish(),
  max_output_units: z.number().int().nullish(),
  max_total_units: z.number().int().nullish(),
  description: z.string().nullish(),
});
export type CategoryResource = z.infer<typeof CategoryResourceSchema>;

const CategoryResourcePageSchema = z.looseObject({ items: z.array(CategoryResourceSchema), cursor: z.string().nullish() });

export const CategorySchema = z.looseObject({ category: z.string() });
export type Category = z.infer<typeof CategorySchema>;
const CategoryPageSchema = z.looseObject({ items: z.array(CategorySchema), cursor: z.string().nullish() });

/** Body of `POST /api/v1/categories/{category}/resources/{resource}`: a new pricing version. */
export const ResourceCreateParamsSchema = z.object({
  units: z.record(z.string(), z.object({ input_price: z.number().nullish(), output_price: z.number().nullish() })),
  max_input_units: z.number().int().nullish(),
  max_output_units: z.number().int().nullish(),
  max_total_units: z.number().int().nullish(),
  start_timestamp: z.string().nullish(),
});
export type ResourceCreateParams = z.input<typeof ResourceCreateParamsSchema>;

export interface CategoryListParams extends ListParams {
  /** Only active categories/resources (`Active` on the wire). */
  active?: boolean;
}

function listQuery(params: CategoryListParams): Record<string, unknown> {
  const { active, ...rest } = params;
  return { ...rest, Active: active };
}

/** `client.categories`: what Pay-i can price. */
export class Categories {
  readonly resources: CategoryResources;

  constructor(private readonly client: Payi) {
    this.resources = new CategoryResources(client);
  }

  list(params: CategoryListParams = {}, options?: RequestOptions): PagePromise<Category> {
    return this.client.list(
      { ...options, method: "GET", path: "/api/v1/categories", query: listQuery(params), schema: CategoryPageSchema },
      samePage,
    );
  }

  /** Deletes every custom resource version in `category`; answers with the versions deleted (none when Pay-i answers `{request_id}`). */
  delete(category: string, options?: RequestOptions): APIPromise<CategoryResource[]> {
    return this.client.request({
      ...options,
      method: "DELETE",
      path: `/api/v1/categories/${segment(category)}`,
      schema: listOrAcknowledgement(CategoryResourceSchema),
    });
  }

  /** Deletes every version of one custom resource; answers with the versions deleted (none when Pay-i answers `{request_id}`). */
  deleteResource(category: string, resource: string, options?: RequestOptions): APIPromise<CategoryResource[]> {
    return this.client.request({
      ...options,
      method: "DELETE",
      path: `/api/v1/categories/${segment(category)}/resources/${segment(resource)}`,
      schema: listOrAcknowledgement(CategoryResourceSchema),
    });
  }

  /** The newest version of every resource in `category`. */
  listResources(category: string, params: CategoryListParams = {}, options?: RequestOptions): PagePromise<CategoryResource> {
    return this.client.list(
      {
        ...options,
        method: "GET",
        path: `/api/v1/categories/${segment(category)}/resources`,
        query: listQuery(params),
        schema: CategoryResourcePageSchema,
      },
      samePage,
    );
  }
}

/** `client.categories.resources`: pricing versions of one resource. */
export class CategoryResources {
  constructor(private readonly client: Payi) {}

  /** Adds a pricing version (creating the resource if new). */
  create(category: string, resource: string, body: ResourceCreateParams, options?: RequestOptions): APIPromise<CategoryResource> {
    return this.client.request({
      ...options,
      method: "POST",
      path: `/api/v1/categories/${segment(category)}/resources/${segment(resource)}`,
      body,
      schema: CategoryResourceSchema,
    });
  }

  retrieve(category: string, resource: string, resourceId: string, options?: RequestOptions): APIPromise<CategoryResource> {
    return this.client.request({
      ...options,
      method: "GET",
      path: `/api/v1/categories/${segment(category)}/resources/${segment(resource)}/${segment(resourceId)}`,
      schema: CategoryResourceSchema,
    });
  }

  /** Every pricing version of the resource. */
  list(
    category: string,
    resource: string,
    params: CategoryListParams = {},
    options?: RequestOptions,
  ): PagePromise<CategoryResource> {
    return this.client.list(
      {
        ...options,
        method: "GET",
        path: `/api/v1/categories/${segment(category)}/resources/${segment(resource)}`,
        query: listQuery(params),
        schema: CategoryResourcePageSchema,
      },
      samePage,
    );
  }

  delete(category: string, resource: string, resourceId: string, options?: RequestOptions): APIPromise<CategoryResource> {
    return this.client.request({
      ...options,
      method: "DELETE",
      path: `/api/v1/categories/${segment(category)}/resources/${segment(resource)}/${segment(resourceId)}`,
      schema: CategoryResourceSchema,
    });
  }
}
