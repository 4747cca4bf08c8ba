/**
 * `maas smoke`: the front door's smoke test as a command
 * (docs/front-door.md, "Smoke test in a real account"): reads the options, takes the world it is
 * given (smoke/real-world.ts, loaded by cli/main.ts only for this command), runs the checks
 * (smoke/checks.ts) and prints a line per check and a summary.
 */
import { normalisePath, parseConsumers, runSmoke, summarise } from "../smoke/checks";
import type { SmokeWorld } from "../smoke/world";
import type { Io } from "./io";

/**
 * The most `--burst` may send: API Gateway's account-level burst plus rate per region
 * (catalogue/schema.ts, MAX_BURST and MAX_REQUESTS_PER_SECOND), the most a consumer's usage plan
 * can allow before a 429.
 */
export const MAX_BURST_REQUESTS = 15_000;

export interface SmokeCommandOptions {
  stack: string;
  path?: string;
  /** As typed: a count of requests. */
  burst?: string;
}

export type SmokeWorldFactory = (stack: string, io: Io) => Promise<SmokeWorld>;

/** `maas smoke`: 0 every check that ran passed, 1 a check failed or none ran, 2 a bad option. */
export async function runSmokeCommand(
  options: SmokeCommandOptions,
  io: Io,
  createWorld: SmokeWorldFactory,
): Promise<number> {
  const burst = options.burst === undefined ? undefined : Number(options.burst);
  if (
    burst !== undefined &&
    (!/^[1-9][0-9]*$/.test(options.burst ?? "") || burst > MAX_BURST_REQUESTS)
  ) {
    io.stderr.write(
      `--burst ${options.burst}: must be a number of requests from 1 to ${MAX_BURST_REQUESTS} (the consumer's burst + requestsPerSecond)\n`,
    );
    return 2;
  }
  const path = normalisePath(options.path ?? "healthz");
  let world: SmokeWorld;
  try {
    world = await createWorld(options.stack, io);
  } catch (error) {
    io.stderr.write(
      `maas smoke: could not read stack ${options.stack}: ${error instanceof Error ? error.message : String(error)}\n`,
    );
    return 1;
  }
  const parsed = parseConsumers(world.consumers);
  if ("problem" in parsed) {
    io.stderr.write(`maas smoke: stack ${options.stack}: ${parsed.problem}\n`);
    return 1;
  }
  io.stdout.write(
    `maas smoke: stack ${options.stack}, GET <url>/models/<model>/${path}${burst ? `, bursts of ${burst}` : ""}\n`,
  );
  io.stdout.write(
    `signing as: ${"why" in world.caller ? `nobody (${world.caller.why})` : (world.caller.arn ?? "AWS credentials of an unknown principal")}\n`,
  );
  for (const note of world.notes) io.stdout.write(`note: ${note}\n`);
  const results = await runSmoke(world, { path, ...(burst ? { burst } : {}) }, (text) =>
    io.stdout.write(`${text}\n`),
  );
  const summary = summarise(results);
  io.stdout.write(`${summary.text}\n`);
  return summary.code;
}
