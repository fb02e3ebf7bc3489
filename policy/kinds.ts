/** One of {@link POLICY_KINDS}. */
export type PolicyKind = "payiLimit" | "useCaseDefinition" | "useCaseLimitConfig" | "limitryMeter" | "limitryLimit";

/** How the policies name and recognise one kind. */
export interface PolicyKindInfo<K extends PolicyKind = PolicyKind> {
  kind: K;
  /** How a violation names the kind: `limit 'Daily Safety Cap'`. */
  label: string;
  /** The input holding the object's name on the service. */
  nameInput: string;
  /** The dynamic provider's token, then the plugin's. */
  tokens: readonly [string, string];
}

/**
 * The pulumi-limits resource kinds the policies read, each under both of its type tokens: the dynamic
 * provider's (`pulumi-nodejs:dynamic/<module>:<type>`, from the `module` and `type` each resource class passes
 * to `pulumi.dynamic.Resource` in provider/) and the provider plugin's (`<package>:index:<type>`, issue 26).
 * Both forms take the same inputs, so every policy reads one set of property names.
 */
export const POLICY_KINDS: { readonly [K in PolicyKind]: PolicyKindInfo<K> } = {
  payiLimit: {
    kind: "payiLimit",
    label: "limit",
    nameInput: "limitName",
    tokens: ["pulumi-nodejs:dynamic/payi:Limit", "payi:index:Limit"],
  },
  useCaseDefinition: {
    kind: "useCaseDefinition",
    label: "use case",
    nameInput: "name",
    tokens: ["pulumi-nodejs:dynamic/payi:UseCaseDefinition", "payi:index:UseCaseDefinition"],
  },
  useCaseLimitConfig: {
    kind: "useCaseLimitConfig",
    label: "limit config of use case",
    nameInput: "useCaseName",
    tokens: ["pulumi-nodejs:dynamic/payi:UseCaseLimitConfig", "payi:index:UseCaseLimitConfig"],
  },
  limitryMeter: {
    kind: "limitryMeter",
    label: "Limitry meter",
    nameInput: "name",
    tokens: ["pulumi-nodejs:dynamic/limitry:Meter", "limitry:index:Meter"],
  },
  limitryLimit: {
    kind: "limitryLimit",
    label: "Limitry limit",
    nameInput: "name",
    tokens: ["pulumi-nodejs:dynamic/limitry:Limit", "limitry:index:Limit"],
  },
};

const BY_TOKEN = new Map<string, PolicyKind>(
  Object.values(POLICY_KINDS).flatMap(({ kind, tokens }) => tokens.map((token) => [token, kind] as const)),
);

/** The kind of a resource type token, if it is one of pulumi-limits' (either form). */
export function kindOf(type: string): PolicyKind | undefined {
  return BY_TOKEN.get(type);
}
