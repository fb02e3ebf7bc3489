/**
 * The resource kinds a budgets stack holds, written once: how the engine names each (its type token, from the
 * provider), where budgets.yaml declares it, how a plan names it and prints its fields, which fields change in
 * place and which replace it (the provider's own lists), what a delete discards, and whether a create lost
 * with a killed run converges on the rerun. Plans, drift, destroy, the checkpoint policy and the state reader
 * read this table; adding a kind is one entry.
 */
import { isUnknown } from "../provider/diff.js";
import { CUSTOMER_REPLACING } from "../provider/limitry/customer-provider.js";
import { LIMIT_REPLACING as LIMITRY_LIMIT_REPLACING, METER_REPLACING } from "../provider/limitry/providers.js";
import { LIMIT_REPLACING } from "../provider/payi/limit-provider.js";
import { CONFIG_REPLACING, DEFINITION_REPLACING } from "../provider/payi/use-case-providers.js";
import { pluginToken, typeToken, type ProviderKind } from "../provider/type-token.js";
import { formatUsd } from "../rules/payi/money.js";
import { LAST_RESET_PROPERTY, RESET_PROPERTY } from "../rules/payi/reset.js";
import type { LimitEntry, UseCaseEntry } from "./budgets-file.js";
import type { LimitryCustomerEntry, LimitryLimitEntry, LimitryMeterEntry } from "./limitry-file.js";
import type {
  CustomerSettings,
  Declaration,
  DefinitionSettings,
  LimitConfigSettings,
  LimitryLimitSettings,
  LimitSettings,
  MeterSettings,
} from "./vocabulary.js";

/** Resource kinds of a budgets stack, as plans (`kind` in `--json`) name them. */
export type ResourceKind = "limit" | "useCase" | "useCaseLimitConfig" | "limitryMeter" | "limitryLimit" | "limitryCustomer";

/** How a value of a field prints in a plan. */
type Format = (value: unknown) => string;

/** One field of a kind: its Pulumi input, its name in budgets.yaml, how its values print and what a change does. */
export interface KindField {
  input: string;
  /** The field's name in budgets.yaml (and in plans). */
  field: string;
  format: Format;
  /** Keys of a map field a plan never shows (the CLI stores them for a field of its own). */
  hidden?: readonly string[];
  /** A change replaces the object (the provider's diff says so); otherwise it updates in place. */
  replaces: boolean;
}

/** One resource kind: everything the CLI needs to read, plan, show and converge it. */
export interface Kind {
  kind: ResourceKind;
  /** The provider's kind, whose type token the engine records. */
  provider: ProviderKind;
  /** How cli/vocabulary.ts declares it (`Declaration["type"]`). */
  declaration: Declaration["type"];
  /** `pulumi-nodejs:dynamic/<module>:<type>`. */
  token: string;
  /** The API that holds the object. */
  api: "payi" | "limitry";
  /** Where budgets.yaml declares it. */
  section: string;
  /** How plans name the kind: `Limitry limit 'Daily'`. */
  label: string;
  /** The input holding the name a plan shows. */
  nameInput: string;
  /** Whether that name identifies one object on the service; if not, plans show the file key beside it. */
  uniqueName: boolean;
  /** The resource name in the stack is `prefix + key + suffix`, the key being the file's (a limit's resolved key, a use case's name). */
  resourceName: { prefix: string; suffix: string };
  /** What the resource id is. */
  id: string;
  /** The input that asks a create to take over an existing object instead (`adopt: true`, `adoptId`). */
  adoptInput?: string;
  fields: KindField[];
  /** Why a change of `field` (a file field, or the name input) replaces the object. */
  replaceReason(field: string): string;
  /** The output holding tracked spend (USD) that a replace or delete discards. */
  spendOutput?: string;
  /** What a delete discards besides the object, when that is not obvious. */
  discards?: string;
  /**
   * A create lost with a killed run (the state never recorded it) converges on the rerun, taking over what it
   * made instead of failing or making a second one. When every declared kind does, `up` may write state once.
   */
  createConverges: boolean;
  /** A delete lost with a killed run converges on the rerun: deleting what is already gone succeeds. */
  deleteConverges: boolean;
  /**
   * How the service tells this kind's objects apart, so that a key changed without `previousKeys:` is found
   * before `up` tries to create the object again (cli/key-changes.ts): the inputs that together identify one,
   * and the input that declares its id (compared with the id output). Absent: the key is the name, which the
   * service cannot change (use cases and their limit configs).
   */
  identity?: { inputs: readonly string[]; declaredId?: { input: string; output: string } };
}

