/**
 * SIGINT and SIGTERM as `pulumi up` handles them. The first signal asks the engine to stop after the steps
 * in flight and waits for it (the engine then writes the stack's state and releases its lock); a second one
 * makes the engine stop at once (it still releases the lock); a third ends this process without waiting.
 * The command then exits 130 (SIGINT) or 143 (SIGTERM), and no new engine operation starts after a signal.
 *
 * The engine runs in a `pulumi` child process, and an inline program (the budgets file's) runs in this one,
 * serving the engine over gRPC: so this process must stay alive while the engine winds down, and must pass
 * the signal on only when the child did not get it itself. Ctrl-C in a terminal reaches the whole
 * foreground process group (this process and the `pulumi` child both); `kill PID`, a CI runner or
 * `timeout` signal this process alone. Pulumi's own plugins run in process groups of their own, and the
 * engine stops them.
 */
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import type { Stack } from "@pulumi/pulumi/automation";
import { CliError, ExitCode } from "./exit-codes.js";

type Signal = "SIGINT" | "SIGTERM";

const EXIT_CODES: Record<Signal, number> = { SIGINT: ExitCode.interrupted, SIGTERM: ExitCode.terminated };

interface InterruptState {
  /** The first signal received, if any. */
  signal: Signal | undefined;
  /** How many signals arrived. */
  count: number;
  /** Engine operations (up, preview, refresh, destroy) running now. */
  running: number;
}

const state: InterruptState = { signal: undefined, count: 0, running: 0 };

/**
 * Runs a CLI command with the signal handling above; resolves to its exit code, which is the signal's
 * (130 or 143) once one arrived, whatever the command did next.
 */
export async function withInterrupts(command: string, run: () => Promise<number>): Promise<number> {
  const handler = (signal: Signal) => onSignal(command, signal);
  process.on("SIGINT", handler);
  process.on("SIGTERM", handler);
  try {
    const code = await run().catch((error: unknown) => {
      if (state.signal) return EXIT_CODES[state.signal];
      throw error;
    });
    if (!state.signal) return code;
    process.stderr.write(
      `pulumi-limits: ${command} interrupted by ${state.signal}: what the engine finished is recorded in the stack's state; run the command again to converge.\n`,
    );
    return EXIT_CODES[state.signal];
  } finally {
    process.off("SIGINT", handler);
    process.off("SIGTERM", handler);
  }
}

function onSignal(command: string, signal: Signal): void {
  state.count++;
  state.signal ??= signal;
  if (state.running === 0 || state.count >= 3) {
    // Nothing of the engine to wait for (loading the file, a prompt, a status read), or asked three times.
    process.stderr.write(`pulumi-limits: ${command} interrupted by ${signal}.\n`);
    process.exit(EXIT_CODES[state.signal]);
  }
  process.stderr.write(
    state.count === 1
      ? `pulumi-limits: ${signal} received: the engine stops after the steps in flight, saves the stack's state and releases its lock; waiting for it (send ${signal} again to stop at once).\n`
      : `pulumi-limits: ${signal} received again: the engine stops at once (steps in flight may be left unrecorded; a rerun converges).\n`,
  );
  if (!childGotIt(signal)) forward(signal);
}

/**
 * Makes `stack`'s engine operations count as running (so a signal waits for them) and refuse to start
 * once a signal arrived. The one hook where the CLI calls the engine.
 */
export function interruptible(stack: Stack): Stack {
  const guard =
    <A extends unknown[], R>(operation: (...args: A) => Promise<R>) =>
    async (...args: A): Promise<R> => {
      if (state.signal) throw new CliError(`interrupted by ${state.signal}`, EXIT_CODES[state.signal]);
      state.running++;
      try {
        return await operation(...args);
      } finally {
        state.running--;
      }
    };
  stack.up = guard(stack.up.bind(stack));
  stack.preview = guard(stack.preview.bind(stack));
  stack.refresh = guard(stack.refresh.bind(stack));
  stack.destroy = guard(stack.destroy.bind(stack));
  return stack;
}

/**
 * True when `signal` came from the terminal, which delivers Ctrl-C to its whole foreground process group:
 * the `pulumi` child (in this process's group) got it too, and passing it on would count as a second one.
 */
function childGotIt(signal: Signal): boolean {
  if (signal !== "SIGINT") return false;
  try {
    // /proc/self/stat: "pid (comm) state ppid pgrp session tty_nr tpgid ..."; comm may hold spaces.
    const stat = readFileSync("/proc/self/stat", "utf8");
    const [, , pgrp, , ttyNr, tpgid] = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return ttyNr !== "0" && pgrp === tpgid;
  } catch {
    return process.stdin.isTTY === true;
  }
}

/**
 * Sends `signal` to this process's children (the `pulumi` running the engine operation). An operation that
 * has not started its child yet gets it as soon as it has.
 */
function forward(signal: Signal): void {
  const pids = children();
  if (pids.length === 0 && state.running > 0) {
    setTimeout(() => forward(signal), 50).unref();
    return;
  }
  for (const pid of pids) {
    try {
      process.kill(pid, signal);
    } catch {
      // Already gone.
    }
  }
}

function children(): number[] {
  try {
    return execFileSync("pgrep", ["-P", String(process.pid)], { encoding: "utf8" })
      .split("\n")
      .map((line) => Number.parseInt(line, 10))
      .filter((pid) => Number.isInteger(pid) && pid > 0);
  } catch {
    // pgrep exits 1 when there is none.
    return [];
  }
}
