/**
 * Stopping a run on Ctrl-C (SIGINT) or SIGTERM: the first signal stops it, whatever it was doing.
 * What the run registered is undone, last registered first, as the run itself would unwind: a
 * child process is stopped before the folder it writes to is removed, a summary of what was
 * written is said once the children are gone. Child processes (several run at once: --jobs) are
 * stopped first and together, so stopping takes one grace period, not one per child. Then the process exits 128 + the signal's number
 * (130, 143), as a shell reports a process a signal ended. Later signals change nothing while it
 * stops: stopping is bounded (a child gets a few seconds, then SIGKILL: cli/child.ts).
 */
import { constants } from "node:os";

/** Something to do when the run is stopped by a signal; the process waits for what it returns. */
export type Stop = (signal: NodeJS.Signals) => unknown;

const stops: { stop: Stop; first: boolean }[] = [];
let received: NodeJS.Signals | undefined;
let installed = false;

/**
 * Registers `stop` for a signal; the returned function forgets it again (the run got past it).
 * With `first` (a child process to stop), it runs before every other stop, together with the
 * other `first` ones.
 */
export function onInterrupt(stop: Stop, options: { first?: boolean } = {}): () => void {
  const entry = { stop, first: options.first ?? false };
  stops.push(entry);
  return () => {
    const at = stops.indexOf(entry);
    if (at >= 0) stops.splice(at, 1);
  };
}

/** The signal that stopped this run, if one did: nothing new starts once it has. */
export function interrupted(): NodeJS.Signals | undefined {
  return received;
}

/** The exit code of a process a signal ended, as a shell reports it: 128 + its number. */
export function signalExitCode(signal: NodeJS.Signals): number {
  return 128 + constants.signals[signal];
}

async function stopRun(signal: NodeJS.Signals): Promise<void> {
  if (received !== undefined) return;
  received = signal;
  const registered = stops.splice(0).reverse();
  // Whatever one step could not undo, the next ones still run, and the process still exits.
  const attempt = async (stop: Stop) => {
    try {
      await stop(signal);
    } catch {
      // (see above)
    }
  };
  await Promise.all(registered.filter((entry) => entry.first).map(({ stop }) => attempt(stop)));
  for (const { stop } of registered.filter((entry) => !entry.first)) await attempt(stop);
  process.exit(signalExitCode(signal));
}

/**
 * Installed by bin/maas.js (cli/main.ts's run()), never by main() run in-process. The listeners
 * stay for the whole run: with none left, a second Ctrl-C would end the process at once, in the
 * middle of removing what the first one asked to remove.
 */
export function stopOnSignals(): void {
  if (installed) return;
  installed = true;
  for (const signal of ["SIGINT", "SIGTERM"] as const)
    process.on(signal, () => void stopRun(signal));
}
