/**
 * How the CLI writes for a person at a terminal, and stays plain and stable for everything
 * else: colour only on a TTY and never with NO_COLOR (no-color.org) or TERM=dumb; a progress
 * line on stderr only on a TTY; text wrapped to 80 columns; names in natural order.
 */

import { styleText } from "node:util";

export type Style = "red" | "green" | "yellow" | "bold" | "dim";

export const COLUMNS = 80;

export interface Terminal {
  color: boolean;
  paint(style: Style, text: string): string;
}

export function terminal(
  stream: { isTTY?: boolean },
  env: Record<string, string | undefined> = process.env,
): Terminal {
  const color =
    env.NO_COLOR === undefined || env.NO_COLOR === ""
      ? (stream.isTTY === true && env.TERM !== "dumb") ||
        (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== "0")
      : false;
  return {
    color,
    // Node's own codes; whether to colour is decided above, from the io's env and stream (the
    // CLI runs in-process in tests with an env of its own), so styleText does not look again.
    paint: (style, text) => (color ? styleText(style, text, { validateStream: false }) : text),
  };
}

/** model-2 before model-10; the same order on every machine (a fixed locale). */
export const naturalCompare = new Intl.Collator("en", { numeric: true, sensitivity: "variant" })
  .compare;

/** `text` wrapped at `width` columns; continuation lines indented by `indent` spaces. */
export function wrap(text: string, indent = 2, width = COLUMNS): string {
  const lines: string[] = [];
  const lead = /^ */.exec(text)![0];
  let line = lead;
  for (const word of text.slice(lead.length).split(" ")) {
    const candidate = line.trim() === "" ? `${line}${word}` : `${line} ${word}`;
    if (candidate.length > width && line.trim() !== "") {
      lines.push(line);
      line = `${" ".repeat(indent)}${word}`;
    } else line = candidate;
  }
  lines.push(line);
  return lines.join("\n");
}

/**
 * A progress line on stderr for long runs, only where a person watches (a TTY): redrawn at most
 * every 100 ms, erased when done.
 */
export function progress(
  stream: { isTTY?: boolean; write(text: string): unknown },
  label: string,
): { update(count: number): void; done(): void } {
  if (!stream.isTTY) return { update: () => undefined, done: () => undefined };
  let last = 0;
  return {
    update: (count) => {
      const now = Date.now();
      if (now - last < 100) return;
      last = now;
      stream.write(`\r${label}: ${count} resources registered`);
    },
    done: () => stream.write("\r\u001b[2K"),
  };
}
