/**
 * A model's `api:` after precedence: the model's, with an environment's overlay of the model
 * merged over it key by key (docs/catalogue.md, "Precedence"). Per model, not per version: one
 * integration of the front door and one load balancer rule serve all its versions. What only the
 * merged value shows (a buffered timeout past API Gateway's buffered limit) is refused here, at
 * the layer to blame.
 */
import { API_DEFAULTS } from "./defaults";
import { durationSeconds } from "./duration";
import type { Problem } from "./problem";
import { API_GATEWAY_TIMEOUTS } from "./quotas";
import type { ResolvedApi } from "./resolved";
import type { RuleInput } from "./rule-input";
import type { CatalogueDocument } from "./schema";
import { problemAt } from "./source";
import type { DocPath } from "./source";
import { defineRules } from "./rule";

/** The rule below, by slug: `catalogue/<slug>` names it in docs/rules.md and in its problems. */
export const API_RULES = defineRules("catalogue", {
  "buffered-timeout": {
    description:
      "A model's buffered response (`api.streaming` false) has a `timeout` of at most 5 minutes, in every environment.",
    why: "API Gateway's integration timeout for a buffered response goes to 5 minutes at most, however far the quota is raised; a longer one fails `pulumi up` at the integration.",
    fix: "Stream the response (`streaming: true`, up to 15 minutes), or shorten `timeout`.",
  },
});

type ApiValue = NonNullable<CatalogueDocument["models"][string]["api"]>;

/** The layers of a model's `api:`, lowest first, each with its path in the file. */
function apiLayers(
  document: CatalogueDocument,
  environment: string | undefined,
  model: string,
): { value: ApiValue; path: DocPath }[] {
  const overlay =
    environment === undefined
      ? undefined
      : document.environments?.[environment]?.models?.[model]?.api;
  const layers: { value: ApiValue | undefined; path: DocPath }[] = [
    { value: document.models[model]?.api, path: ["models", model, "api"] },
    { value: overlay, path: ["environments", environment ?? "", "models", model, "api"] },
  ];
  return layers.flatMap(({ value, path }) => (value === undefined ? [] : [{ value, path }]));
}

/** The highest layer that writes `key`, with the full path of what it wrote. */
function written<K extends keyof ApiValue>(
  layers: { value: ApiValue; path: DocPath }[],
  key: K,
): { value: NonNullable<ApiValue[K]>; path: DocPath; index: number } | undefined {
  for (let index = layers.length - 1; index >= 0; index--) {
    const value = layers[index]!.value[key];
    if (value !== undefined) return { value, path: [...layers[index]!.path, key], index };
  }
  return undefined;
}

/** The model's `api:` for one environment, or undefined when no layer writes one. */
export function resolveApi(
  document: CatalogueDocument,
  environment: string | undefined,
  model: string,
): ResolvedApi | undefined {
  const layers = apiLayers(document, environment, model);
  if (layers.length === 0) return undefined;
  const timeout = written(layers, "timeout")?.value;
  return {
    streaming: written(layers, "streaming")?.value ?? API_DEFAULTS.streaming,
    timeoutSeconds: timeout === undefined ? API_DEFAULTS.timeoutSeconds : durationSeconds(timeout),
  };
}

/** Where the model's timeout is written for this environment (the layer that decides it). */
export function apiTimeoutPath(
  document: CatalogueDocument,
  environment: string | undefined,
  model: string,
): DocPath {
  const layers = apiLayers(document, environment, model);
  return written(layers, "timeout")?.path ?? layers.at(-1)?.path ?? ["models", model];
}

/**
 * A buffered response may take 5 minutes at most, however far the quota is raised (a streamed
 * one 15, which the schema checks on the field alone). The problem points at whichever of
 * `timeout` and `streaming` the higher layer writes: the edit that made the pair.
 */
export function apiProblems(
  input: RuleInput,
  environment: string | undefined,
  model: string,
): Problem[] {
  const api = resolveApi(input.document, environment, model);
  const { bufferedMaxSeconds, streamedMaxSeconds } = API_GATEWAY_TIMEOUTS;
  if (!api || api.streaming || api.timeoutSeconds <= bufferedMaxSeconds) return [];
  const layers = apiLayers(input.document, environment, model);
  const timeout = written(layers, "timeout")!;
  const streaming = written(layers, "streaming");
  const blame = streaming && streaming.index > timeout.index ? streaming : timeout;
  return [
    problemAt(
      API_RULES["buffered-timeout"],
      input.source,
      blame.path,
      `a buffered response may take at most ${bufferedMaxSeconds / 60}m (API Gateway's integration timeout, with its quota raised), and timeout is ${String(timeout.value)}: stream the response (streaming: true, up to ${streamedMaxSeconds / 60}m), or shorten timeout`,
    ),
  ];
}
