/**
 * Who may create, adopt, import, update and delete a remote object (a Pay-i limit, a use case's limit config, a
 * Limitry meter or limit): one decision table for every provider.
 *
 * Two kinds of evidence say whose an object is:
 * - **The stack's state**, always: the engine hands update and delete only ids this stack holds, and an id
 *   derived from this stack instance and resource (Pay-i limits) can only be this resource's.
 * - **The owner record**, a bonus where the API keeps one and echoes it back: a compact JSON of the stack
 *   instance, the resource and the generation (the create or adopt that took the object) in the object's
 *   property bag. Pay-i documents a bag on limits and limit configs, but the official client's `Limit` model
 *   does not carry it back, so a limit's record may be unreadable; Limitry objects have no bag at all.
 *
 * Where the record cannot be read, nothing is taken over on a guess: an object found only by its name (or
 * by what it counts) is refused with advice, and `adopt` takes only an object named by its id.
 */

/** The parts of an owner that tell owners apart: the stack instance (random per stack) and the resource name. */
export interface OwnerIdentity {
  instance: string;
  resource: string;
}

/**
 * How an object's owner record relates to a resource:
 * - `mine`: this resource of this stack instance (a crashed create, a replacement, or the object itself);
 * - `unowned`: the record is readable and absent (created outside Pulumi, or released);
 * - `sibling`: another resource of this stack instance;
 * - `foreign`: another stack instance;
 * - `unreadable`: the API did not echo the property bag (or has none), so nothing is known from it.
 */
export type Claim = "mine" | "unowned" | "sibling" | "foreign" | "unreadable";

/** The claim of a record that was read (`undefined`: readable and absent) on behalf of `me`. */
export function claimOf(record: OwnerIdentity | undefined, me: OwnerIdentity): Exclude<Claim, "unreadable"> {
  if (!record) return "unowned";
  if (record.instance !== me.instance) return "foreign";
  return record.resource === me.resource ? "mine" : "sibling";
}

/**
 * How a create met an existing object:
 * - `derived-id`: at the id derived from this stack instance and resource (only this resource derives it);
 * - `declared-id`: at an id the declaration names (`limitId`, `adoptId`, a use case's name);
 * - `identity`: by what makes it unique or the same (a Pay-i name, a Limitry name and definition).
 */
export type Found = "derived-id" | "declared-id" | "identity";

/** What a create does when the object it would make already exists. */
export type CreateDecision =
  /** Ours already (a create the engine never saved, or a replacement of this resource): converge it. */
  | "take"
  /** Nobody's, and the declaration asks for it: converge it and write this resource's record. */
  | "adopt"
  /** Another resource (of this or another stack instance) manages it. */
  | "refuse-owned-elsewhere"
  /** Nobody's, or whose cannot be told, and the declaration does not ask for it: say how to adopt it. */
  | "refuse-needs-adopt"
  /** Found by name with no readable record: taking it could take another stack's; adopt it by its id. */
  | "refuse-unverifiable";

/** What an update does to the object the state holds. */
export type UpdateDecision = "update" | "refuse-owned-elsewhere";

/** What a delete does to the object the state holds. */
export type DeleteDecision =
  /** Delete it. */
  | "delete"
  /** Leave it silently: a replacement of this resource holds it now. */
  | "skip"
  /** Leave it, warning: it was released or another resource took it over. */
  | "leave";

/**
 * What an import does with the object it names: a read with the resource's identity only (a provider plugin's
 * `pulumi import`), which then manages the object.
 */
export type ImportDecision =
  /** Nobody's record, or this resource's own: manage it from now on. */
  | "import"
  /** Another resource (of this or another stack instance) manages it. */
  | "refuse-owned-elsewhere"
  /** No readable record: importing could take another stack's object; adopt it by its id instead. */
  | "refuse-unverifiable";

/** One row of {@link OWNERSHIP_TABLE}: when it applies (`*` for any value) and what it decides. */
export type OwnershipRow =
  | {
      action: "create";
      claim: Claim | "*";
      found: Found | "*";
      adopt: boolean | "*";
      decision: CreateDecision;
      why: string;
    }
  | { action: "update"; claim: Claim | "*"; decision: UpdateDecision; why: string }
  | { action: "import"; claim: Claim | "*"; decision: ImportDecision; why: string }
  | {
      action: "delete";
      claim: Claim | "*";
      /** The record names this generation of the resource (`*`: not known, or not asked). */
      sameGeneration: boolean | "*";
      /** A replacement of this resource converged on the object in this run (the only sign without a record). */
      takenByReplacement: boolean | "*";
      decision: DeleteDecision;
      why: string;
    };

/**
 * The ownership rules, in order: the first row that matches decides. What the owner record holds: the
 * stack (`organization/project/stack`, for messages), the stack instance, the resource name, and the
 * generation of the create or adopt that took the object.
 */