const UNKNOWN = "(known after up)";

const quoted: Format = (v) => JSON.stringify(v);
const usd: Format = (v) => (typeof v === "number" ? formatUsd(v) : quoted(v));
const fraction: Format = (v) => (typeof v === "number" ? `${Number((v * 100).toFixed(2))}%` : quoted(v));
const count: Format = (v) => (typeof v === "number" ? v.toLocaleString("en-US") : quoted(v));
const percents: Format = (v) =>
  Array.isArray(v) ? v.map((p) => (typeof p === "number" ? `${p}%` : quoted(p))).join(", ") || "(none)" : quoted(v);
const plain: Format = (v) => (typeof v === "string" ? JSON.stringify(v) : String(v));

/** One field as an entry writes it: the file field defaults to the input's name, which the entry must then have. */
type FieldSpec<Args, Entry> = { format?: Format; hidden?: readonly string[] } & (
  | { input: keyof Args & keyof Entry & string; field?: undefined }
  | { input: keyof Args & string; field: keyof Entry & string }
);

/**
 * A kind's fields, each replacing exactly when the provider's `replacing` list holds it. `Args` (the resource's
 * arguments) and `Entry` (the budgets.yaml entry) make a misspelt input or file field fail to compile.
 */
function fields<Args, Entry>(replacing: readonly string[], specs: ReadonlyArray<FieldSpec<Args, Entry>>): KindField[] {
  return specs.map(({ input, field, format, hidden }) => ({
    input,
    field: field ?? input,
    format: format ?? plain,
    ...(hidden ? { hidden } : {}),
    replaces: replacing.includes(input),
  }));
}

const payiFixed = (what: string) => (field: string) =>
  `${field} cannot change in place (Pay-i fixes it when the ${what} is created)`;

