/**
 * Where a command writes and which environment it sees: the process's own when `maas` runs as a
 * command (bin/maas.js), a caller's when main() runs in-process (the tests).
 */
export interface Writer {
  write(text: string): unknown;
  /** A terminal a person watches: colour and progress lines (cli/terminal.ts). */
  isTTY?: boolean;
  columns?: number;
}

export interface Io {
  stdout: Writer;
  stderr: Writer;
  /** Read for NO_COLOR, FORCE_COLOR, TERM, MAAS_DEBUG; child processes get it as theirs. */
  env: Record<string, string | undefined>;
}

export function processIo(): Io {
  return { stdout: process.stdout, stderr: process.stderr, env: process.env };
}

/** Whether `io` writes to this process's own stdout and stderr (child processes may inherit them). */
export function isProcessIo(io: Io): boolean {
  return io.stdout === process.stdout && io.stderr === process.stderr;
}
