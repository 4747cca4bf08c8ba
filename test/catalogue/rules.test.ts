/**
 * One fixture per catalogue rule, ok and fail (kube-score / checkov style): a compliant
 * baseline, one mutation per rule; each problem's line, column (the token it points at),
 * path and message asserted exactly.
 */
import { describe, expect, it } from "vitest";
import { BASELINE, mutate, problemsOf, yaml } from "../helpers/catalogue";

/** `line:col` of `token` on `line` of `text` (its first occurrence), 1-based like the problems. */
function at(text: string, line: number, token: string): string {
  const col = (text.split("\n")[line - 1] ?? "").indexOf(token);
  if (col < 0) throw new Error(`fixture line ${line} has no ${token}`);
  return `${line}:${col + 1}`;
}

type Expected = [line: number, token: string, pathAndMessage: string];
interface Case {
  name: string;
  text: string;
  environment?: string;
  expected: Expected[];
}

const SHA = "a".repeat(64);
const renamed = (name: string) =>
  mutate(3, `  ${name}:`).replace("      scorer: {", `      ${name}: {`);

const cases: Case[] = [
  {
    name: "api-version-fail",
    text: mutate(1, "apiVersion: maas/v2"),
    expected: [[1, "maas/v2", 'apiVersion: must be maas/v1; got "maas/v2" [catalogue/schema]']],
  },
  {
    name: "api-version-missing-fail",
    text: mutate(1, "# apiVersion forgotten"),
    expected: [[2, "models:", "apiVersion: is required: must be maas/v1 [catalogue/schema]"]],
  },
  {
    name: "unknown-key-suggests-fail",
    text: mutate(4, ["    owner: team-a", "    autoscaling: { minReplica: 2 }"]),
    expected: [
      [
        5,
        "minReplica",
        'models.scorer.autoscaling.minReplica: unknown key "minReplica"; did you mean "minReplicas"? [catalogue/known-keys]',
      ],
    ],
  },
  {
    name: "unknown-key-lists-allowed-fail",
    text: mutate(4, ["    owner: team-a", "    colour: blue"]),
    expected: [
      [
        5,
        "colour",
        'models.scorer.colour: unknown key "colour"; allowed: access, api, autoscaling, build, description, env, gpu, healthCheck, image, owner, port, resources, rollout, routing, shard, slo, standby, versions [catalogue/known-keys]',
      ],
    ],
  },
  {
    name: "unknown-top-level-key-fail",
    text: yaml(BASELINE.trimEnd(), "model: {}"),
    expected: [
      [15, "model", 'model: unknown key "model"; did you mean "models"? [catalogue/known-keys]'],
    ],
  },
  {
    name: "owner-required-fail",
    text: mutate(4, "    description: no owner"),
    expected: [
      [
        3,
        "scorer",
        "models.scorer.owner: is required: must be a team name usable as a Kubernetes label value (letters, digits, - _ ., at most 63) [catalogue/schema]",
      ],
    ],
  },
  {
    name: "owner-label-value-fail",
    text: mutate(4, "    owner: team a"),
    expected: [
      [
        4,
        "team a",
        'models.scorer.owner: must be a team name usable as a Kubernetes label value (letters, digits, - _ ., at most 63); got "team a" [catalogue/schema]',
      ],
    ],
  },
  {
    name: "model-name-dns1035-fail",
    text: renamed("Scorer_1"),
    expected: [
      [
        3,
        "Scorer_1",
        'models.Scorer_1: must be a DNS-1035 label: lowercase letters, digits and dashes, starting with a letter, at most 63 characters; got "Scorer_1" [catalogue/schema]',
      ],
      [
        14,
        "Scorer_1",
        'environments.dev.models.Scorer_1: must be a DNS-1035 label: lowercase letters, digits and dashes, starting with a letter, at most 63 characters; got "Scorer_1" [catalogue/schema]',
      ],
    ],
  },
  {
    name: "model-name-length-ok",
    text: renamed(`m${"x".repeat(62)}`),
    expected: [],
  },
  {
    name: "model-name-length-fail",
    text: renamed(`m${"x".repeat(63)}`),
    expected: [
      [
        3,
        "mxxx",
        `models.m${"x".repeat(63)}: must be a DNS-1035 label: lowercase letters, digits and dashes, starting with a letter, at most 63 characters; got "m${"x".repeat(56)}..." [catalogue/schema]`,
      ],
      [
        14,
        "mxxx",
        `environments.dev.models.m${"x".repeat(63)}: must be a DNS-1035 label: lowercase letters, digits and dashes, starting with a letter, at most 63 characters; got "m${"x".repeat(56)}..." [catalogue/schema]`,
      ],
    ],
  },
  {
    name: "model-name-reserved-fail",
    text: renamed("kube-scorer"),
    expected: [
      [
        3,
        "kube-scorer",
        "models.kube-scorer: is a Kubernetes system namespace name; choose another model name [catalogue/model-name]",
      ],
    ],
  },
  {
    name: "version-key-syntax-fail",
    text: mutate(8, '      "1.1.0-": { traffic: 10 }').replace(
      '"1.1.0": { traffic: 50 }',
      '"1.1.0-": { traffic: 50 }',
    ),
    expected: [
      [
        8,
        '"1.1.0-"',
        'models.scorer.versions.1.1.0-: must be a version of lowercase letters, digits, dots and dashes, starting and ending with a letter or digit, at most 63 characters; got "1.1.0-" [catalogue/schema]',
      ],
      [
        14,
        '"1.1.0-"',
        'environments.dev.models.scorer.versions.1.1.0-: must be a version of lowercase letters, digits, dots and dashes, starting and ending with a letter or digit, at most 63 characters; got "1.1.0-" [catalogue/schema]',
      ],
    ],
  },
  {
    name: "version-key-number-fail",
    text: mutate(9, "      0.90: { traffic: 0 }"),
    expected: [
      [
        9,
        "0.90",
        'models.scorer.versions.0.90: the key 0.90 reads as 0.9, not text; quote it ("0.90") [catalogue/text-keys]',
      ],
    ],
  },
  {
    name: "version-derived-name-collision-fail",
    text: mutate(9, '      "0-9-0": { traffic: 0 }').replace(
      '"0.8.0": { retired: true }',
      '"0.9.0": { retired: true }',
    ),
    expected: [
      [
        10,
        '"0.9.0"',
        "models.scorer.versions.0.9.0: becomes the Kubernetes name scorer-v0-9-0, as version 0-9-0 does; rename one of them [catalogue/unique-workload-names]",
      ],
    ],
  },
  {
    name: "traffic-range-fail",
    text: mutate(7, '      "1.0.0": { traffic: 190 }'),
    expected: [
      [
        7,
        "190",
        "models.scorer.versions.1.0.0.traffic: must be an integer from 0 to 100; got 190 [catalogue/schema]",
      ],
    ],
  },
  {
    name: "traffic-sum-fail",
    text: mutate(7, '      "1.0.0": { traffic: 80 }'),
    expected: [
      [
        6,
        "versions",
        "models.scorer.versions: traffic of the live and standby versions sums to 90 (1.0.0: 80, 1.1.0: 10, 0.9.0: 0); it must be exactly 100 [catalogue/weights-sum]",
      ],
    ],
  },
  {
    name: "traffic-sum-overlay-fail",
    text: mutate(
      14,
      '      scorer: { versions: { "1.0.0": { traffic: 50 }, "1.1.0": { traffic: 60 } } }',
    ),
    expected: [
      [
        14,
        "versions",
        "environments.dev.models.scorer.versions: in environment dev: traffic of the live and standby versions sums to 110 (1.0.0: 50 from environments.dev, 1.1.0: 60 from environments.dev, 0.9.0: 0 from the base catalogue); it must be exactly 100 [catalogue/weights-sum]",
      ],
    ],
  },
  {
    name: "traffic-sum-overlay-fixes-base-ok",
    text: mutate(
      14,
      '      scorer: { versions: { "1.0.0": { traffic: 100 }, "1.1.0": { traffic: 0 } } }',
    ),
    expected: [],
  },
  {
    name: "traffic-sum-base-fail-reported-once",
    text: mutate(7, '      "1.0.0": { traffic: 80 }').replace(
      "\n      scorer: {",
      "\n      other: {",
    ),
    expected: [
      [
        6,
        "versions",
        "models.scorer.versions: traffic of the live and standby versions sums to 90 (1.0.0: 80, 1.1.0: 10, 0.9.0: 0); it must be exactly 100 [catalogue/weights-sum]",
      ],
      [
        14,
        "other",
        'environments.dev.models.other: unknown model "other"; allowed: scorer (an overlay can only change models defined under models:) [catalogue/overlay-targets]',
      ],
    ],
  },
  {
    name: "retired-with-traffic-fail",
    text: mutate(10, '      "0.8.0": { retired: true, traffic: 0 }'),
    expected: [
      [
        10,
        "0 }",
        "models.scorer.versions.0.8.0.traffic: version 0.8.0 is retired and has traffic 0; a retired version takes no traffic (drop traffic to retire it, or drop retired: true to serve it) [catalogue/version-status]",
      ],
    ],
  },
  {
    // The overlay's retired: true outranks the base's traffic: the fix a base-traffic conflict
    // once asked for ("drop traffic") cannot be written in an overlay.
    name: "retired-by-overlay-with-base-traffic-ok",
    text: mutate(
      14,
      '      scorer: { versions: { "1.0.0": { traffic: 100 }, "1.1.0": { retired: true } } }',
    ),
    expected: [],
  },
  {
    name: "retired-with-traffic-in-one-overlay-layer-fail",
    text: mutate(
      14,
      '      scorer: { versions: { "1.0.0": { traffic: 100 }, "1.1.0": { retired: true, traffic: 0 } } }',
    ),
    expected: [
      [
        14,
        "0 } } }",
        "environments.dev.models.scorer.versions.1.1.0.traffic: in environment dev: version 1.1.0 is retired and has traffic 0; a retired version takes no traffic (drop traffic to retire it, or drop retired: true to serve it) [catalogue/version-status]",
      ],
    ],
  },
  {
    name: "model-retired-whole-ok",
    text: mutate(7, '      "1.0.0": { retired: true }')
      .replace('"1.1.0": { traffic: 10 }', '"1.1.0": { retired: true }')
      .replace('"0.9.0": { traffic: 0 }', '"0.9.0": { retired: true }')
      .replace(/\n {6}scorer: \{ versions: .*\n/, "\n      scorer: {}\n"),
    expected: [],
  },
  {
    name: "empty-catalogue-fail",
    text: yaml("apiVersion: maas/v1", "models: {}"),
    expected: [
      [
        2,
        "models",
        "models: is empty; a catalogue needs at least one model (to take a model out of service retire its versions; to remove a whole stack use pulumi destroy) [catalogue/not-empty]",
      ],
    ],
  },
  {
    name: "version-derived-name-collision-across-models-fail",
    text: mutate(10, [
      '      "b-vc": { retired: true }',
      "  scorer-vb:",
      "    owner: team-b",
      "    image: registry.example.com/x@sha256:" + "a".repeat(64),
      '    versions: { "c": { traffic: 100 } }',
    ]),
    expected: [
      [
        14,
        '"c"',
        "models.scorer-vb.versions.c: becomes the Kubernetes name scorer-vb-vc, as models.scorer version b-vc does; rename one of them [catalogue/unique-workload-names]",
      ],
    ],
  },
  {
    name: "unretired-by-overlay-ok",
    text: mutate(
      14,
      '      scorer: { versions: { "1.0.0": { traffic: 50 }, "1.1.0": { traffic: 40 }, "0.8.0": { retired: false, traffic: 10 } } }',
    ),
    expected: [],
  },
  {
    name: "neither-traffic-nor-retired-fail",
    text: mutate(9, '      "0.9.0": {}'),
    expected: [
      [
        9,
        '"0.9.0"',
        "models.scorer.versions.0.9.0: sets neither traffic nor retired: give traffic (0-100; 0 keeps a warm standby) or retired: true [catalogue/version-status]",
      ],
    ],
  },
  {
    name: "image-source-both-fail",
    text: mutate(5, [
      "    build: { context: ./server }",
      "    image: registry.example.com/scorer:1.0.0",
    ]),
    expected: [
      [
        6,
        "image",
        "models.scorer.image: is set together with build; give exactly one image source (build or image) [catalogue/one-image-source]",
      ],
    ],
  },
  {
    name: "image-source-missing-fail",
    text: mutate(5, "    description: no image source"),
    expected: [
      [
        7,
        '"1.0.0"',
        "models.scorer.versions.1.0.0: has no image source: set build or image on the model or on the version [catalogue/one-image-source]",
      ],
      [
        8,
        '"1.1.0"',
        "models.scorer.versions.1.1.0: has no image source: set build or image on the model or on the version [catalogue/one-image-source]",
      ],
      [
        9,
        '"0.9.0"',
        "models.scorer.versions.0.9.0: has no image source: set build or image on the model or on the version [catalogue/one-image-source]",
      ],
    ],
  },
  {
    name: "image-source-version-override-ok",
    text: mutate(
      9,
      `      "0.9.0": { traffic: 0, image: "registry.example.com/scorer@sha256:${SHA}" }`,
    ),
    expected: [],
  },
  {
    name: "image-tag-pinned-ok",
    text: mutate(5, "    image: registry.example.com:5000/team/scorer:1.0.0"),
    expected: [],
  },
  {
    name: "image-latest-fail",
    text: mutate(5, "    image: registry.example.com/scorer:latest"),
    expected: [
      [
        5,
        "registry",
        "models.scorer.image: uses the tag latest, which moves under a running Deployment; pin a digest (@sha256:…) or an explicit version tag [catalogue/image-pinned]",
      ],
    ],
  },
  {
    name: "image-untagged-fail",
    text: mutate(5, "    image: registry.example.com/scorer"),
    expected: [
      [
        5,
        "registry",
        "models.scorer.image: has neither tag nor digest (Docker would pull latest); pin a digest (@sha256:…) or an explicit version tag [catalogue/image-pinned]",
      ],
    ],
  },
  {
    name: "image-malformed-fail",
    text: mutate(5, "    image: Registry/UPPER CASE"),
    expected: [
      [
        5,
        "Registry",
        'models.scorer.image: must be an image reference such as registry/repo@sha256:<64 hex>; got "Registry/UPPER CASE" [catalogue/schema]',
      ],
    ],
  },
  {
    name: "build-context-missing-fail",
    text: mutate(5, "    build: { context: ./no-such-dir }"),
    expected: [
      [
        5,
        "./no-such-dir",
        "models.scorer.build.context: directory ./no-such-dir does not exist (build contexts are relative to the catalogue file's directory) [catalogue/build-context]",
      ],
    ],
  },
  {
    name: "build-dockerfile-missing-fail",
    text: mutate(5, "    build: { context: ./server, dockerfile: Containerfile }"),
    expected: [
      [
        5,
        "Containerfile",
        "models.scorer.build.dockerfile: the build context has no Containerfile (the dockerfile is relative to the context) [catalogue/build-context]",
      ],
    ],
  },
  {
    name: "build-arg-number-fail",
    text: mutate(5, "    build: { context: ./server, args: { PYTHON: 3.10 } }"),
    expected: [
      [
        5,
        "3.10",
        'models.scorer.build.args.PYTHON: must be a string (quote numbers: "3.10" is not 3.1); got 3.1 [catalogue/schema]',
      ],
    ],
  },
  {
    name: "overlay-unknown-model-fail",
    text: mutate(14, '      scorr: { versions: { "1.0.0": { traffic: 100 } } }'),
    expected: [
      [
        14,
        "scorr",
        'environments.dev.models.scorr: unknown model "scorr"; did you mean "scorer"? (an overlay can only change models defined under models:) [catalogue/overlay-targets]',
      ],
    ],
  },
  {
    name: "overlay-unknown-version-fail",
    text: mutate(
      14,
      '      scorer: { versions: { "1.0.0": { traffic: 50 }, "1.2.0": { traffic: 50 } } }',
    ),
    expected: [
      [
        14,
        '"1.2.0"',
        'environments.dev.models.scorer.versions.1.2.0: unknown version "1.2.0"; did you mean "1.0.0"? (an overlay can only change versions of models.scorer) [catalogue/overlay-targets]',
      ],
    ],
  },
  {
    name: "overlay-owner-not-allowed-fail",
    text: mutate(14, "      scorer: { owner: team-b }"),
    expected: [
      [
        14,
        "owner",
        'environments.dev.models.scorer.owner: unknown key "owner"; allowed: access, api, autoscaling, build, env, gpu, healthCheck, image, port, resources, rollout, slo, standby, versions [catalogue/known-keys]',
      ],
    ],
  },
  {
    name: "environment-selected-ok",
    text: BASELINE,
    environment: "dev",
    expected: [],
  },
  {
    name: "environment-selected-unknown-fail",
    text: BASELINE,
    environment: "prd",
    expected: [
      [
        11,
        "environments",
        'environments: unknown environment "prd"; allowed: dev (declare it under environments:, even empty, to deploy the base catalogue) [catalogue/known-environment]',
      ],
    ],
  },
  {
    name: "port-range-fail",
    text: mutate(4, ["    owner: team-a", "    port: 80"]),
    expected: [
      [
        5,
        "80",
        "models.scorer.port: must be an integer from 1024 to 65535 (the server runs as non-root, so it cannot bind below 1024); got 80 [catalogue/schema]",
      ],
    ],
  },
  {
    name: "port-type-fail",
    text: mutate(4, ["    owner: team-a", '    port: "8080"']),
    expected: [
      [
        5,
        '"8080"',
        'models.scorer.port: must be an integer from 1024 to 65535 (the server runs as non-root, so it cannot bind below 1024); got "8080" [catalogue/schema]',
      ],
    ],
  },
  {
    name: "cpu-quantity-fail",
    text: mutate(4, ["    owner: team-a", "    resources: { cpu: 2 cores }"]),
    expected: [
      [
        5,
        "2 cores",
        'models.scorer.resources.cpu: must be a CPU quantity: cores (1, 0.5) or millicores (500m); got "2 cores" [catalogue/schema]',
      ],
    ],
  },
  {
    name: "cpu-quantity-number-ok",
    text: mutate(4, ["    owner: team-a", "    resources: { cpu: 1.5, memory: 1.5Gi }"]),
    expected: [],
  },
  {
    name: "memory-without-unit-fail",
    text: mutate(4, ["    owner: team-a", "    resources: { memory: 512 }"]),
    expected: [
      [
        5,
        "512",
        "models.scorer.resources.memory: must be at least 32Mi (a bare number means bytes: did you forget Mi or Gi?); got 512 [catalogue/schema]",
      ],
    ],
  },
  {
    name: "resources-beyond-any-node-fail",
    text: mutate(4, [
      "    owner: team-a",
      '    resources: { cpu: "100000", memory: 99999999Gi, modelCache: 5Ti }',
    ]),
    expected: [
      [
        5,
        '"100000"',
        'models.scorer.resources.cpu: must be at most 192 cores, what the largest node holds; got "100000" [catalogue/schema]',
      ],
      [
        5,
        "99999999Gi",
        'models.scorer.resources.memory: must be at most 2Ti, what the largest node holds; got "99999999Gi" [catalogue/schema]',
      ],
      [
        5,
        "5Ti",
        'models.scorer.resources.modelCache: must be at most 2Ti, what a node\'s disk holds; got "5Ti" [catalogue/schema]',
      ],
    ],
  },
  {
    name: "resources-largest-node-ok",
    text: mutate(4, [
      "    owner: team-a",
      "    resources: { cpu: 192, memory: 2Ti, modelCache: 2Ti }",
    ]),
    expected: [],
  },
  {
    name: "memory-quantity-fail",
    text: mutate(4, ["    owner: team-a", "    resources: { memory: 1GB }"]),
    expected: [
      [
        5,
        "1GB",
        'models.scorer.resources.memory: must be a memory quantity such as 512Mi, 1Gi or 1.5Gi; got "1GB" [catalogue/schema]',
      ],
    ],
  },
  {
    name: "replicas-max-not-above-min-fail",
    text: mutate(4, ["    owner: team-a", "    autoscaling: { minReplicas: 4, maxReplicas: 4 }"]),
    expected: [
      [
        5,
        "4 }",
        "models.scorer.autoscaling.maxReplicas: maxReplicas (4) must be greater than minReplicas (4), or the autoscaler can never scale [catalogue/autoscaling-range]",
      ],
    ],
  },
  {
    name: "replicas-overlay-raises-min-fail",
    text: yaml(BASELINE.trimEnd(), "  prod:", "    defaults: { autoscaling: { minReplicas: 12 } }"),
    expected: [
      [
        16,
        "12",
        "environments.prod.defaults.autoscaling.minReplicas: in environment prod: maxReplicas (10) must be greater than minReplicas (12), or the autoscaler can never scale [catalogue/autoscaling-range]",
      ],
    ],
  },
  {
    name: "slo-error-rate-fail",
    text: mutate(4, ["    owner: team-a", "    slo: { errorRatePercent: 0 }"]),
    expected: [
      [
        5,
        "0 }",
        "models.scorer.slo.errorRatePercent: must be a percentage above 0 and at most 100; got 0 [catalogue/schema]",
      ],
    ],
  },
  {
    name: "slo-latency-fail",
    text: mutate(4, ["    owner: team-a", "    slo: { latencyP99Ms: 0.5 }"]),
    expected: [
      [
        5,
        "0.5",
        "models.scorer.slo.latencyP99Ms: must be an integer from 1 to 60000; got 0.5 [catalogue/schema]",
      ],
    ],
  },
  {
    name: "env-reserved-name-fail",
    text: mutate(4, ["    owner: team-a", '    env: { MODEL_URI: "s3://elsewhere" }']),
    expected: [
      [
        5,
        "MODEL_URI",
        "models.scorer.env.MODEL_URI: is set by the platform; reserved names are MODEL_NAME, MODEL_VERSION, MODEL_URI, MODEL_CACHE_DIR, PORT, LOAD_BALANCER_IDLE_SECONDS [catalogue/schema]",
      ],
    ],
  },
  {
    name: "env-value-type-fail",
    text: mutate(4, ["    owner: team-a", "    env: { THREADS: 4 }"]),
    expected: [
      [
        5,
        "4 }",
        "models.scorer.env.THREADS: must be a string (quote numbers and booleans); got 4 [catalogue/schema]",
      ],
    ],
  },
  {
    name: "health-path-fail",
    text: mutate(4, ["    owner: team-a", "    healthCheck: { path: healthz }"]),
    expected: [
      [
        5,
        "healthz",
        'models.scorer.healthCheck.path: must be an HTTP path starting with / (readiness and startup probe); got "healthz" [catalogue/schema]',
      ],
    ],
  },
  {
    name: "gpu-count-fail",
    text: mutate(4, ["    owner: team-a", "    gpu: { count: 0 }"]),
    expected: [
      [
        5,
        "0 }",
        "models.scorer.gpu.count: must be an integer from 1 to 8; got 0 [catalogue/schema]",
      ],
    ],
  },
  {
    name: "listener-priority-collision-fail",
    text: yaml(
      BASELINE.trimEnd().split("\n").slice(0, 10).join("\n"),
      "  ranker:",
      "    owner: team-b",
      "    image: registry.example.com/ranker:2.0.0",
      "    routing: { priority: 34881 }",
      '    versions: { "2.0.0": { traffic: 100 } }',
    ),
    expected: [
      [
        3,
        "scorer",
        "models.scorer: listener rule priority 34881 (derived from its name) is also model ranker's on load balancer main; set routing.priority to a free value from 1 to 50000 on the model you are adding (moving a deployed model's priority takes two applies: first to a free value) [catalogue/listener-priority]",
      ],
    ],
  },
  {
    // Priorities are per listener: the same one on two load balancers is no collision.
    name: "listener-priority-on-another-load-balancer-ok",
    text: yaml(
      BASELINE.trimEnd().split("\n").slice(0, 10).join("\n"),
      "  ranker:",
      "    owner: team-b",
      "    image: registry.example.com/ranker:2.0.0",
      "    routing: { priority: 34881, loadBalancer: search }",
      '    versions: { "2.0.0": { traffic: 100 } }',
    ),
    expected: [],
  },
  {
    name: "load-balancers-per-region-fail",
    text: manyModels(51, (i) => `lb${i}`),
    expected: [
      [
        2,
        "models",
        'models: names 51 load balancers; a region holds at most 50 Application Load Balancers (AWS quota "Application Load Balancers per Region", shared with every other stack): put more models on each (up to 50 per load balancer), or split the catalogue over regions [catalogue/load-balancers-per-region]',
      ],
    ],
  },
  {
    name: "load-balancer-rules-quota-fail",
    text: manyModels(51, () => ""),
    expected: [
      [
        2,
        "models",
        'models: load balancer main would hold 102 listener rules (2 per served model, 51 models) where an Application Load Balancer holds 100 (AWS quota "Rules per Application Load Balancer"): give some models another load balancer (routing.loadBalancer: <name>), e.g. the ones being added; the others stay where they are [catalogue/load-balancer-capacity]',
      ],
    ],
  },
  {
    name: "load-balancer-rules-quota-spread-ok",
    text: manyModels(100, (i) => (i < 50 ? "" : "b")),
    expected: [],
  },
  {
    name: "load-balancer-target-groups-quota-fail",
    text: manyModels(21, () => "", 5),
    expected: [
      [
        2,
        "models",
        'models: load balancer main would hold 105 target groups (one per live or standby version) where it holds 100 (AWS quota "Target Groups per Application Load Balancer"): give some models another load balancer (routing.loadBalancer: <name>), e.g. the ones being added; the others stay where they are [catalogue/load-balancer-capacity]',
      ],
    ],
  },
  {
    name: "load-balancer-name-fail",
    text: mutate(4, ["    owner: team-a", "    routing: { loadBalancer: Main_LB }"]),
    expected: [
      [
        5,
        "Main_LB",
        'models.scorer.routing.loadBalancer: must be a load balancer name: 1-16 lowercase letters, digits and dashes, starting with a letter; got "Main_LB" [catalogue/schema]',
      ],
    ],
  },
  {
    name: "listener-priority-explicit-ok",
    text: mutate(4, ["    owner: team-a", "    routing: { priority: 100 }"]),
    expected: [],
  },
  {
    name: "served-versions-limit-fail",
    text: mutate(10, [
      '      "0.8.0": { traffic: 0 }',
      '      "0.7.0": { traffic: 0 }',
      '      "0.6.0": { traffic: 0 }',
    ]),
    expected: [
      [
        6,
        "versions",
        "models.scorer.versions: has 6 live and standby versions; the load balancer splits traffic over at most 5: retire one (retired: true) [catalogue/served-versions]",
      ],
    ],
  },
  {
    name: "versions-list-fail",
    text: yaml(
      "apiVersion: maas/v1",
      "models:",
      "  scorer:",
      "    owner: team-a",
      "    build: { context: ./server }",
      "    versions:",
      '      - "1.0.0"',
    ),
    expected: [
      [
        7,
        "-",
        "models.scorer.versions: must be a map of version -> spec; got a list [catalogue/schema]",
      ],
    ],
  },
  {
    name: "empty-versions-fail",
    text: yaml(
      "apiVersion: maas/v1",
      "models:",
      "  scorer:",
      "    owner: team-a",
      "    build: { context: ./server }",
      "    versions: {}",
    ),
    expected: [
      [
        6,
        "versions",
        "models.scorer.versions: is empty; a model needs at least one version [catalogue/versions-not-empty]",
      ],
    ],
  },
];

/** `count` models with `versions` served versions each, model i on load balancer `loadBalancer(i)`. */
function manyModels(count: number, loadBalancer: (index: number) => string, versions = 1): string {
  return yaml(
    "apiVersion: maas/v1",
    "models:",
    ...Array.from({ length: count }, (_, i) => [
      `  m${i}:`,
      "    owner: team-a",
      "    image: registry.example.com/m:1.0.0",
      // Explicit priorities: derived ones of 100 models may collide (a birthday problem).
      `    routing: { priority: ${i + 1}${loadBalancer(i) ? `, loadBalancer: ${loadBalancer(i)}` : ""} }`,
      "    versions:",
      ...Array.from(
        { length: versions },
        (_, v) => `      "${v + 1}.0": { traffic: ${v === 0 ? 100 : 0} }`,
      ),
    ]).flat(),
  );
}

describe("catalogue rules", () => {
  it("baseline-ok: the compliant fixture has no problems, base or overlay", () => {
    expect(problemsOf(BASELINE)).toEqual([]);
    expect(problemsOf(BASELINE, { environment: "dev" })).toEqual([]);
  });

  it.each(cases)("$name", ({ text, environment, expected }) => {
    const options = environment === undefined ? {} : { environment };
    const lines = expected.map(([line, token, rest]) => `${at(text, line, token)}: ${rest}`);
    expect(problemsOf(text, options)).toEqual(lines);
  });
});
