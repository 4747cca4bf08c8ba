/**
 * The front door is made before the models (their dashboards and outputs read it), yet its API
 * deploys only once each model's traffic rule exists: a promise per model, resolved by
 * deployModel(), settled for the models this stack does not route.
 */
import type * as pulumi from "@pulumi/pulumi";

/** Per model, a promise of what routes it, resolved when its traffic rule exists. */
export class FrontDoorRouting {
  private readonly waiting = new Map<string, (resources: pulumi.Resource[]) => void>();
  private readonly promises = new Map<string, Promise<pulumi.Resource[]>>();

  routedBy(model: string): Promise<pulumi.Resource[]> {
    let promise = this.promises.get(model);
    if (!promise) {
      promise = new Promise((resolve) => this.waiting.set(model, resolve));
      this.promises.set(model, promise);
    }
    return promise;
  }

  routed(model: string, resources: pulumi.Resource[]): void {
    // The promise the front door holds, made here when the front door does not route the model.
    void this.routedBy(model);
    this.waiting.get(model)?.(resources);
    this.waiting.delete(model);
  }

  /** Models this stack does not route (a base's shards route theirs): nothing to wait for. */
  settle(): void {
    for (const model of [...this.waiting.keys()]) this.routed(model, []);
  }
}
