import { describe, expect, test } from "vitest";
import * as automation from "@pulumi/pulumi/automation";
import { backendHint, stackLockedError } from "../../cli/backend-errors.js";
import { commandErrorLine, ErrorlessDisplay } from "../../cli/output.js";

const CONFLICT = "a limit named 'Daily Cap' already exists in Pay-i (limit_id 'l-1'). Set adopt: true.";

// What Pulumi 3.259's non-interactive display printed for an up whose create failed with a warning beside it.
const ENGINE_TEXT = `Updating (dev):

@ updating.....
 ~  pulumi:pulumi:Stack pulumi-limits-dev refreshing (0s) 
    pulumi:pulumi:Stack pulumi-limits-dev running 
 +  pulumi-nodejs:dynamic/payi:Limit daily-cap creating (0s) 
 +  pulumi-nodejs:dynamic/payi:Limit daily-cap creating (0s) error: ${CONFLICT}
 +  pulumi-nodejs:dynamic/payi:Limit daily-cap **creating failed** error: ${CONFLICT}
 +- pulumi-nodejs:dynamic/payi:UseCaseLimitConfig chat-limit replacing (0s) warning: instances keep their limits
    pulumi:pulumi:Stack pulumi-limits-dev running error: update failed
    pulumi:pulumi:Stack pulumi-limits-dev **failed** 1 error
Diagnostics:
  pulumi:pulumi:Stack (pulumi-limits-dev):
    error: update failed

  pulumi-nodejs:dynamic/payi:Limit (daily-cap):
    error: ${CONFLICT}
    a second line of the same error

  pulumi-nodejs:dynamic/payi:UseCaseLimitConfig (chat-limit):
    warning: instances keep their limits
    and their spend
    error: it failed as well

Resources:
    2 unchanged
    1 errored

Duration: 7s
`;

const SHOWN = `Updating (dev):

@ updating.....
 ~  pulumi:pulumi:Stack pulumi-limits-dev refreshing (0s) 
    pulumi:pulumi:Stack pulumi-limits-dev running 
 +  pulumi-nodejs:dynamic/payi:Limit daily-cap creating (0s) 
 +  pulumi-nodejs:dynamic/payi:Limit daily-cap creating (0s)
 +  pulumi-nodejs:dynamic/payi:Limit daily-cap **creating failed**
 +- pulumi-nodejs:dynamic/payi:UseCaseLimitConfig chat-limit replacing (0s) warning: instances keep their limits
    pulumi:pulumi:Stack pulumi-limits-dev running
    pulumi:pulumi:Stack pulumi-limits-dev **failed** 1 error
Diagnostics:
  pulumi-nodejs:dynamic/payi:UseCaseLimitConfig (chat-limit):
    warning: instances keep their limits
    and their spend

Resources:
    2 unchanged
    1 errored

Duration: 7s
`;

function display(chunks: string[]): string {
  let shown = "";
  const text = new ErrorlessDisplay((t) => {
    shown += t;
  });
  for (const chunk of chunks) text.onOutput(chunk);
  return shown;
}

describe("the engine's text display without its errors", () => {
  test("drops the errors from progress rows and from Diagnostics, keeps rows, warnings and the summary", () => {
    expect(display([ENGINE_TEXT])).toBe(SHOWN);
  });

  test("gives the same text however the output is cut into chunks", () => {
    for (const size of [1, 3, 17, 64]) {
      const chunks = ENGINE_TEXT.match(new RegExp(`[\\s\\S]{1,${size}}`, "g")) ?? [];
      expect(display(chunks)).toBe(SHOWN);
    }
  });

  test("passes progress dots through as they come, before their line ends", () => {
    let shown = "";
    const text = new ErrorlessDisplay((t) => {
      shown += t;
    });
    text.onOutput("Updating (dev):\n\n@ updating");
    expect(shown).toBe("Updating (dev):\n\n@ updating");
    text.onOutput("..");
    expect(shown).toBe("Updating (dev):\n\n@ updating..");
    text.onOutput(".\n +  pulumi-nodejs:dynamic/payi:Limit a creating (0s) error: x\n");
    expect(shown).toBe("Updating (dev):\n\n@ updating...\n +  pulumi-nodejs:dynamic/payi:Limit a creating (0s)\n");
  });

  test("drops a Diagnostics section of errors only, header included", () => {
    const text = "Diagnostics:\n  pulumi:pulumi:Stack (s):\n    error: update failed\n\nResources:\n    1 errored\n";
    expect(display([text])).toBe("Resources:\n    1 errored\n");
  });
});

