import type { Payi } from "../../sdk/payi/index.js";
import type { UseCaseDefinition as ApiDefinition } from "../../sdk/payi/resources/use-cases.js";
import { claimOf, createDecision, deleteDecision, importDecision, updateDecision } from "../../rules/ownership.js";
import {
  claimIn,
  formatOwnerRecord,
  newGeneration,
  ownedElsewhere,
  ownerRecordOf,
  releaseAdvice,
  type Owner,
} from "../ownership.js";
import { replacesOnChange, same } from "../diff.js";
import { warn } from "../engine-log.js";
import type { TypedProvider } from "../typed-provider.js";
import { failure, userError } from "../errors.js";
import { isGone } from "./client.js";
import { definitionFromApi, definitionToApi, definitionUpdateToApi, limitConfigFromApi, limitConfigToApi } from "./wire.js";
import {
  UseCaseDefinitionInputsSchema,
  UseCaseLimitConfigInputsSchema,
  checkInputs,
  type UseCaseDefinitionInputs,
  type UseCaseLimitConfigInputs,
} from "./inputs.js";
import { configChangeNote, useCaseGoneNote } from "./use-case-impact.js";

/** Not-found code of a use case; any other 404 (e.g. `route_not_found` from a wrong base URL) is a failure. */
const GONE = "use_case_not_found";

/**
 * Outputs of a `UseCaseDefinition`: its inputs, in today's shape (provider/state-upgrade.ts); no `owner` on a
 * definition created before owner records, until its next update.
 */
type DefinitionOutputs = Omit<UseCaseDefinitionInputs, "owner"> & { owner?: Owner };

/**
 * Inputs as today's state holds them (provider/state-upgrade.ts): no `owner` and no `generation` on a config
 * this resource has not recorded itself on yet, one set before owner records.
 */
type StoredConfigInputs = Omit<UseCaseLimitConfigInputs, "owner"> & { owner?: Owner; generation?: string };

/** A use-case definition's inputs that change in place, and its identity (a new name is a new use case). */
export const DEFINITION_UPDATABLE = ["description", "loggingEnabled"] as const;
export const DEFINITION_REPLACING = ["name"] as const;
/** A limit config's inputs that change in place, and those that make a different limit (see below). */
export const CONFIG_UPDATABLE = ["max", "properties"] as const;
export const CONFIG_REPLACING = ["useCaseName", "limitType", "threshold"] as const;

/**
 * `UseCaseDefinition`: the id is the name; a new name replaces, description and logging update in place.
 * Pay-i gives a definition no property bag for an owner record, so a create never takes over an existing
 * definition without `adopt: true`, and a delete leaves one whose limit config another stack manages.
 */
export function useCaseDefinitionProvider(
  client: () => Payi,
): TypedProvider<UseCaseDefinitionInputs, DefinitionOutputs, DefinitionOutputs> {
  const outputs = (d: ApiDefinition, inputs: DefinitionOutputs): DefinitionOutputs => ({ ...inputs, ...definitionFromApi(d) });
  return {
    async check(_olds, news) {
      return checkInputs(UseCaseDefinitionInputsSchema, news);
    },
    async diff(_id, olds: DefinitionOutputs, news: UseCaseDefinitionInputs) {
      const replaces: string[] = DEFINITION_REPLACING.filter((key) => !same(olds[key], news[key]));
      const updates = ([...DEFINITION_UPDATABLE, "owner"] as const).filter(
        (key) => news[key] !== undefined && !same(olds[key], news[key]),
      );
      replaces.push(...updates.filter((key) => replacesOnChange(news.replaceOnChanges, key)));
      if (replaces.includes("name")) await warnGone(client(), olds.name, news.name);
      return { changes: replaces.length + updates.length > 0, replaces };
    },
    async create(inputs: UseCaseDefinitionInputs) {
      const api = client();
      try {
        const existing = await api.useCases.definitions
          .retrieve(inputs.name)
          .catch((error: unknown) => (isGone(error, GONE) ? undefined : Promise.reject(error)));
        if (!existing) {
          const d = await api.useCases.definitions.create(definitionToApi(inputs));
          return { id: d.name, outs: outputs(d, inputs) };
        }
        const configOwner = ownerRecordOf(existing.limit_config?.properties);
        if (configOwner && claimOf(configOwner, inputs.owner) === "foreign") {
          throw userError(
            ownedElsewhere(`the limit config of use case '${inputs.name}'`, configOwner, inputs.owner, release(inputs.name)),
          );
        }
        if (!inputs.adopt) {
          throw userError(
            `use case '${inputs.name}' already exists in Pay-i, and a stack never takes one over silently. If no other stack manages it (or an interrupted \`pulumi up\` of this stack created it), set adopt: true on this UseCaseDefinition; otherwise manage it from the stack that does, or rename this resource with \`aliases\` instead of declaring it anew.`,
          );
        }
        const d = await api.useCases.definitions.update(inputs.name, definitionUpdateToApi(inputs));
        return { id: d.name, outs: outputs(d, inputs) };
      } catch (error) {
        throw failure(`creating use case '${inputs.name}'`, error);
      }
    },
    async read(id, props) {
      try {
        const d = await client().useCases.definitions.retrieve(id);
        const declared = { ...props, name: d.name, description: d.description };
        return { id, props: outputs(d, declared), inputs: outputs(d, declared) };
      } catch (error) {
        if (isGone(error, GONE)) return {};
        throw failure(`reading use case '${id}'`, error);
      }
    },
    async update(id, _olds, news: UseCaseDefinitionInputs) {
      try {
        const d = await client().useCases.definitions.update(id, definitionUpdateToApi(news));
        return { outs: outputs(d, news) };
      } catch (error) {
        throw failure(`updating use case '${id}'`, error);
      }
    },
    async delete(id, props: DefinitionOutputs) {
      const api = client();
      try {
        const d = await api.useCases.definitions.retrieve(id);
        const configOwner = ownerRecordOf(d.limit_config?.properties);
        if (configOwner && props.owner && claimOf(configOwner, props.owner) === "foreign") {
          await warn(
            `left use case '${id}' in place: its limit config is managed by resource '${configOwner.resource}' of stack ${configOwner.stack} (instance ${configOwner.instance}).`,
          );
          return;
        }
        await warnGone(api, id);
        await api.useCases.definitions.delete(id);
      } catch (error) {
        if (isGone(error, GONE)) return;
        throw failure(`deleting use case '${id}'`, error);
      }
    },
  };
}

