import type * as pulumi from "@pulumi/pulumi";
import { NotFoundError, type Payi } from "../../sdk/payi/index.js";
import type { UseCaseDefinition as ApiDefinition } from "../../sdk/payi/resources/use-cases.js";
import { definedProperties } from "../../rules/payi/properties.js";
import { failure, warn } from "./client.js";
import { same } from "./limit-provider.js";
import {
  UseCaseDefinitionInputsSchema,
  UseCaseLimitConfigInputsSchema,
  checkInputs,
  type UseCaseDefinitionInputs,
  type UseCaseLimitConfigInputs,
} from "./inputs.js";
import { configChangeNote, instanceLimits, useCaseGoneNote } from "./use-case-impact.js";

type Provider = Required<Omit<pulumi.dynamic.ResourceProvider, "configure">>;

/** `UseCaseDefinition`: the id is the name; a new name replaces, description and logging update in place. */
export function useCaseDefinitionProvider(client: () => Payi): Provider {
  const outputs = (d: ApiDefinition): UseCaseDefinitionInputs => ({
    name: d.name,
    description: d.description,
    ...(d.logging_enabled != null ? { loggingEnabled: d.logging_enabled } : {}),
  });
  return {
    async check(_olds, news) {
      return checkInputs(UseCaseDefinitionInputsSchema, news);
    },
    async diff(_id, olds: UseCaseDefinitionInputs, news: UseCaseDefinitionInputs) {
      const replaces = same(olds.name, news.name) ? [] : ["name"];
      const updates = (["description", "loggingEnabled"] as const).filter(
        (key) => news[key] !== undefined && !same(olds[key], news[key]),
      );
      if (replaces.length > 0) await warnGone(client(), olds.name, news.name);
      return { changes: replaces.length + updates.length > 0, replaces };
    },
    async create(inputs: UseCaseDefinitionInputs) {
      try {
        const d = await client().useCases.definitions.create({
          name: inputs.name,
          description: inputs.description,
          logging_enabled: inputs.loggingEnabled ?? null,
        });
        return { id: d.name, outs: outputs(d) };
      } catch (error) {
        throw failure(`creating use case '${inputs.name}'`, error);
      }
    },
    async read(id) {
      try {
        const d = await client().useCases.definitions.retrieve(id);
        return { id, props: outputs(d), inputs: outputs(d) };
      } catch (error) {
        if (error instanceof NotFoundError) return {};
        throw failure(`reading use case '${id}'`, error);
      }
    },
    async update(id, _olds, news: UseCaseDefinitionInputs) {
      try {
        const d = await client().useCases.definitions.update(id, {
          description: news.description,
          ...(news.loggingEnabled !== undefined ? { logging_enabled: news.loggingEnabled } : {}),
        });
        return { outs: outputs(d) };
      } catch (error) {
        throw failure(`updating use case '${id}'`, error);
      }
    },
    async delete(id) {
      try {
        await warnGone(client(), id);
        await client().useCases.definitions.delete(id);
      } catch (error) {
        if (error instanceof NotFoundError) return;
        throw failure(`deleting use case '${id}'`, error);
      }
    },
  };
}

/**
 * `UseCaseLimitConfig`: the limit each new instance of a use case gets. A new type or threshold replaces
 * the config (the design card's rule for limits: those settings make a different limit), a new max or
 * properties update it in place; either way Pay-i applies the config to new instances only, and preview
 * says how many existing ones keep their limit.
 */
export function useCaseLimitConfigProvider(client: () => Payi): Provider {
  const apply = async (inputs: UseCaseLimitConfigInputs) => {
    const d = await client().useCases.definitions.limitConfig.create(inputs.useCaseName, {
      max: inputs.max,
      limit_type: inputs.limitType,
      threshold: inputs.threshold ?? null,
      properties: inputs.properties,
    });
    return fromDefinition(d) ?? inputs;
  };
  return {
    async check(_olds, news) {
      return checkInputs(UseCaseLimitConfigInputsSchema, news);
    },
    async diff(_id, olds: UseCaseLimitConfigInputs, news: UseCaseLimitConfigInputs) {
      const replaces = (["useCaseName", "limitType", "threshold"] as const).filter((key) => !same(olds[key], news[key]));
      const updates = (["max", "properties"] as const).filter((key) => !same(olds[key], news[key]));
      if (replaces.length + updates.length === 0) return { changes: false };
      // A config moving to another use case is the definition's rename: its diff tells what goes.
      if (!replaces.includes("useCaseName")) {
        const change = { kind: replaces.length > 0 ? "replace" : "update", fields: [...replaces, ...updates] } as const;
        const impact = await instanceLimits(client(), olds.useCaseName).catch((error: unknown) =>
          Promise.reject(failure(`reading the instance limits of use case '${olds.useCaseName}'`, error)),
        );
        const note = configChangeNote(change, impact);
        if (note) await warn(note);
      }
      // One config per use case, keyed by its name: a replacement created first would be deleted with the old one.
      return { changes: true, replaces: [...replaces], deleteBeforeReplace: replaces.length > 0 };
    },
    async create(inputs: UseCaseLimitConfigInputs) {
      try {
        return { id: inputs.useCaseName, outs: await apply(inputs) };
      } catch (error) {
        throw failure(`setting the limit config of use case '${inputs.useCaseName}'`, error);
      }
    },
    async read(id) {
      try {
        const config = fromDefinition(await client().useCases.definitions.retrieve(id));
        return config ? { id, props: config, inputs: config } : {};
      } catch (error) {
        if (error instanceof NotFoundError) return {};
        throw failure(`reading the limit config of use case '${id}'`, error);
      }
    },
    async update(id, _olds, news: UseCaseLimitConfigInputs) {
      try {
        return { outs: await apply(news) };
      } catch (error) {
        throw failure(`updating the limit config of use case '${id}'`, error);
      }
    },
    async delete(id) {
      try {
        await client().useCases.definitions.limitConfig.delete(id);
      } catch (error) {
        if (error instanceof NotFoundError) return;
        throw failure(`deleting the limit config of use case '${id}'`, error);
      }
    },
  };
}

/** Warns what goes with a use case that is deleted or renamed; nothing when it has no config and no instances. */
async function warnGone(api: Payi, useCaseName: string, newName?: string): Promise<void> {
  const note = await useCaseGoneNote(api, useCaseName, newName).catch((error: unknown) => Promise.reject(failure(`reading use case '${useCaseName}'`, error)));
  if (note) await warn(note);
}

function fromDefinition(d: ApiDefinition): UseCaseLimitConfigInputs | undefined {
  const c = d.limit_config;
  if (!c) return undefined;
  return {
    useCaseName: d.name,
    max: c.max,
    limitType: c.limit_type ?? "allow",
    ...(c.threshold != null ? { threshold: c.threshold } : {}),
    properties: definedProperties(c.properties),
  };
}