describe("the one line of a failure the engine did not report", () => {
  test("an Automation API error: Pulumi's error lines, each once, without its command line", () => {
    const error = new Error(
      [
        "code: -2",
        " stdout: ",
        " stderr: Command failed with exit code 1: pulumi stack select --stack dev --non-interactive",
        'error: unable to open state database "postgres://u:p@h/db": failed to ping PostgreSQL: connect: connection refused',
        " err?: Error: Command failed with exit code 1: pulumi stack select --stack dev --non-interactive",
        'error: unable to open state database "postgres://u:p@h/db": failed to ping PostgreSQL: connect: connection refused',
        "",
      ].join("\n"),
    );
    expect(commandErrorLine(error)).toBe(
      'unable to open state database "postgres://u:p@h/db": failed to ping PostgreSQL: connect: connection refused',
    );
  });

  test("the engine's 'update failed' only when it is the only error", () => {
    expect(commandErrorLine(new Error("error: update failed\nerror: boom\nerror: update failed"))).toBe("boom");
    expect(commandErrorLine(new Error("error: update failed"))).toBe("update failed");
  });

  test("an error that wraps several keeps each of them", () => {
    const error = new Error(
      ["code: 255", " stdout: ", " stderr: error: 2 errors occurred:", "    1) first cause", "    2) second cause", ""].join(
        "\n",
      ),
    );
    expect(commandErrorLine(error)).toBe("2 errors occurred: 1) first cause 2) second cause");
  });

  test("any other error: its first line", () => {
    expect(commandErrorLine(new Error("401 invalid_api_key The API key is not valid.\nmore"))).toBe(
      "401 invalid_api_key The API key is not valid.",
    );
  });
});

describe("stack locks", () => {
  /** An Automation API error as `pulumi up` fails it: the text of its result is the message. */
  const failed = (stderr: string): Error => {
    const { CommandError: Failure } = automation as unknown as { CommandError: new (result: { toString(): string }) => Error };
    return new Failure({ toString: () => `code: 255\n stdout: \n stderr: ${stderr}\n err?: \n` });
  };

  test("two runs locking at the same moment: the one that read the other's vanished lock exits 4 too", () => {
    const race = failed("error: 2 errors occurred:\n    1) key not found: sql: no rows in result set\n    2) NotFound\n");
    const error = stackLockedError(race, "up");
    expect(error?.exitCode).toBe(4);
    expect(error?.message).toMatch(
      /^up: another run took the stack's lock at the same moment, .* Rerun when the other run has finished\.$/,
    );
  });

  test("any other failure is not a lock", () => {
    expect(stackLockedError(failed("error: 2 errors occurred:\n    1) boom\n    2) bang\n"), "up")).toBeUndefined();
    expect(stackLockedError(failed("error: NotFound\n"), "up")).toBeUndefined();
    expect(stackLockedError(new Error("error: 2 errors occurred:\n    1) x\n    2) NotFound"), "up")).toBeUndefined();
  });
});

describe("backend hints", () => {
  test("a PostgreSQL server without TLS: add ?sslmode=disable", () => {
    const message =
      'unable to open state database "postgres://u:****@h/db": failed to ping PostgreSQL: pq: SSL is not enabled on the server';
    expect(backendHint(message)).toBe(
      `${message} (the PostgreSQL server has no TLS: add ?sslmode=disable to the backend URL for a local server, or enable TLS on it)`,
    );
    expect(backendHint("connection refused")).toBe("connection refused");
  });
});
