/**
 * A buffered request longer than 29 s through the front door needs the account's API Gateway
 * quota raised (API Gateway developer guide, "Quotas for configuring and running a REST API in
 * API Gateway", row "Integration timeout for Regional APIs": 50 ms to 29 s, raised by request);
 * without it, `pulumi up` fails at the integration after other changes have applied. The stack
 * says how far its account's quota goes (maas:apiTimeoutQuotaSeconds), and a model that
 * asks for more is refused before any resource, at its line in the catalogue. Streamed responses
 * need no quota ("Stream the integration response for your proxy integrations in API Gateway").
 */
import { formatProblem } from "../catalogue";
import type { CheckResult, ResolvedCatalogue } from "../catalogue";
import { apiTimeoutPath } from "../catalogue/model-api";
import { API_GATEWAY_TIMEOUTS } from "../catalogue/quotas";
import { defineRules } from "../catalogue/rule";
import { problemAt } from "../catalogue/source";
import { frontDoorModels } from "./layout";
import type { StackSettings } from "./settings";

const KEY = "maas:apiTimeoutQuotaSeconds";

/** The rule below: `stack-config/<slug>` in docs/rules.md and in its problems. */
export const INTEGRATION_QUOTA_RULES = defineRules("stack-config", {
  "api-timeout-quota": {
    description: `A model's buffered request through the front door takes no longer than the stack's account allows (\`${KEY}\`, 29 s unless AWS raised it).`,
    why: "Past the account's integration timeout quota, `pulumi up` fails at the model's integration after other changes have applied; the catalogue line that asks for more is the one to point at.",
    fix: `Stream the response (\`streaming: true\`, no quota), or have AWS raise the region's integration timeout quota (it may lower the account's throttle quota) and set \`${KEY}\` to it.`,
  },
});

export function integrationQuotaProblems(
  checked: Extract<CheckResult, { ok: true }>,
  catalogue: ResolvedCatalogue,
  settings: StackSettings,
  where: (key: string) => string,
): string[] {
  // The front door is a single or base stack's (stack/deploy-shared.ts): a shard creates no integration.
  if (!catalogue.consumers || settings.layout.kind === "shard") return [];
  const quota = settings.apiGateway.integrationTimeoutQuotaSeconds;
  return frontDoorModels(catalogue).flatMap((model) => {
    const api = model.api;
    if (!api || api.streaming || api.timeoutSeconds <= quota) return [];
    const path = apiTimeoutPath(checked.document, settings.environment, model.name);
    return [
      formatProblem(
        problemAt(
          INTEGRATION_QUOTA_RULES["api-timeout-quota"],
          checked.source,
          path,
          `a buffered request of ${api.timeoutSeconds} s through the front door is more than stack ${settings.stack}'s API Gateway quota allows (${KEY}: ${quota} s, ${where(KEY)}): stream the response (streaming: true, up to ${API_GATEWAY_TIMEOUTS.streamedMaxSeconds / 60}m, no quota), or have AWS raise the region's integration timeout quota (it may lower the account's throttle quota) and set ${KEY} to it`,
        ),
      ),
    ];
  });
}