// biome-ignore format: one row per line, read as a table
export const OWNERSHIP_TABLE: readonly OwnershipRow[] = [
  // A create that finds nothing creates; these rows are for a create that met an existing object.
  { action: "create", claim: "sibling", found: "*", adopt: "*", decision: "refuse-owned-elsewhere", why: "another resource of this stack manages it: rename with aliases instead" },
  { action: "create", claim: "foreign", found: "*", adopt: "*", decision: "refuse-owned-elsewhere", why: "another stack instance manages it, even with adopt" },
  { action: "create", claim: "mine", found: "*", adopt: "*", decision: "take", why: "its record names this resource: a create the engine never saved, or a replacement" },
  { action: "create", claim: "unowned", found: "*", adopt: true, decision: "adopt", why: "no stack manages it and the declaration asks for it" },
  { action: "create", claim: "unowned", found: "*", adopt: false, decision: "refuse-needs-adopt", why: "no stack manages it; taking it must be asked for" },
  { action: "create", claim: "unreadable", found: "derived-id", adopt: "*", decision: "take", why: "only this resource of this stack instance derives that id" },
  { action: "create", claim: "unreadable", found: "declared-id", adopt: true, decision: "adopt", why: "the declaration names the object by its id and asks for it" },
  { action: "create", claim: "unreadable", found: "identity", adopt: true, decision: "refuse-unverifiable", why: "whose it is cannot be read: adopting by name could take another stack's object" },
  { action: "create", claim: "unreadable", found: "*", adopt: false, decision: "refuse-needs-adopt", why: "it exists and whose it is cannot be read; taking it must be asked for" },

  { action: "update", claim: "sibling", decision: "refuse-owned-elsewhere", why: "another resource of this stack took it over" },
  { action: "update", claim: "foreign", decision: "refuse-owned-elsewhere", why: "another stack instance took it over" },
  { action: "update", claim: "*", decision: "update", why: "the state holds it, and no record names anyone else" },

  { action: "import", claim: "sibling", decision: "refuse-owned-elsewhere", why: "another resource of this stack manages it: rename with aliases instead" },
  { action: "import", claim: "foreign", decision: "refuse-owned-elsewhere", why: "another stack instance manages it" },
  { action: "import", claim: "unreadable", decision: "refuse-unverifiable", why: "whose it is cannot be read: importing could take another stack's object" },
  { action: "import", claim: "*", decision: "import", why: "no record names anyone, or its record names this resource" },

  { action: "delete", claim: "mine", sameGeneration: false, takenByReplacement: "*", decision: "skip", why: "a replacement of this resource landed on it and holds it now" },
  { action: "delete", claim: "mine", sameGeneration: "*", takenByReplacement: "*", decision: "delete", why: "its record names this resource" },
  { action: "delete", claim: "unreadable", sameGeneration: "*", takenByReplacement: true, decision: "skip", why: "a replacement of this resource converged on it in this run" },
  { action: "delete", claim: "unreadable", sameGeneration: "*", takenByReplacement: false, decision: "delete", why: "the state holds it, and no record says otherwise" },
  { action: "delete", claim: "*", sameGeneration: "*", takenByReplacement: "*", decision: "leave", why: "released, or another resource manages it now" },
];

/** The facts each action is decided on. */
export type OwnershipFacts =
  | { action: "create"; claim: Claim; found: Found; adopt: boolean }
  | { action: "update"; claim: Claim }
  | { action: "import"; claim: Claim }
  | {
      action: "delete";
      claim: Claim;
      /** Undefined when the record or the state holds no generation: then the claim alone decides. */
      sameGeneration?: boolean | undefined;
      takenByReplacement: boolean;
    };

/** The row of {@link OWNERSHIP_TABLE} that decides `facts`: the first that matches (the last rows match anything). */
export function ownershipRow(facts: OwnershipFacts): OwnershipRow | undefined {
  return OWNERSHIP_TABLE.find((row) => {
    if (row.action !== facts.action || !matches(row.claim, facts.claim)) return false;
    if (row.action === "create" && facts.action === "create")
      return matches(row.found, facts.found) && matches(row.adopt, facts.adopt);
    if (row.action === "delete" && facts.action === "delete") {
      return (
        (row.sameGeneration === "*" || row.sameGeneration === facts.sameGeneration) &&
        matches(row.takenByReplacement, facts.takenByReplacement)
      );
    }
    return true;
  });
}

/** What a create that met an existing object does. */
export function createDecision(facts: { claim: Claim; found: Found; adopt: boolean }): CreateDecision {
  const row = ownershipRow({ action: "create", ...facts });
  return row?.action === "create" ? row.decision : "refuse-needs-adopt";
}

/** What an update of an object the state holds does. */
export function updateDecision(facts: { claim: Claim }): UpdateDecision {
  const row = ownershipRow({ action: "update", ...facts });
  return row?.action === "update" ? row.decision : "refuse-owned-elsewhere";
}

/** What an import of an object does (see {@link ImportDecision}). */
export function importDecision(facts: { claim: Claim }): ImportDecision {
  const row = ownershipRow({ action: "import", ...facts });
  return row?.action === "import" ? row.decision : "refuse-unverifiable";
}

/** What a delete of an object the state holds does. */
export function deleteDecision(facts: {
  claim: Claim;
  sameGeneration?: boolean | undefined;
  takenByReplacement: boolean;
}): DeleteDecision {
  const row = ownershipRow({ action: "delete", ...facts });
  return row?.action === "delete" ? row.decision : "leave";
}

function matches<T>(pattern: T | "*", value: T): boolean {
  return pattern === "*" || pattern === value;
}