/** Every kind, in the order plans list them. */
export const KINDS: readonly Kind[] = [
  {
    kind: "limit",
    declaration: "Limit",
    provider: "limit",
    token: typeToken("limit"),
    api: "payi",
    section: "limits",
    label: "limit",
    nameInput: "limitName",
    uniqueName: true,
    resourceName: { prefix: "", suffix: "" },
    id: "the Pay-i limit id",
    adoptInput: "adopt",
    fields: fields<LimitSettings, LimitEntry>(LIMIT_REPLACING, [
      { input: "limitName", field: "name" },
      { input: "max", format: usd },
      { input: "limitType", field: "type" },
      { input: "threshold", format: fraction },
      // The reset schedule is stored among the properties; it shows as its own field.
      { input: "properties", hidden: [RESET_PROPERTY, LAST_RESET_PROPERTY] },
      { input: "limitId", field: "id" },
      { input: "reset" },
    ]),
    replaceReason: (field) =>
      field === "id" ? "id is the limit's identity in Pay-i: a new id means a new limit" : payiFixed("limit")(field),
    spendOutput: "spendUsd",
    // Its id derives from the stack instance and the resource name: a rerun's create finds and takes it over.
    createConverges: true,
    deleteConverges: true,
    // Pay-i keeps names unique.
    identity: { inputs: ["limitName"], declaredId: { input: "limitId", output: "limitId" } },
  },
  {
    kind: "useCase",
    declaration: "UseCaseDefinition",
    provider: "useCaseDefinition",
    token: typeToken("useCaseDefinition"),
    api: "payi",
    section: "useCases",
    label: "use case",
    nameInput: "name",
    uniqueName: true,
    resourceName: { prefix: "use-case-", suffix: "" },
    id: "the use case's name",
    adoptInput: "adopt",
    fields: fields<DefinitionSettings, UseCaseEntry>(DEFINITION_REPLACING, [
      { input: "name" },
      { input: "description" },
      { input: "loggingEnabled" },
    ]),
    replaceReason: payiFixed("use case"),
    // A use case a lost run created makes the rerun's create fail (409): it has no owner record to recognise.
    createConverges: false,
    deleteConverges: true,
  },
  {
    kind: "useCaseLimitConfig",
    declaration: "UseCaseLimitConfig",
    provider: "useCaseLimitConfig",
    token: typeToken("useCaseLimitConfig"),
    api: "payi",
    section: "useCases[].limitConfig",
    label: "use-case limit",
    nameInput: "useCaseName",
    uniqueName: true,
    resourceName: { prefix: "use-case-", suffix: "-limit" },
    id: "the name of its use case",
    adoptInput: "adopt",
    // Its use case (`useCaseName`, its name input) is its identity: a use case renamed in the file is a new one.
    fields: fields<LimitConfigSettings, NonNullable<UseCaseEntry["limitConfig"]>>(CONFIG_REPLACING, [
      { input: "max", format: usd },
      { input: "limitType", field: "type" },
      { input: "threshold", format: fraction },
      { input: "properties" },
    ]),
    replaceReason: (field) =>
      field === "useCaseName"
        ? payiFixed("limit")(field)
        : `a new ${field} makes a different limit: the new config is written over the old one (never deleted first), and only new instances get it`,
    createConverges: false,
    deleteConverges: true,
  },
  {
    kind: "limitryMeter",
    declaration: "limitry.Meter",
    provider: "limitryMeter",
    token: typeToken("limitryMeter"),
    api: "limitry",
    section: "limitry.meters",
    label: "Limitry meter",
    nameInput: "name",
    uniqueName: false,
    resourceName: { prefix: "limitry-meter-", suffix: "" },
    id: "Limitry's meter id (mtr_…)",
    adoptInput: "adoptId",
    fields: fields<MeterSettings, LimitryMeterEntry>(METER_REPLACING, [
      { input: "name" },
      { input: "aggregation" },
      { input: "field" },
      { input: "description" },
      { input: "eventFilter" },
    ]),
    replaceReason: (field) =>
      `a new ${field} counts something else: the meter gets a new id, and every limit counting it is replaced too (created before the old one goes)`,
    discards: "what it counts: every limit counting it goes with it (the recorded events stay)",
    // A lost create's meter is found by name and definition on the rerun, which refuses it with the adopt advice.
    createConverges: false,
    deleteConverges: true,
    // Names are not unique: a meter is its name and what it counts.
    identity: { inputs: ["name", "aggregation", "field", "eventFilter"] },
  },
  {
    kind: "limitryLimit",
    declaration: "limitry.Limit",
    provider: "limitryLimit",
    token: typeToken("limitryLimit"),
    api: "limitry",
    section: "limitry.limits",
    label: "Limitry limit",
    nameInput: "name",
    uniqueName: false,
    resourceName: { prefix: "limitry-limit-", suffix: "" },
    id: "Limitry's limit id (lmt_…)",
    adoptInput: "adoptId",
    fields: fields<LimitryLimitSettings & { meterId: string }, LimitryLimitEntry>(LIMITRY_LIMIT_REPLACING, [
      { input: "name" },
      { input: "meterId" },
      { input: "limitValue", format: count },
      { input: "period" },
      { input: "customerId" },
      { input: "dimensionFilters" },
      { input: "alertThresholds", format: percents },
    ]),
    replaceReason: (field) =>
      `a new ${field} counts different usage: the limit gets a new id (created before the old one goes), and alerts already sent this window may fire again`,
    discards:
      "its cap and the usage it counted this window: checks stop counting it, alerts sent are forgotten (the recorded events stay)",
    createConverges: false,
    deleteConverges: true,
    identity: { inputs: ["name", "period", "customerId", "dimensionFilters"] },
  },
  {
    kind: "limitryCustomer",
    declaration: "limitry.Customer",
    provider: "limitryCustomer",
    token: typeToken("limitryCustomer"),
    api: "limitry",
    section: "limitry.customers",
    label: "Limitry customer",
    nameInput: "externalId",
    uniqueName: true,
    resourceName: { prefix: "limitry-customer-", suffix: "" },
    id: "Limitry's customer id (cust_…)",
    adoptInput: "adopt",
    fields: fields<CustomerSettings, LimitryCustomerEntry>(CUSTOMER_REPLACING, [
      { input: "externalId" },
      { input: "name" },
      { input: "timezone" },
      { input: "billingCycleStart" },
      { input: "metadata" },
    ]),
    replaceReason: (field) =>
      `${field} is the customer's identity in events, limits and checks: usage recorded under the old one does not move`,
    discards:
      "its timezone and billing cycle: its events and limits stay, and its next event creates it again (UTC windows, billing cycle from then)",
    createConverges: false,
    deleteConverges: true,
    identity: { inputs: ["externalId"] },
  },
];

