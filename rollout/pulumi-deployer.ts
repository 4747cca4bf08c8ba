/**
 * The stack, driven through Pulumi's Automation API (@pulumi/pulumi/automation, the version the
 * project pins): `pulumi up` of the whole stack for step 0, `pulumi up --target <urn>…` for a
 * step (the program still runs in full, and untargeted resources keep their state: Pulumi docs,
 * "Targeted updates"), and the stack's outputs for what the engine addresses (stack/outputs.ts,
 * DeployedRolloutTargets).
 *
 * Each command starts the Pulumi CLI anew with the process's environment, so credentials are
 * those of the moment (a CI job re-assumes its role per job: docs/rollouts.md). A stack locked by
 * another update raises StackLockedError (the Automation API's ConcurrentUpdateError, matched on
 * the CLI's "[409] Conflict" or "currently locked by"); an update interrupted earlier leaves
 * pending operations, which stop a step until a person clears them (never `pulumi cancel` on
 * someone else's update).
 */
import { ConcurrentUpdateError, LocalWorkspace, PulumiCommand } from "@pulumi/pulumi/automation";
import type { Stack } from "@pulumi/pulumi/automation";
import type { Deployer, ModelTargets, Unaddressed } from "./ports";
import { StackLockedError } from "./ports";

export interface PulumiDeployerOptions {
  /** The Pulumi project directory (Pulumi.yaml). */
  workDir: string;
  stack: string;
  /** Each line the CLI prints, for the progress log. */
  onOutput: (line: string) => void;
  /** Where a `pulumi` binary is (`<root>/bin/pulumi`); default: the one on PATH. */
  pulumiRoot?: string;
}

/** What `pulumi stack output --json` holds under `models` for one model (stack/outputs.ts). */
interface ModelOutput {
  versions?: Record<string, { image?: string; targetGroupArn?: string }>;
  rollout?: Omit<ModelTargets, "images">;
}

/**
 * Models an older maas deployed (no `rollout` output), with what older stacks do export: their
 * versions' target groups, and the load balancers' client listeners.
 */
export function unaddressedFromOutputs(models: unknown, loadBalancers: unknown): Unaddressed {
  return {
    listeners: Object.fromEntries(
      Object.entries((loadBalancers ?? {}) as Record<string, { listenerArn?: string }>).flatMap(
        ([name, lb]) => (lb.listenerArn ? [[name, lb.listenerArn]] : []),
      ),
    ),
    models: Object.fromEntries(
      Object.entries((models ?? {}) as Record<string, ModelOutput>)
        .filter(([, value]) => !value.rollout)
        .map(([name, value]) => [
          name,
          Object.fromEntries(
            Object.entries(value.versions ?? {}).flatMap(([version, v]) =>
              v.targetGroupArn ? [[version, v.targetGroupArn]] : [],
            ),
          ),
        ]),
    ),
  };
}

/** The engine's addresses of every model, from the stack's `models` output. */
export function targetsFromOutputs(models: unknown): Record<string, ModelTargets> {
  const targets: Record<string, ModelTargets> = {};
  for (const [name, value] of Object.entries((models ?? {}) as Record<string, ModelOutput>)) {
    if (!value.rollout) continue;
    targets[name] = {
      ...value.rollout,
      images: Object.fromEntries(
        Object.entries(value.versions ?? {}).flatMap(([version, v]) =>
          v.image ? [[version, v.image]] : [],
        ),
      ),
    };
  }
  return targets;
}

/**
 * What the CLI said of the lock, and who holds it (the DIY backend's "<lock file>: created by
 * user@host (pid N) at <time>" lines). The Automation API's message starts with its own
 * "code: -2" and the whole command line, and holds the CLI's stderr twice.
 */
function lockDetail(message: string): string {
  const lines = message.split("\n").map((line) => line.trim());
  const start = lines.findIndex(
    (line) => line.includes("currently locked by") || line.includes("[409] Conflict"),
  );
  if (start < 0) return lines[0] ?? "";
  const holders: string[] = [];
  for (const line of lines.slice(start + 1)) {
    if (!line.includes(": created by ")) break;
    holders.push(line);
  }
  return [(lines[start] ?? "").replace(/^error: /, ""), ...holders].join("; ");
}

export class PulumiDeployer implements Deployer {
  private stack?: Stack;

  constructor(private readonly options: PulumiDeployerOptions) {}

  private async select(): Promise<Stack> {
    if (!this.stack) {
      const pulumiCommand = await PulumiCommand.get(
        this.options.pulumiRoot ? { root: this.options.pulumiRoot } : {},
      );
      this.stack = await LocalWorkspace.selectStack(
        { stackName: this.options.stack, workDir: this.options.workDir },
        { pulumiCommand },
      );
    }
    return this.stack;
  }

  /** Refuses to update over an interrupted update's pending operations. */
  private async checkPending(stack: Stack): Promise<void> {
    const state = (await stack.exportStack()) as {
      deployment?: { pending_operations?: { type: string; resource: { urn: string } }[] };
    };
    const pending = state.deployment?.pending_operations ?? [];
    // A pending create needs a person (the resource may exist in AWS, unknown to the state);
    // Pulumi itself would carry on past the others, but a step must not move traffic over an
    // update whose outcome nobody checked.
    const creates = pending.some((p) => p.type === "creating");
    if (pending.length > 0)
      throw new Error(
        `stack ${this.options.stack} has ${pending.length} pending operation(s) from an interrupted update (${pending
          .map((p) => `${p.resource.urn} ${p.type}`)
          .join("; ")}): check those resources in AWS, then run ${
          creates ? "pulumi refresh --clear-pending-creates (or import them)" : "pulumi refresh"
        }, and run again`,
      );
  }

  private async run(target?: string[]): Promise<void> {
    const stack = await this.select();
    await this.checkPending(stack);
    // onOutput gets the CLI's stdout as the pipe delivers it, in chunks that can end mid-line: a
    // line goes on once its newline has come, the last one when the CLI has exited.
    let partial = "";
    const emit = (line: string) => {
      if (line.trim()) this.options.onOutput(line);
    };
    try {
      await stack.up({
        ...(target ? { target } : {}),
        color: "never",
        onOutput: (text) => {
          const lines = (partial + text).split("\n");
          partial = lines.pop() ?? "";
          for (const line of lines) emit(line);
        },
      });
    } catch (error) {
      if (error instanceof ConcurrentUpdateError)
        throw new StackLockedError(
          `stack ${this.options.stack} is locked by another update: ${lockDetail(error.message)}`,
        );
      throw error;
    } finally {
      emit(partial);
    }
  }

  up(): Promise<void> {
    return this.run();
  }

  upTargets(urns: string[]): Promise<void> {
    return this.run(urns);
  }

  /** The stack's alarm topic (its `alarmTopicArn` output), undefined before its first update. */
  async alarmTopicArn(): Promise<string | undefined> {
    const outputs = await (await this.select()).outputs();
    const value: unknown = outputs.alarmTopicArn?.value;
    return typeof value === "string" ? value : undefined;
  }

  async unaddressed(): Promise<Unaddressed> {
    const outputs = await (await this.select()).outputs();
    return unaddressedFromOutputs(outputs.models?.value, outputs.loadBalancers?.value);
  }

  async targets(): Promise<Record<string, ModelTargets>> {
    const outputs = await (await this.select()).outputs();
    return targetsFromOutputs(outputs.models?.value);
  }
}