const release = (useCaseName: string) => releaseAdvice(`pulumi-limits release --use-case ${useCaseName}`);

/**
 * `UseCaseLimitConfig`: the limit each new instance of a use case gets. A new type or threshold replaces
 * the config (the design card's rule for limits: those settings make a different limit), a new max or
 * properties update it in place; either way Pay-i applies the config to new instances only, and preview
 * says how many existing ones keep their limit. The owner record lives in the config's properties, which
 * every instance's limit inherits.
 */
export function useCaseLimitConfigProvider(
  client: () => Payi,
): TypedProvider<UseCaseLimitConfigInputs, StoredConfigInputs, StoredConfigInputs> {
  const apply = async (inputs: UseCaseLimitConfigInputs, generation: string): Promise<StoredConfigInputs> => {
    const d = await client().useCases.definitions.limitConfig.create(
      inputs.useCaseName,
      limitConfigToApi(inputs, formatOwnerRecord({ ...inputs.owner, generation })),
    );
    return { ...inputs, ...limitConfigFromApi(d), owner: inputs.owner, adopt: inputs.adopt, generation };
  };
  /**
   * The config now on the use case, and whose it is for `me` (rules/ownership.ts). Without `me` (a config this
   * resource has not recorded itself on) the record cannot be compared: the state is the only evidence.
   */
  const current = async (useCaseName: string, me: Owner | undefined) => {
    const d = await client().useCases.definitions.retrieve(useCaseName);
    const config = d.limit_config ?? undefined;
    const none = { claim: me ? ("unowned" as const) : ("unreadable" as const), record: undefined };
    return { config, ...(config && me ? claimIn(config.properties, me) : none) };
  };
  return {
    async check(_olds, news) {
      return checkInputs(UseCaseLimitConfigInputsSchema, news);
    },
    async diff(_id, olds: StoredConfigInputs, news: UseCaseLimitConfigInputs) {
      const replaces: string[] = CONFIG_REPLACING.filter((key) => !same(olds[key], news[key]));
      const updates = ([...CONFIG_UPDATABLE, "owner"] as const).filter((key) => !same(olds[key], news[key]));
      replaces.push(...updates.filter((key) => replacesOnChange(news.replaceOnChanges, key)));
      if (replaces.length + updates.length === 0) return { changes: false };
      // A config moving to another use case is the definition's rename: its diff tells what goes.
      const fields = [...replaces, ...updates.filter((key) => key !== "owner")];
      if (!replaces.includes("useCaseName") && fields.length > 0) {
        await warn(configChangeNote(olds.useCaseName, { kind: replaces.length > 0 ? "replace" : "update", fields }));
      }
      // One config per use case, keyed by its name, and Pay-i's create overwrites it (seed 002): the replacement
      // is written over the old config first, so no instance starts without a limit, and the old resource's
      // delete finds another generation's record on it and leaves it (rules/ownership.ts).
      return { changes: true, replaces, deleteBeforeReplace: false };
    },
    async create(inputs: UseCaseLimitConfigInputs) {
      try {
        const { config, claim, record } = await current(inputs.useCaseName, inputs.owner);
        const what = `the limit config of use case '${inputs.useCaseName}'`;
        // The use case's name is the config's id: the declaration names it.
        const decision = config ? createDecision({ claim, found: "declared-id", adopt: inputs.adopt }) : "create";
        if (decision === "refuse-owned-elsewhere" && record) {
          throw userError(ownedElsewhere(what, record, inputs.owner, release(inputs.useCaseName)));
        }
        if (decision !== "create" && decision !== "take" && decision !== "adopt") {
          const whose =
            claim === "unreadable"
              ? "Pay-i did not return its owner record: make sure no other stack manages it, then"
              : "no stack manages it. To manage it with Pulumi,";
          throw userError(
            `use case '${inputs.useCaseName}' already has a limit config (max ${config?.max}); ${whose} set adopt: true on this UseCaseLimitConfig.`,
          );
        }
        // Ours already (an interrupted create, or a replacement of this resource, which overwrites it in
        // place): a new generation tells the old one's delete that the config is no longer its own.
        return { id: inputs.useCaseName, outs: await apply(inputs, newGeneration()) };
      } catch (error) {
        throw failure(`setting the limit config of use case '${inputs.useCaseName}'`, error);
      }
    },
    async read(id, props) {
      try {
        const d = await client().useCases.definitions.retrieve(id);
        const config = limitConfigFromApi(d);
        if (!config) return {};
        // An owner but no generation is an import (a plugin reads with the identity only): it may bring in a
        // config nobody's record names, or this resource's, never another resource's or stack instance's.
        const importer = props.generation === undefined ? props.owner : undefined;
        const imported = importer ? claimIn(d.limit_config?.properties, importer) : undefined;
        const decision = imported ? importDecision(imported) : "import";
        if (decision === "refuse-unverifiable") {
          throw userError(
            `the limit config of use case '${id}' cannot be imported: Pay-i did not return its properties, so pulumi-limits cannot read its owner record (another stack may manage it). If no other stack manages it, declare it with adopt: true instead.`,
          );
        }
        if (decision === "refuse-owned-elsewhere" && importer && imported?.record) {
          throw userError(ownedElsewhere(`the limit config of use case '${id}'`, imported.record, importer, release(id)));
        }
        const generation = imported?.record?.generation;
        const state = { ...props, ...config, ...(generation ? { generation } : {}) };
        return { id, props: state, inputs: state };
      } catch (error) {
        if (isGone(error, GONE)) return {};
        throw failure(`reading the limit config of use case '${id}'`, error);
      }
    },
    async update(id, olds: StoredConfigInputs, news: UseCaseLimitConfigInputs) {
      try {
        const previous = olds.owner ?? news.owner;
        const { claim, record } = await current(id, previous);
        if (updateDecision({ claim }) !== "update" && record) {
          throw userError(ownedElsewhere(`the limit config of use case '${id}'`, record, previous, release(id)));
        }
        return { outs: await apply(news, record?.generation ?? olds.generation ?? newGeneration()) };
      } catch (error) {
        throw failure(`updating the limit config of use case '${id}'`, error);
      }
    },
    async delete(id, props: StoredConfigInputs) {
      try {
        // A config this resource has not recorded itself on (no generation): the state is the only evidence.
        const owner = props.generation !== undefined ? props.owner : undefined;
        const { config, claim, record } = await current(id, owner);
        if (!config) return;
        const decision = deleteDecision({
          claim,
          sameGeneration: record ? record.generation === props.generation : undefined,
          takenByReplacement: false,
        });
        // `skip`: a replacement of this resource overwrote the config in place and holds it now.
        if (decision === "skip") return;
        if (decision === "leave") {
          await warn(`left the limit config of use case '${id}' in place: this resource no longer manages it.`);
          return;
        }
        await client().useCases.definitions.limitConfig.delete(id);
      } catch (error) {
        if (isGone(error, GONE)) return;
        throw failure(`deleting the limit config of use case '${id}'`, error);
      }
    },
  };
}

/** Warns what goes with a use case that is deleted or renamed; nothing when it has no config and no instances. */
async function warnGone(api: Payi, useCaseName: string, newName?: string): Promise<void> {
  const note = await useCaseGoneNote(api, useCaseName, newName).catch((error: unknown) =>
    Promise.reject(failure(`reading use case '${useCaseName}'`, error)),
  );
  if (note) await warn(note);
}