const BY_KIND = new Map(KINDS.map((k) => [k.kind, k]));
const BY_DECLARATION = new Map(KINDS.map((k) => [k.declaration, k]));
// A program on the provider plugins records the same kinds under their package tokens (`payi:index:Limit`):
// plans, drift and status read those resources as they read the dynamic ones.
const BY_TOKEN = new Map(KINDS.flatMap((k) => [[k.token, k] as const, [pluginToken(k.provider), k] as const]));

/** The entry of a kind. */
export function kindOf(kind: ResourceKind): Kind {
  const found = BY_KIND.get(kind);
  if (!found) throw new Error(`no resource kind '${kind}'`);
  return found;
}

/** The kind of a type token the engine recorded, if it is one a budgets stack holds. */
export function kindOfToken(type: string): Kind | undefined {
  return BY_TOKEN.get(type);
}

/** The kind a declaration of the file makes. */
export function kindOfDeclaration(declaration: Declaration): Kind {
  const found = BY_DECLARATION.get(declaration.type);
  if (!found) throw new Error(`no resource kind declared as '${declaration.type}'`);
  return found;
}

/** The resource name of the object a file declares under `key`. */
export function resourceNameOf(kind: ResourceKind, key: string): string {
  const { prefix, suffix } = kindOf(kind).resourceName;
  return `${prefix}${key}${suffix}`;
}

/** The file key of a resource name (the name itself when it is not one of the kind's). */
export function fileKeyOf(kind: ResourceKind, resourceName: string): string {
  const { prefix, suffix } = kindOf(kind).resourceName;
  if (!resourceName.startsWith(prefix) || !resourceName.endsWith(suffix)) return resourceName;
  return resourceName.slice(prefix.length, resourceName.length - suffix.length);
}

/** A field's value as a plan prints it: unset as `(none)`, unknown until applied as such, else in its unit. */
export function formatField(field: KindField | undefined, value: unknown): string {
  if (value === undefined || value === null) return "(none)";
  if (isUnknown(value)) return UNKNOWN;
  return (field?.format ?? plain)(value);
}

/** The field of `kind` named `name` in the file (`properties.team` is `properties`'s). */
export function fieldNamed(kind: ResourceKind, name: string): KindField | undefined {
  const top = name.split(".")[0];
  return kindOf(kind).fields.find((f) => f.field === top);
}
