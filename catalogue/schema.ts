/**
 * The models.yaml contract as a zod schema. Structure and single-field rules live here and are
 * exported as JSON Schema for editors; rules that relate fields to each other (traffic sums, image
 * sources, derived names) live in document-rules.ts, resolution-rules.ts and shard-rules.ts.
 * Every field's `describe()` is what editors show on hover and what the field tables of
 * docs/catalogue.md are generated from (`npm run docs`), so it is written for the data teams.
 */
import { z } from "zod";
import { IMAGE_REFERENCE, IMAGE_RULES, imageReferenceProblem } from "./image-reference";
import { DURATION, durationSeconds } from "./duration";
import { describeInput } from "./problem";
import { ALB_QUOTAS, API_GATEWAY_TIMEOUTS } from "./quotas";
import {
  CPU_QUANTITY,
  cpuMillicores,
  MEMORY_QUANTITY,
  memoryBytes,
  quantityText,
} from "./quantity";

export const API_VERSION = "maas/v1";

/** How a version at 0 % waits (`standby:`): its pods running, or nothing at all. */
export const STANDBY_MODES = ["warm", "cold"] as const;
export type StandbyMode = (typeof STANDBY_MODES)[number];

/** DNS-1035 label: the model name becomes a namespace, label value and name prefix. */
export const MODEL_NAME = /^[a-z](?:[-a-z0-9]*[a-z0-9])?$/;
/** Version keys become label values and, with dots made dashes, Kubernetes names. */
export const VERSION_KEY = /^[0-9a-z](?:[0-9a-z.-]*[0-9a-z])?$/;
export const ENVIRONMENT_NAME = /^[a-z](?:[-a-z0-9]*[a-z0-9])?$/;
/** A load balancer's name becomes part of its AWS name (32 characters with the stack's). */
export const LOAD_BALANCER_NAME = /^[a-z](?:[-a-z0-9]*[a-z0-9])?$/;
/** A consumer's name becomes an API Gateway stage name and part of IAM and secret names. */
export const CONSUMER_NAME = /^[a-z](?:[-a-z0-9]*[a-z0-9])?$/;
/** A stack shard's name (`shard:`), matched by a shard stack's maas:shard. */
export const SHARD_NAME = LOAD_BALANCER_NAME;
const LABEL_VALUE = /^[A-Za-z0-9](?:[-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const ENV_VAR_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const HTTP_PATH = /^\/[A-Za-z0-9._~!$&'()*+,;=:@%/-]*$/;
/** Set by the platform on every pod; a catalogue may not override them. */
export const RESERVED_ENV_VARS = [
  "MODEL_NAME",
  "MODEL_VERSION",
  "MODEL_URI",
  "MODEL_CACHE_DIR",
  "PORT",
  "LOAD_BALANCER_IDLE_SECONDS",
] as const;

/** An error map that says what is allowed, and what was found when something was. */
function allowed(text: string) {
  return (issue: { input?: unknown }) =>
    issue.input === undefined
      ? `is required: ${text}`
      : `${text}; got ${describeInput(issue.input)}`;
}

function integer(min: number, max: number, why = "") {
  const error = allowed(`must be an integer from ${min} to ${max}${why}`);
  return z.int({ error }).min(min, { error }).max(max, { error });
}

function pattern(regex: RegExp, text: string, maxLength = 63) {
  const error = allowed(text);
  return z.string({ error }).max(maxLength, { error }).regex(regex, { error });
}

/**
 * The most one pod can ask for: a pod runs on one node, and a request no node can hold never
 * schedules (the rollout then waits until its progress deadline). The bounds are the largest
 * general-purpose EC2 nodes EKS runs (192 vCPUs; 2 TiB of memory on the u7i/x2 families' smaller
 * sizes), and a node volume's practical size for the model cache.
 */
export const MAX_CPU_CORES = 192;
export const MAX_MEMORY = "2Ti";
export const MAX_MODEL_CACHE = "2Ti";

const cpuError = allowed("must be a CPU quantity: cores (1, 0.5) or millicores (500m)");
const cpu = z
  .union(
    [z.number().positive({ error: cpuError }), z.string().regex(CPU_QUANTITY, { error: cpuError })],
    { error: cpuError },
  )
  .refine(
    (value) =>
      !CPU_QUANTITY.test(quantityText(value)) ||
      cpuMillicores(quantityText(value)) <= MAX_CPU_CORES * 1000,
    { error: allowed(`must be at most ${MAX_CPU_CORES} cores, what the largest node holds`) },
  );

export const MIN_MEMORY = "32Mi";
const memoryError = allowed("must be a memory quantity such as 512Mi, 1Gi or 1.5Gi");
function memory(max: string, what: string) {
  const bytes = (value: string | number) => memoryBytes(quantityText(value));
  const valid = (value: string | number) => MEMORY_QUANTITY.test(quantityText(value));
  return z
    .union([z.number(), z.string().regex(MEMORY_QUANTITY, { error: memoryError })], {
      error: memoryError,
    })
    .refine((value) => !valid(value) || bytes(value) >= memoryBytes(MIN_MEMORY), {
      error: allowed(
        `must be at least ${MIN_MEMORY} (a bare number means bytes: did you forget Mi or Gi?)`,
      ),
    })
    .refine((value) => !valid(value) || bytes(value) <= memoryBytes(max), {
      error: allowed(`must be at most ${max}, ${what}`),
    });
}

const port = integer(1024, 65535, " (the server runs as non-root, so it cannot bind below 1024)");

const healthCheck = z.strictObject({
  path: pattern(
    HTTP_PATH,
    "must be an HTTP path starting with / (readiness and startup probe)",
    1024,
  )
    .optional()
    .describe(
      "Readiness and startup probe path; the load balancer health-checks the version's pods on it too.",
    ),
  livenessPath: pattern(HTTP_PATH, "must be an HTTP path starting with /", 1024)
    .optional()
    .describe(
      "Liveness probe path; without it liveness is a TCP check on the port, distinct from readiness.",
    ),
  startupSeconds: integer(10, 3600)
    .optional()
    .describe(
      "How long the server may take to load its model, in seconds, before liveness applies.",
    ),
});

const resources = z.strictObject({
  cpu: cpu
    .optional()
    .describe(
      `CPU request: cores (1, 0.5) or millicores (500m), at most ${MAX_CPU_CORES} cores (the largest node); no CPU limit, so pods are not throttled.`,
    ),
  memory: memory(MAX_MEMORY, "what the largest node holds")
    .optional()
    .describe(
      `Memory request and limit, such as 512Mi, 1Gi or 1.5Gi; from ${MIN_MEMORY} to ${MAX_MEMORY} (a bare number means bytes).`,
    ),
  modelCache: memory(MAX_MODEL_CACHE, "what a node's disk holds")
    .optional()
    .describe(
      `Size limit of the model cache volume at /var/cache/model, requested as ephemeral storage, so each node needs that much free disk per pod; from ${MIN_MEMORY} to ${MAX_MODEL_CACHE}.`,
    ),
});

const autoscaling = z.strictObject({
  minReplicas: integer(1, 100)
    .optional()
    .describe("Fewest pods of a version; a warm standby runs this many, a cold one none."),
  maxReplicas: integer(1, 1000)
    .optional()
    .describe("Most pods of a version; must be greater than minReplicas."),
  targetCPUUtilization: integer(10, 95)
    .optional()
    .describe("Average CPU utilisation (percent of request) the HPA aims for."),
});

const slo = z.strictObject({
  latencyP99Ms: integer(1, 60000)
    .optional()
    .describe("p99 latency objective in milliseconds; the latency alarm threshold."),
  errorRatePercent: z
    .number({ error: allowed("must be a percentage above 0 and at most 100") })
    .gt(0, { error: allowed("must be a percentage above 0 and at most 100") })
    .max(100, { error: allowed("must be a percentage above 0 and at most 100") })
    .optional()
    .describe("5xx error-rate objective in percent; the error-rate alarm threshold."),
});

const gpu = z.strictObject({
  count: integer(1, 8).describe(
    "nvidia.com/gpu per pod; adds the GPU toleration and the stack's GPU node selector (maas:gpuNodeSelector).",
  ),
});

const envName = pattern(
  ENV_VAR_NAME,
  "must be an environment variable name ([A-Za-z_][A-Za-z0-9_]*)",
  128,
).refine((name) => !(RESERVED_ENV_VARS as readonly string[]).includes(name), {
  error: `is set by the platform; reserved names are ${RESERVED_ENV_VARS.join(", ")}`,
});
/**
 * The longest `NAME=value` string Linux passes to a process (MAX_ARG_STRLEN, 32 pages of 4 KiB,
 * with its terminating NUL): past it the container's process does not start (E2BIG). Refused
 * first, also because a value of megabytes exhausted the manifest writer's stack (issue 19).
 */
export const MAX_ENV_ENTRY_BYTES = 131_072;
const env = z
  .record(envName, z.string({ error: allowed("must be a string (quote numbers and booleans)") }))
  .superRefine((variables, context) => {
    for (const [name, value] of Object.entries(variables)) {
      const bytes = Buffer.byteLength(`${name}=${value}`) + 1;
      if (bytes > MAX_ENV_ENTRY_BYTES)
        context.addIssue({
          code: "custom",
          path: [name],
          input: undefined,
          message: `is ${bytes.toLocaleString("en")} bytes as NAME=value, where Linux starts a process with at most ${MAX_ENV_ENTRY_BYTES.toLocaleString("en")} (MAX_ARG_STRLEN, 128 KiB, with its NUL); pass large data as a file (build it into the image, or let the server fetch it from MODEL_URI)`,
        });
    }
  });

/** The three ways to write a rollout's steps; a layer sets at most one, the highest layer's wins whole. */
export const ROLLOUT_SCHEDULE_KEYS = ["steps", "canary", "linear"] as const;

const percentOfModel = (what: string) =>
  integer(1, 99, ` (percent of the model's requests ${what})`);

/**
 * How a version reaches its catalogue share (docs/catalogue.md, "Rolling a version out"): the
 * steps of its share, how long each step bakes and what the bake judges. Copied in meaning from
 * SageMaker deployment guardrails (canary, linear, baking, rollback on a breach) and Argo
 * Rollouts (steps, abort to the stable weights); the engine is rollout/.
 */
const rollout = z
  .strictObject({
    mode: z
      .enum(["auto", "manual", "immediate"], {
        error: allowed("must be auto, manual or immediate"),
      })
      .optional()
      .describe(
        "auto (default): each step advances when its bake passes the gates; manual: each step waits for maas rollout promote (for models with too little traffic to judge; gates still abort on a hard failure); immediate: no steps, the share moves at once (as without a policy).",
      ),
    steps: z
      .array(percentOfModel("at this step"), {
        error: allowed("must be a list of percentages, ascending, such as [5, 25, 50]"),
      })
      .min(1, { error: allowed("must list at least one step") })
      .max(20, { error: allowed("must list at most 20 steps") })
      .refine((steps) => steps.every((step, index) => index === 0 || step > steps[index - 1]!), {
        error: allowed("must list ascending percentages, each above the one before"),
      })
      .optional()
      .describe(
        "The rising version's share at each step, ascending, such as [5, 25, 50]; steps at or above its catalogue share are skipped, and the catalogue share is always the last step.",
      ),
    canary: percentOfModel("at the first step")
      .optional()
      .describe(
        "Shorthand: one step at this share, then the catalogue share (SageMaker's canary traffic shifting).",
      ),
    // At most 20 steps, as `steps` lists: each step's checks are kept in the rollout's record,
    // a DynamoDB item of at most 400 KB.
    linear: integer(5, 50, " (points of the model's requests per step)")
      .optional()
      .describe(
        "Shorthand: steps of this many points (20: 20, 40, 60, 80), then the catalogue share (SageMaker's linear traffic shifting).",
      ),
    bakeMinutes: integer(1, 1440)
      .optional()
      .describe(
        "How long each step, and the catalogue share at the end, is judged before the next (default 10); at least one alarm window of the stack (maas:alarmPeriodSeconds x maas:alarmEvaluationPeriods).",
      ),
    maxBakeMinutes: integer(1, 1440)
      .optional()
      .describe(
        "How long a bake may be extended while the evidence is short (too few requests to judge), before the step is held as inconclusive (default 60).",
      ),
    warmupMinutes: integer(0, 60)
      .optional()
      .describe(
        "Minutes after each weight shift whose requests are not judged: connection set-up, caches (default 2).",
      ),
    timeoutMinutes: integer(10, 10080)
      .optional()
      .describe(
        "The whole rollout's limit (default 1440, a day): past it the rollout is held as inconclusive, at its weights, until promoted or aborted.",
      ),
    minRequests: integer(1, 100_000_000)
      .optional()
      .describe(
        "Requests the rising version must have served in a bake's window for a verdict; the floor is at least 3 / the error-rate SLO (300 at 1 %), and a p99 verdict needs 1,000.",
      ),
    latencyMarginPercent: integer(0, 1000)
      .optional()
      .describe(
        "How much worse than the baseline's p99 (percent) the rising version's p99 must be, besides above the SLO, to fail a check (default 10).",
      ),
    errorMarginPoints: z
      .number({ error: allowed("must be a number of percentage points from 0 to 100") })
      .min(0, { error: allowed("must be a number of percentage points from 0 to 100") })
      .max(100, { error: allowed("must be a number of percentage points from 0 to 100") })
      .optional()
      .describe(
        "How many percentage points above the baseline's error rate the rising version's must be, besides above the SLO, to fail a check (default 0.5).",
      ),
    preTraffic: z
      .strictObject({
        path: pattern(HTTP_PATH, "must be an HTTP path starting with /", 1024).describe(
          "The path (under the model's own) the check calls on the version, through the pinned route, before it takes any traffic.",
        ),
        requests: integer(1, 100)
          .optional()
          .describe("How many requests the check sends; every one must answer 2xx (default 5)."),
      })
      .optional()
      .describe(
        "A check of the new version through its pinned route before its first step (needs maas:pinnedRouteCidrs: the runner must reach the pinned listener).",
      ),
  })
  .superRefine((policy, context) => {
    const named = ROLLOUT_SCHEDULE_KEYS.filter((key) => policy[key] !== undefined);
    if (named.length > 1)
      context.addIssue({
        code: "custom",
        message: `sets ${named.join(" and ")}; give one way to write the steps: steps, canary or linear`,
        input: policy,
      });
  });

/** Keys that every layer (defaults, model, version, overlays) may set. */
const settingsShape = {
  port: port
    .optional()
    .describe(
      "Container port the server listens on; not below 1024, as the server runs as non-root.",
    ),
  healthCheck: healthCheck.optional().describe("The server's probes."),
  resources: resources.optional().describe("What each pod of a version requests."),
  autoscaling: autoscaling
    .optional()
    .describe("The version's HorizontalPodAutoscaler: between minReplicas and maxReplicas pods."),
  slo: slo.optional().describe("Service level objectives: the thresholds of the version's alarms."),
  gpu: gpu.optional().describe("GPUs per pod; without it the pods run on any node."),
  env: env
    .optional()
    .describe(
      `Extra environment variables for the server (values are strings: quote numbers and booleans); ${RESERVED_ENV_VARS.join(", ")} are set by the platform and reserved.`,
    ),
  rollout: rollout
    .optional()
    .describe(
      "How a version reaches its share (steps, bakes judged on its metrics, automatic abort): the rising version's policy applies. Without one, a share moves at once.",
    ),
  standby: z
    .enum(STANDBY_MODES, { error: allowed("must be warm or cold") })
    .optional()
    .describe(
      "How a version at traffic: 0 waits: warm (default) keeps its minimum of pods running, ready at once; cold runs nothing (no pods, autoscaler, target group or alarms) and costs nothing, and is woken (its pods ready, up to healthCheck.startupSeconds) before any traffic moves to it. Set on a version, it is refused while the version has traffic.",
    ),
};
const Settings = z.strictObject(settingsShape);

/** The keys every layer may set (defaults, model, version, overlays), merged key by key. */
export const SETTINGS_KEYS = Object.keys(settingsShape) as (keyof typeof settingsShape)[];

const build = z.strictObject({
  context: z
    .string({ error: allowed("must be a directory path relative to the catalogue file") })
    .min(1, { error: allowed("must be a directory path relative to the catalogue file") })
    .describe(
      "The directory to build, relative to the catalogue file; it and its Dockerfile must resolve inside the project directory.",
    ),
  dockerfile: z
    .string({ error: allowed("must be a file path relative to the context") })
    .optional()
    .describe("The Dockerfile, relative to the context."),
  args: z
    .record(
      z.string(),
      z.string({ error: allowed('must be a string (quote numbers: "3.10" is not 3.1)') }),
    )
    .optional()
    .describe('Build arguments; values are strings (quote numbers: "3.10" is not 3.1).'),
  target: z
    .string({ error: allowed("must be a build stage name") })
    .optional()
    .describe("The build stage to build."),
});

const image = z
  .string({ error: allowed("must be an image reference pinned by digest or tag") })
  .regex(IMAGE_REFERENCE, {
    error: allowed("must be an image reference such as registry/repo@sha256:<64 hex>"),
  })
  .superRefine((reference, context) => {
    // The regex above already reported a malformed reference; here only pinning is judged.
    const problem = IMAGE_REFERENCE.test(reference) ? imageReferenceProblem(reference) : undefined;
    if (problem)
      context.addIssue({
        code: "custom",
        message: problem,
        input: reference,
        // Its own rule, not the schema's: schema-problems.ts reads the id from here.
        params: { rule: IMAGE_RULES["image-pinned"].id },
      });
  });

/** The image source: exactly one of the two per layer; the highest layer that sets one wins whole. */
const imageSourceShape = {
  build: build.optional().describe("Build this context and push it to the model's ECR repository."),
  image: image
    .optional()
    .describe(
      "A prebuilt image, pinned: registry/repository@sha256:<64 hex> or registry/repository:<tag>; latest and untagged references are refused.",
    ),
};

const traffic = integer(0, 100).describe(
  "Percent of the model's requests; 0 keeps the version as a standby (warm unless standby: cold).",
);
const versionShape = {
  ...settingsShape,
  ...imageSourceShape,
  traffic: traffic.optional(),
  retired: z
    .boolean({ error: allowed("must be true or false") })
    .optional()
    .describe("No workload; the registry keeps the version's record."),
};
const Version = z.strictObject(versionShape);

const versionKey = pattern(
  VERSION_KEY,
  "must be a version of lowercase letters, digits, dots and dashes, starting and ending with a letter or digit, at most 63 characters",
);
const modelName = pattern(
  MODEL_NAME,
  "must be a DNS-1035 label: lowercase letters, digits and dashes, starting with a letter, at most 63 characters",
);

/** Who may call a model: consumer names under `consumers:`, or every consumer the catalogue declares. */
export const ALL_CONSUMERS = "all-consumers";
const access = z
  .union(
    [
      z.literal(ALL_CONSUMERS),
      z.array(pattern(CONSUMER_NAME, "must be a consumer name declared under consumers:", 32), {
        error: allowed(`must be a list of consumer names or ${ALL_CONSUMERS}`),
      }),
    ],
    { error: allowed(`must be a list of consumer names or ${ALL_CONSUMERS}`) },
  )
  .describe(
    `The consumers (under consumers:) allowed to call the model through the API, or ${ALL_CONSUMERS}. A model that lists none is not callable.`,
  );

const timeoutError = allowed("must be a duration in whole seconds or minutes, such as 90s or 5m");
const { bufferedMaxSeconds, defaultSeconds, streamedMaxSeconds } = API_GATEWAY_TIMEOUTS;

/**
 * How the model's requests are served (docs/catalogue.md, "Streaming and long requests"): per
 * model, as one integration of the front door and one load balancer serve all its versions.
 * That a buffered timeout fits the buffered limit needs the merged `api:` (catalogue/model-api.ts).
 */
const api = z
  .strictObject({
    streaming: z
      .boolean({ error: allowed("must be true or false") })
      .optional()
      .describe(
        "Stream the response as the server writes it (API Gateway's STREAM transfer mode) instead of buffering it whole; without a front door the load balancer streams it anyway.",
      ),
    timeout: z
      .string({ error: timeoutError })
      .regex(DURATION, { error: timeoutError })
      .refine((text) => !DURATION.test(text) || durationSeconds(text) <= streamedMaxSeconds, {
        error: allowed(
          `must be at most ${streamedMaxSeconds / 60}m: API Gateway streams a response for ${streamedMaxSeconds / 60} minutes at most`,
        ),
      })
      .optional()
      .describe(
        `The longest request, such as 90s or 5m, which idle timeouts and pod shutdown outlast: at most ${streamedMaxSeconds / 60}m streamed, ${bufferedMaxSeconds / 60}m buffered (above ${defaultSeconds}s, the stack's maas:apiTimeoutQuotaSeconds).`,
      ),
  })
  .describe(
    "How the model's requests are served: streamed responses and requests longer than 29 seconds.",
  );

const Model = z.strictObject({
  owner: pattern(
    LABEL_VALUE,
    "must be a team name usable as a Kubernetes label value (letters, digits, - _ ., at most 63)",
  ).describe(
    "The team that owns the model: a Kubernetes label value, also a tag and the alarm routing. An overlay cannot change it.",
  ),
  description: z
    .string({ error: allowed("must be a string") })
    .optional()
    .describe("What the model does, for people."),
  shard: pattern(
    SHARD_NAME,
    "must be a shard name: 1-32 lowercase letters, digits and dashes, starting with a letter",
    32,
  )
    .optional()
    .describe(
      "The shard stack that deploys the model when the catalogue is split over stacks (default main); a single stack deploys every model whatever its shard.",
    ),
  routing: z
    .strictObject({
      priority: integer(1, 50000)
        .optional()
        .describe(
          "Listener rule priority on the model's load balancer; by default derived from the model name, stable as models come and go. Set it only if validation reports two models on the same priority there.",
        ),
      loadBalancer: pattern(
        LOAD_BALANCER_NAME,
        "must be a load balancer name: 1-16 lowercase letters, digits and dashes, starting with a letter",
        16,
      )
        .optional()
        .describe(
          `The load balancer the model is served through (default main). Each name is one Application Load Balancer; a full one (${ALB_QUOTAS.rulesPerLoadBalancer} rules, ${ALB_QUOTAS.targetGroupsPerLoadBalancer} target groups) needs its models spread.`,
        ),
    })
    .optional()
    .describe("Where the model is served."),
  access: access.optional(),
  api: api.optional(),
  ...settingsShape,
  ...imageSourceShape,
  versions: z
    .record(versionKey, Version, { error: allowed("must be a map of version -> spec") })
    .describe(
      `The model's versions by version key (quoted: "1.10", not 1.10): at least one, at most ${ALB_QUOTAS.targetGroupsPerAction} live or standby.`,
    ),
});

const ModelOverlay = z.strictObject({
  access: access.optional(),
  api: api.optional(),
  ...settingsShape,
  ...imageSourceShape,
  versions: z
    .record(versionKey, Version, { error: allowed("must be a map of version -> spec") })
    .optional()
    .describe("Overlays of versions the base catalogue defines, by version key."),
});

const Environment = z.strictObject({
  defaults: Settings.optional().describe(
    "Settings for every version in this environment, above the model's and version's own.",
  ),
  models: z
    .record(modelName, ModelOverlay, { error: allowed("must be a map of model name -> overlay") })
    .optional()
    .describe(
      "Overlays of models the base catalogue defines: settings, image source and versions, not owner.",
    ),
});

/**
 * An IAM role or user ARN, or a 12-digit account ID: who signs calls (SigV4) or reads a key. The
 * ARN's partition is one of AWS's, its path `/` or `/<segments>/` (printable ASCII, IAM's
 * CreateRole), its name at most 64 of `\w+=,.@-` (IAM's RoleName and UserName).
 */
export const AWS_PRINCIPAL =
  /^(?:[0-9]{12}|arn:aws(?:-cn|-us-gov|-iso|-iso-[bef]|-eusc)?:iam::[0-9]{12}:(?:role|user)\/(?:[!-.0-~]+\/){0,40}[\w+=,.@-]{1,64})$/;

/**
 * API Gateway's account-level throttle per region (10,000 requests per second, burst 5,000:
 * API Gateway quotas, "Throttle quota per account, per Region across HTTP APIs, REST APIs,
 * WebSocket APIs"): no usage plan can grant more than the account has.
 */
export const MAX_REQUESTS_PER_SECOND = 10_000;
export const MAX_BURST = 5_000;

/**
 * How a consumer proves who it is, one REST API of the front door each: sigv4 (its AWS
 * principals sign), oauth (a Cognito access token from its own app client, client credentials
 * grant) or apiKey (the key alone, which AWS advises against: API Gateway guide, "Usage plans and
 * API keys for REST APIs", best practices). Every kind sends its API key too (usage plans meter
 * and limit by key).
 */
export const CONSUMER_AUTHS = ["sigv4", "oauth", "apiKey"] as const;
export type ConsumerAuth = (typeof CONSUMER_AUTHS)[number];

const Consumer = z.strictObject({
  description: z
    .string({ error: allowed("must be a string") })
    .optional()
    .describe("What the consumer is, for reviewers."),
  auth: z
    .enum(CONSUMER_AUTHS, { error: allowed("must be sigv4, oauth or apiKey") })
    .optional()
    .describe(
      "How the consumer calls: sigv4 (requests signed with its AWS principals' credentials, default), oauth (a bearer token from its own OAuth app client, client credentials grant, carrying only its models' scopes: for callers outside AWS) or apiKey (the x-api-key header alone, which AWS advises against). Its principals may read its API key and client secret.",
    ),
  principals: z
    .array(
      pattern(
        AWS_PRINCIPAL,
        'must be an IAM role or user ARN (arn:aws:iam::<account>:role/<name>, or role/<path>/<name>: a name of at most 64 letters, digits and +=,.@_-) or a 12-digit account ID, quoted ("111122223333")',
        600,
      ),
      { error: allowed("must be a list of IAM role or user ARNs and account IDs") },
    )
    .min(1, { error: allowed("must name at least one IAM principal or account") })
    .describe(
      "IAM roles or users (ARNs) or account IDs: who signs the consumer's calls (sigv4), and who may read its API key (and, with oauth, its client secret) from Secrets Manager.",
    ),
  apiKeys: z
    .array(
      pattern(
        /^[a-z0-9](?:[-a-z0-9]{0,14}[a-z0-9])?$/,
        'must be a key label: 1-16 lowercase letters, digits and dashes (quote numbers: "2")',
        16,
      ),
      { error: allowed("must be a list of one or two key labels") },
    )
    .min(1, { error: allowed("must name one or two keys") })
    .max(2, { error: allowed("must name one or two keys (the current one and the next)") })
    .refine((labels) => new Set(labels).size === labels.length, {
      error: "names a key twice; each label is one key",
    })
    .optional()
    .describe(
      'Labels of the consumer\'s API keys, oldest first (default ["1"]). To rotate, add a second label: both keys work and the secret holds the new one; remove the old label once callers use the new key.',
    ),
  rateLimit: z
    .strictObject({
      requestsPerSecond: integer(
        1,
        MAX_REQUESTS_PER_SECOND,
        " (API Gateway's account limit)",
      ).describe("Steady requests per second (the usage plan's rate limit)."),
      burst: integer(1, MAX_BURST, " (API Gateway's account burst)").describe(
        "Requests allowed at once above the steady rate (the usage plan's burst limit).",
      ),
    })
    .describe("Steady requests per second and burst over all the consumer's models (429 above)."),
  quota: z
    .strictObject({
      requests: integer(1, 2_000_000_000).describe("Requests allowed per period."),
      per: z
        .enum(["day", "week", "month"], { error: allowed("must be day, week or month") })
        .describe("The period the quota resets after (UTC)."),
    })
    .optional()
    .describe("Requests allowed per day, week or month (429 once spent); none by default."),
});

export const CatalogueSchema = z
  .strictObject({
    apiVersion: z
      .literal(API_VERSION, { error: allowed(`must be ${API_VERSION}`) })
      .describe("The catalogue format's version."),
    consumers: z
      .record(
        pattern(
          CONSUMER_NAME,
          "must be a consumer name: 1-32 lowercase letters, digits and dashes, starting with a letter",
          32,
        ),
        Consumer,
        { error: allowed("must be a map of consumer name -> consumer") },
      )
      .optional()
      .describe(
        "The callers of the model API. When set, every model is served through an authenticating, rate-limiting front door (API Gateway) and only to the consumers its access: lists.",
      ),
    defaults: Settings.optional().describe(
      "Applies to every version; a model or a version overrides any key.",
    ),
    models: z
      .record(modelName, Model, { error: allowed("must be a map of model name -> model") })
      .describe(
        "The models by name: a DNS-1035 label (lowercase letters, digits and dashes, starting with a letter), at most 63 characters; it becomes the namespace, a label value and the prefix of its resources' names.",
      ),
    environments: z
      .record(
        pattern(
          ENVIRONMENT_NAME,
          "must be an environment name: lowercase letters, digits and dashes, starting with a letter",
        ),
        Environment,
        { error: allowed("must be a map of environment name -> overlay") },
      )
      .optional()
      .describe("Overlays merged on top for the stack whose maas:environment matches."),
  })
  .describe("maas model catalogue (models.yaml)");

export type CatalogueDocument = z.infer<typeof CatalogueSchema>;

const EXPECTED_WORDS: Record<string, string> = {
  object: "a map",
  record: "a map",
  array: "a list",
  string: "text",
  number: "a number",
  int: "an integer",
  boolean: "true or false",
};

/**
 * Messages for the issues the schema above leaves to zod (mostly "a map was expected"),
 * in the same "what is allowed; got what" form as the rest.
 */
export function fallbackMessage(issue: z.core.$ZodRawIssue): string | undefined {
  if (issue.code !== "invalid_type") return undefined;
  const expected = EXPECTED_WORDS[issue.expected] ?? issue.expected;
  return allowed(`must be ${expected}`)(issue);
}
