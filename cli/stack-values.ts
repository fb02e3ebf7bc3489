/**
 * Values that differ per stack in one budgets file: a top-level `vars:` section, each variable one value or a
 * value per stack (with `default` for the others), and `${name}` in any field to use it; `${stack}` is the
 * stack's name. A field that is exactly `${name}` takes the value with its type (a number stays a number);
 * inside longer text it is spliced in. `$${` writes a literal `${`.
 *
 * ```yaml
 * vars:
 *   dailyMax: { default: 5, prod: 50 }
 * limits:
 *   - { name: Daily Safety Cap, max: "${dailyMax}", type: block, threshold: 0.9 }
 *   - { name: "${stack} experiments", max: 20 }
 * ```
 */
import { z } from "zod";

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** One reference, or an escaped `$${`. */
const REFERENCE = /\$\$\{|\$\{([^}]*)\}/g;
/** A field that is one reference and nothing else. */
const WHOLE = /^\$\{([A-Za-z_][A-Za-z0-9_]*)\}$/;
/** What a field holding one reference looks like, for the JSON Schema. */
export const REFERENCE_PATTERN = "^\\$\\{[A-Za-z_][A-Za-z0-9_]*\\}$";

const Scalar = z.union([z.string(), z.number(), z.boolean()]);
type Scalar = z.infer<typeof Scalar>;

/** `vars:` as the file writes it. */
export const VarsSchema = z
  .record(
    // Names are checked by withStackValues, which says what is wrong with one.
    z
      .string()
      .regex(NAME),
    z.union([Scalar, z.record(z.string(), Scalar)], {
      error: "a variable is one value (string, number or boolean), or a map of stack → value with an optional default",
    }),
    { error: "vars must be a map of variable → value" },
  )
  .describe(
    "Values that differ per stack: `name: value`, or `name: { <stack>: value, default: value }`. `${name}` in any field uses it; `${stack}` is the stack's name.",
  );

/** A reference that cannot be resolved, at the path of the field holding it. */
export interface StackValueProblem {
  path: Array<string | number>;
  message: string;
}

/**
 * The file with every `${…}` replaced by the stack's values (`vars` itself left as it is, for the schema to
 * check). `stack` is the stack's name (the last part of a fully qualified one); without one, only `default`s
 * and plain values resolve.
 */
export function withStackValues(raw: unknown, stack: string | undefined): { value: unknown; problems: StackValueProblem[] } {
  if (!isMap(raw)) return { value: raw, problems: [] };
  const vars = isMap(raw["vars"]) ? raw["vars"] : {};
  const problems: StackValueProblem[] = [];
  for (const declared of Object.keys(vars)) {
    if (declared === "stack")
      problems.push({ path: ["vars", declared], message: "'stack' is reserved: ${stack} is the stack's name" });
    else if (!NAME.test(declared))
      problems.push({
        path: ["vars", declared],
        message: `'${declared}' is not a variable name: letters, digits and _, not starting with a digit`,
      });
  }
  const name = stack?.slice(stack.lastIndexOf("/") + 1);

  const lookup = (ref: string, path: Array<string | number>): Scalar | undefined => {
    const fail = (message: string) => {
      problems.push({ path, message });
      return undefined;
    };
    if (ref === "stack") return name ?? fail("${stack} needs a stack: run this with --stack");
    if (!NAME.test(ref)) return fail(`\${${ref}} is not a variable reference (names are letters, digits and _)`);
    if (!Object.hasOwn(vars, ref)) {
      const known = Object.keys(vars);
      return fail(`unknown variable '${ref}' (${known.length > 0 ? `vars: ${known.join(", ")}` : "the file has no vars:"})`);
    }
    const declared = vars[ref];
    if (!isMap(declared)) return isScalar(declared) ? declared : undefined; // the schema reports it
    const picked = name !== undefined && Object.hasOwn(declared, name) ? declared[name] : declared["default"];
    if (picked === undefined) {
      const stacks = Object.keys(declared).join(", ");
      return fail(
        `variable '${ref}' has no value for ${name === undefined ? "a run without a stack" : `stack '${name}'`} and no default (vars.${ref} names ${stacks || "nothing"})`,
      );
    }
    return isScalar(picked) ? picked : undefined;
  };

  const resolve = (value: unknown, path: Array<string | number>): unknown => {
    if (typeof value === "string") {
      const whole = WHOLE.exec(value);
      if (whole?.[1] !== undefined) return lookup(whole[1], path) ?? value;
      if (!value.includes("${")) return value;
      return value.replace(REFERENCE, (match, ref: string | undefined) => {
        if (ref === undefined) return "${";
        const v = lookup(ref, path);
        return v === undefined ? match : String(v);
      });
    }
    if (Array.isArray(value)) return value.map((item, i) => resolve(item, [...path, i]));
    if (isMap(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolve(v, [...path, k])]));
    return value;
  };

  const value = Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, k === "vars" ? v : resolve(v, [k])]));
  return { value, problems };
}

function isMap(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function isScalar(value: unknown): value is Scalar {
  return typeof value === "string" || typeof value === "number" || typeof value === "boolean";
}
