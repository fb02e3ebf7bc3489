import type { EngineEvent } from "@pulumi/pulumi/automation";

/** Where command output goes: human text, or one JSON engine event per line (`--json`). */
export interface Output {
  json: boolean;
  write(text: string): void;
}

/**
 * An engine event as the CLI prints it: `__`-prefixed internals (the serialized provider and the like)
 * removed, and debug diagnostics (which echo those internals) dropped entirely.
 */
function publicEvent(event: EngineEvent): unknown {
  // The typed severities omit "debug", which the engine does send.
  if (String(event.diagnosticEvent?.severity) === "debug") return undefined;
  return strip(event);
}

function strip(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(strip);
  if (value && typeof value === "object") {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([key]) => !key.startsWith("__"))
        .map(([key, v]) => [key, strip(v)]),
    );
  }
  return value;
}

/**
 * The error diagnostics of the engine runs of this command, each once, in the order they came: what the CLI
 * prints when the command fails (see {@link engineErrors}).
 */
const errors = new Set<string>();

/** The engine's own summary of a failed run ("update failed", of no resource): it only says that another error happened. */
const RUN_FAILED = /^(update|preview|refresh|destroy|import) failed$/;

function recordError(event: EngineEvent): void {
  const diagnostic = event.diagnosticEvent;
  if (diagnostic?.severity !== "error") return;
  const message = oneLine(diagnostic.message);
  if (message && (diagnostic.urn || !RUN_FAILED.test(message))) errors.add(message);
}

/**
 * A diagnostic as one line: its lines joined, without blank lines and without the stack frames of an
 * unhandled exception.
 */
function oneLine(message: string): string {
  return message
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line !== "" && !/^at .+/.test(line))
    .join(" ");
}

/**
 * Each error the engine reported during this command, once, as one line (a resource's error, not the run's
 * "update failed" that wraps it). Empty when the engine reported none (the backend or the stack could not be
 * opened, for one): then the failure is the Automation API's error.
 */
export function engineErrors(): string[] {
  return [...errors];
}

/**
 * What a failure that is not the engine's says, in one line. An Automation API error's message holds the
 * whole output of the `pulumi` command it ran (`code: …, stdout: …, stderr: …, err?: …`), where Pulumi's own
 * errors are the `error: ` lines, each there twice.
 */
export function commandErrorLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const lines = message
    .split("\n")
    .map((l) => l.trim().replace(/^(stdout|stderr|err\?): /, ""))
    .filter((l) => l !== "" && !/^code: -?\d+$/.test(l));
  const errors = new Set<string>();
  for (const [i, line] of lines.entries()) {
    if (!line.startsWith("error: ")) continue;
    // Pulumi prints an error that wraps several as "N errors occurred:" and then each as "    1) …".
    const items: string[] = [];
    for (let next = i + 1; next < lines.length && /^\d+\) /.test(lines[next] ?? ""); next++) items.push(lines[next] ?? "");
    errors.add(line.slice("error: ".length) + (items.length > 0 ? ` ${items.join(" ")}` : ""));
  }
  for (const wrap of errors) if (errors.size > 1 && RUN_FAILED.test(wrap)) errors.delete(wrap);
  return [...errors].join("; ") || lines[0] || "unknown error";
}

/**
 * Pulumi's text display with the error diagnostics taken out, since the CLI prints each error once when the
 * command fails: the engine's own text repeats one error up to four times (on the resource's progress rows,
 * under Diagnostics, and as the root Stack's "update failed"). Warnings and everything else pass unchanged.
 *
 * The display prints a resource's progress row (`<op> <type> <name> <status> [<latest diagnostic>]`) each
 * time it changes, then a `Diagnostics:` section of blocks (`  <type> (<name>):`, then each message's lines
 * indented by four, `error: ` or `warning: ` first, then a blank line).
 */
export class ErrorlessDisplay {
  private pending = "";
  /** The current line was already written (progress dots, which Pulumi prints as they come). */
  private passing = false;
  private inDiagnostics = false;
  private diagnosticsHeader: string | undefined;
  private blockHeader: string | undefined;
  private blockShown = false;
  private inError = false;
  private last: string | undefined;

  constructor(private readonly write: (text: string) => void) {}

  /** Feed each chunk of the engine's text output as it comes. */
  readonly onOutput = (chunk: string): void => {
    let text = this.pending + chunk;
    this.pending = "";
    for (let end = text.indexOf("\n"); end >= 0; end = text.indexOf("\n")) {
      const line = text.slice(0, end);
      text = text.slice(end + 1);
      if (this.passing) {
        this.write(`${line}\n`);
        this.passing = false;
      } else {
        this.line(line);
      }
    }
    if (this.passing || text.startsWith("@")) {
      if (text) this.write(text);
      this.passing = this.passing || text !== "";
    } else {
      this.pending = text;
    }
  };

  private line(line: string): void {
    if (line === "Diagnostics:") {
      this.inDiagnostics = true;
      this.diagnosticsHeader = line;
      return;
    }
    if (this.inDiagnostics && (line === "" || line.startsWith("  "))) {
      this.diagnosticsLine(line);
      return;
    }
    this.inDiagnostics = false;
    const shown = line.startsWith(" ") ? withoutError(line) : line;
    // A row cut before its error can repeat the row before it.
    if (shown === this.last && shown !== "") return;
    this.emit(shown);
  }

  private diagnosticsLine(line: string): void {
    if (line === "") {
      if (this.blockShown) this.emit("");
      this.blockHeader = undefined;
      this.blockShown = false;
      this.inError = false;
      return;
    }
    if (!line.startsWith("    ")) {
      this.blockHeader = line;
      this.blockShown = false;
      this.inError = false;
      return;
    }
    const message = line.slice(4);
    if (message.startsWith("error: ")) this.inError = true;
    else if (message.startsWith("warning: ") || message.startsWith("info: ")) this.inError = false;
    if (this.inError) return;
    if (this.diagnosticsHeader) this.emit(this.diagnosticsHeader);
    this.diagnosticsHeader = undefined;
    if (!this.blockShown && this.blockHeader) this.emit(this.blockHeader);
    this.blockShown = true;
    this.emit(line);
  }

  private emit(line: string): void {
    this.last = line;
    this.write(`${line}\n`);
  }
}

/** A progress row without the error it shows last: the row keeps its status (`**creating failed**`). */
function withoutError(row: string): string {
  const at = row.search(/ (error|Error): /);
  return at < 0 ? row : row.slice(0, at).trimEnd();
}

/**
 * Automation API callbacks that stream progress as Pulumi prints it (without the errors, printed once when
 * the command fails) or as JSON events, and record the engine's errors for {@link engineErrors}.
 */
export function streaming(out: Output): { onOutput?: (text: string) => void; onEvent: (event: EngineEvent) => void } {
  if (!out.json) return { onOutput: new ErrorlessDisplay((text) => out.write(text)).onOutput, onEvent: recordError };
  return {
    onEvent: (event) => {
      recordError(event);
      const shown = publicEvent(event);
      if (shown !== undefined) out.write(`${JSON.stringify(shown)}\n`);
    },
  };
}
