/**
 * The front door, planned from a catalogue with consumers: every route requires a caller the
 * catalogue grants, the limits are the catalogue's, the load balancer admits only the front
 * door, and no API key appears in any output. Each property is asserted over every resource of
 * its kind, so one open route or one stray grant fails it.
 */
import { beforeAll, describe, expect, it } from "vitest";
import type { RecordedResource } from "../../plan/record";
import { checkAwsResources } from "../../policy/aws-rules";
import { placeholderCall } from "../../plan/placeholders";
import { planOf } from "../helpers/plan";
import type { PlanFixture } from "../helpers/plan";
import { withConsumers } from "../helpers/front-door";
import { twoModels } from "../helpers/transition";

const GRANTS: Record<string, string[]> = {
  checkout: ["ranker", "scorer"],
  reports: [],
  partner: ["scorer"],
};

const inputs = (resource: RecordedResource) => resource.inputs as Record<string, any>;

interface Statement {
  Sid: string;
  Effect: string;
  Principal: unknown;
  Resource?: string[];
  NotResource?: string[];
  Condition?: Record<string, Record<string, string[]>>;
}

describe("the front door", () => {
  let fixture: PlanFixture;
  let resources: RecordedResource[];
  const ofType = (type: string) => resources.filter((r) => r.type === type);

  beforeAll(async () => {
    fixture = await planOf({ catalogue: withConsumers() });
    resources = fixture.plan.resources;
  });

  it("requires a caller on every route: SigV4 and a key, or a key", () => {
    const methods = ofType("aws:apigateway/method:Method");
    expect(methods.length).toBeGreaterThan(0);
    for (const method of methods) {
      expect(inputs(method).apiKeyRequired, method.name).toBe(true);
      const api = method.name.startsWith("front-door-sigv4") ? "AWS_IAM" : "NONE";
      expect(inputs(method).authorization, method.name).toBe(api);
    }
    expect(checkAwsResources(resources, { production: false })).toEqual([]);
  });

  it("routes every served model on both APIs, GET and POST under it, to its load balancer over the VPC link", () => {
    const integrations = ofType("aws:apigateway/integration:Integration");
    const [link] = ofType("aws:apigatewayv2/vpcLink:VpcLink");
    for (const api of ["sigv4", "apikey"])
      for (const model of ["scorer", "ranker"])
        for (const method of ["GET", "POST"]) {
          const integration = integrations.find(
            (i) => i.name === `front-door-${api}-${model}-${method.toLowerCase()}`,
          );
          expect(integration, `${api} ${model} ${method}`).toBeDefined();
          expect(inputs(integration!)).toMatchObject({
            type: "HTTP_PROXY",
            httpMethod: method,
            connectionType: "VPC_LINK",
            integrationTarget: expect.stringContaining(":loadbalancer/app/"),
          });
          expect(integration!.dependencies).toContain(link!.urn);
          expect(inputs(integration!).uri).toMatch(new RegExp(`/models/${model}/\\{proxy\\}$`));
        }
    expect(integrations).toHaveLength(2 * 2 * 2);
  });

  it("counts throttles from the access log group it creates, named by prefix as AWS names it", () => {
    const [filter] = ofType("aws:cloudwatch/logMetricFilter:LogMetricFilter");
    const accessLog = ofType("aws:cloudwatch/logGroup:LogGroup").find((g) =>
      String(inputs(g).namePrefix).includes("/access-"),
    );
    expect(accessLog).toBeDefined();
    // The plan gives a prefixed name the provider's 26-character suffix, so the filter shows its log group.
    expect(inputs(filter!).logGroupName).toMatch(
      new RegExp(`^${String(inputs(accessLog!).namePrefix)}[0-9a-f]{26}$`),
    );
    expect(filter!.dependencies).toContain(accessLog!.urn);
  });

  it("grants each consumer exactly the models its access lists, on its own stage, and denies the rest", () => {
    for (const policy of ofType("aws:apigateway/restApiPolicy:RestApiPolicy")) {
      const statements = JSON.parse(inputs(policy).policy).Statement as Statement[];
      const allowed = statements.filter((s) => s.Effect === "Allow");
      const granted = allowed.flatMap((s) => s.Resource ?? []);
      for (const statement of allowed) {
        const consumer = statement.Sid.replace("Allow-", "");
        const models = new Set(
          statement.Resource!.map((arn) => {
            const [, stage, , model] =
              /^arn:aws:execute-api:eu-west-1:123456789012:[0-9a-f]{10}\/([^/]+)\/(GET|POST)\/models\/([^/*]+)\/\*$/.exec(
                arn,
              )!;
            expect(stage).toBe(consumer);
            return model;
          }),
        );
        expect([...models].sort()).toEqual(GRANTS[consumer]);
      }
      // Every consumer granted something has its Allow; nothing else is allowed.
      const consumers = allowed.map((s) => s.Sid.replace("Allow-", "")).sort();
      const expected = policy.name === "front-door-sigv4" ? ["checkout"] : ["partner"];
      expect(consumers).toEqual(expected);
      const deny = statements.find((s) => s.Sid === "Deny-not-granted")!;
      expect(deny).toMatchObject({ Effect: "Deny", Principal: "*", NotResource: granted });
    }
  });

  it("evaluated as IAM matches ARNs (`*` spans `/`), lets no consumer reach a model through another's path", () => {
    // An ARN pattern as IAM reads it: `*` any characters, `/` included; `?` one character.
    const matches = (pattern: string, arn: string) =>
      new RegExp(
        `^${pattern
          .replace(/[.+^${}()|[\]\\]/g, "\\$&")
          .replace(/\*/g, ".*")
          .replace(/\?/g, ".")}$`,
      ).test(arn);
    const allows = (statements: Statement[], arn: string) =>
      statements.some((s) => s.Effect === "Allow" && s.Resource!.some((p) => matches(p, arn))) &&
      !statements.some(
        (s) =>
          s.Effect === "Deny" &&
          s.Condition === undefined &&
          (s.Resource?.some((p) => matches(p, arn)) ??
            !s.NotResource!.some((p) => matches(p, arn))),
      );
    for (const policy of ofType("aws:apigateway/restApiPolicy:RestApiPolicy")) {
      const statements = JSON.parse(inputs(policy).policy).Statement as Statement[];
      // Full method ARNs, under the API's execution ARN (its id is the policy's restApiId).
      const api = `arn:aws:execute-api:eu-west-1:123456789012:${String(inputs(policy).restApiId)}`;
      for (const [consumer, models] of Object.entries(GRANTS))
        for (const model of ["scorer", "ranker"])
          for (const other of ["scorer", "ranker"])
            for (const method of ["GET", "POST", "PUT", "DELETE"]) {
              const direct = `${api}/${consumer}/${method}/models/${model}/predict`;
              const smuggled = `${api}/${consumer}/${method}/models/${model}/models/${other}/predict`;
              const ownApi = (consumer === "partner") === (policy.name === "front-door-apikey");
              const granted = ownApi && models.includes(model) && ["GET", "POST"].includes(method);
              expect(allows(statements, direct), direct).toBe(granted);
              // A path under a model is that model's: another grant never reaches it.
              expect(allows(statements, smuggled), smuggled).toBe(granted);
            }
    }
  });

  it("lets only a SigV4 consumer's own principals use its stage", () => {
    const policy = ofType("aws:apigateway/restApiPolicy:RestApiPolicy").find(
      (p) => p.name === "front-door-sigv4",
    )!;
    const statements = JSON.parse(inputs(policy).policy).Statement as Statement[];
    const api = `arn:aws:execute-api:eu-west-1:123456789012:${String(inputs(policy).restApiId)}`;
    expect(statements.find((s) => s.Sid === "Allow-checkout")!.Principal).toEqual({
      AWS: ["444455556666", "arn:aws:iam::111122223333:role/checkout-api"],
    });
    expect(statements.find((s) => s.Sid === "Deny-others-on-checkout")).toMatchObject({
      Effect: "Deny",
      Resource: [`${api}/checkout/*`],
      Condition: {
        ArnNotLike: { "aws:PrincipalArn": ["arn:aws:iam::111122223333:role/checkout-api"] },
        StringNotEquals: { "aws:PrincipalAccount": ["444455556666"] },
      },
    });
    expect(statements.find((s) => s.Sid === "Deny-others-on-reports")).toBeDefined();
  });

  it("limits each consumer as the catalogue says, on its stage alone", () => {
    const plans = ofType("aws:apigateway/usagePlan:UsagePlan");
    expect(plans.map((p) => p.name).sort()).toEqual([
      "front-door-apikey-partner",
      "front-door-sigv4-checkout",
      "front-door-sigv4-reports",
    ]);
    const limits = Object.fromEntries(
      plans.map((p) => [p.name.replace(/^front-door-[a-z0-9]+-/, ""), inputs(p)]),
    );
    expect(limits.checkout).toMatchObject({
      throttleSettings: { rateLimit: 50, burstLimit: 100 },
      quotaSettings: { limit: 1000000, period: "MONTH" },
    });
    expect(limits.reports).toMatchObject({ throttleSettings: { rateLimit: 2, burstLimit: 4 } });
    expect(limits.reports!.quotaSettings).toBeUndefined();
    expect(limits.partner).toMatchObject({
      throttleSettings: { rateLimit: 5, burstLimit: 10 },
      quotaSettings: { limit: 1000, period: "DAY" },
    });
    for (const [consumer, plan] of Object.entries(limits))
      expect(plan.apiStages).toEqual([{ apiId: expect.any(String), stage: consumer }]);
    for (const stage of ofType("aws:apigateway/stage:Stage")) {
      const format = JSON.parse(
        String(inputs(stage).accessLogSettings.format).replace("$context.status", "0"),
      ) as Record<string, string>;
      // Who called (consumer, principal, key id), through which host, what (route), the answer,
      // and the trace id that joins the load balancer's log (the version served); never the key.
      expect(format).toMatchObject({
        consumer: "$context.stage",
        caller: "$context.identity.caller",
        apiKeyId: "$context.identity.apiKeyId",
        route: "$context.resourcePath",
        traceId: "$context.xrayTraceId",
        // Which URL the caller used (custom domain or execute-api), and its TLS version.
        domainName: "$context.domainName",
        tlsVersion: "$context.tlsVersion",
      });
      expect(Object.values(format)).not.toContain("$context.identity.apiKey");
      expect(inputs(stage).xrayTracingEnabled).toBe(true);
    }
  });

  it("answers 401 without credentials, 403 when not granted, 429 over a limit", () => {
    const statuses = Object.fromEntries(
      ofType("aws:apigateway/response:Response")
        .filter((r) => r.name.startsWith("front-door-sigv4"))
        .map((r) => [inputs(r).responseType, inputs(r).statusCode]),
    );
    expect(statuses).toMatchObject({
      MISSING_AUTHENTICATION_TOKEN: "401",
      INVALID_SIGNATURE: "401",
      INVALID_API_KEY: "401",
      ACCESS_DENIED: "403",
      THROTTLED: "429",
      QUOTA_EXCEEDED: "429",
    });
  });

  it("lets the load balancer admit only the front door", () => {
    const [group] = ofType("aws:ec2/securityGroup:SecurityGroup").filter(
      (g) => g.name === "front-door",
    );
    const rules = ofType("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule");
    expect(rules.length).toBeGreaterThan(0);
    for (const rule of rules) {
      expect(inputs(rule).cidrIpv4).toBeUndefined();
      expect(rule.dependencies).toContain(group!.urn);
    }
    for (const lb of ofType("aws:lb/loadBalancer:LoadBalancer"))
      expect(inputs(lb).internal).toBe(true);
  });

  it("keeps every API key out of the plan, its outputs and manifests", () => {
    const text = JSON.stringify({ plan: fixture.plan, manifests: fixture.manifests });
    expect(text).not.toContain("placeholder-api-key");
    for (const version of ofType("aws:secretsmanager/secretVersion:SecretVersion"))
      expect(inputs(version).secretString).toBe("[secret]");
    const consumers = fixture.plan.outputs.consumers as Record<string, Record<string, unknown>>;
    expect(Object.keys(consumers).sort()).toEqual(["checkout", "partner", "reports"]);
    expect(consumers.partner).toMatchObject({ auth: "apiKey", models: ["scorer"] });
    expect(consumers.reports!.models).toEqual([]);
  });

  it("shows each model's callers on its dashboard: requests, 4xx, 5xx per consumer, and their 429s", () => {
    for (const [model, consumers] of [
      ["scorer", ["checkout", "partner"]],
      ["ranker", ["checkout"]],
    ] as const) {
      const dashboard = ofType("aws:cloudwatch/dashboard:Dashboard").find((d) => d.name === model)!;
      const widgets = JSON.parse(inputs(dashboard).dashboardBody).widgets as {
        properties: { title?: string; metrics?: unknown[][] };
      }[];
      const requests = widgets.find(
        (w) => w.properties.title === "Front door: requests by consumer",
      )!;
      const series = requests.properties.metrics!.map((m) => [m[3], m[7], m[9]]);
      const api = (consumer: string) =>
        consumer === "partner" ? "maas-dev_apikey" : "maas-dev_sigv4";
      expect(series).toEqual(
        consumers.flatMap((consumer) => [
          [api(consumer), `/models/${model}`, consumer],
          [api(consumer), `/models/${model}/{proxy+}`, consumer],
        ]),
      );
      const throttled = widgets.find((w) =>
        w.properties.title?.startsWith("Front door: throttled"),
      )!;
      expect(throttled.properties.metrics!.map((m) => [m[0], m[3]])).toEqual(
        consumers.map((consumer) => ["maas/dev/front-door", consumer]),
      );
    }
  });

  it("lets only the consumer's principals (and the deployer) read its key", () => {
    for (const policy of ofType("aws:secretsmanager/secretPolicy:SecretPolicy")) {
      const [allow, deny] = JSON.parse(inputs(policy).policy).Statement as Statement[];
      expect(inputs(policy).blockPublicPolicy).toBe(true);
      const readers = (allow!.Principal as { AWS: string[] }).AWS;
      expect(deny!.Condition!.ArnNotLike!["aws:PrincipalArn"]).toEqual(
        expect.arrayContaining(readers.filter((r) => r.includes(":role/"))),
      );
    }
  });
});

describe("the front door's rules", () => {
  it("refuse a route that takes no caller, and a load balancer reachable around the front door", async () => {
    const { plan } = await planOf({ catalogue: withConsumers() });
    const opened = plan.resources.map((r) =>
      r.type === "aws:apigateway/method:Method" && r.name === "front-door-apikey-scorer-post"
        ? { ...r, inputs: { ...r.inputs, apiKeyRequired: false } }
        : r.type === "aws:lb/loadBalancer:LoadBalancer"
          ? { ...r, inputs: { ...r.inputs, internal: false } }
          : r,
    );
    const rules = checkAwsResources(opened, { production: false }).map((v) => v.rule);
    expect(rules).toContain("front-door/authenticated");
    expect(rules).toContain("front-door/only-way-in");
    // The SigV4 API's policy opened to every principal.
    const everyone = plan.resources.map((r) =>
      r.type === "aws:apigateway/restApiPolicy:RestApiPolicy" && r.name === "front-door-sigv4"
        ? {
            ...r,
            inputs: {
              ...r.inputs,
              policy: String(r.inputs.policy).replace(
                /"Principal":\{"AWS":\[[^\]]*\]\}/,
                '"Principal":"*"',
              ),
            },
          }
        : r,
    );
    expect(checkAwsResources(everyone, { production: false })).toEqual([
      expect.objectContaining({
        rule: "front-door/authenticated",
        message: "allows every principal on the SigV4 API: any AWS account could call",
      }),
    ]);
  });

  it("without consumers there is no front door, and the load balancer admits its CIDRs", async () => {
    const { plan } = await planOf({ catalogue: twoModels() });
    expect(plan.resources.some((r) => r.type.startsWith("aws:apigateway"))).toBe(false);
    const rules = plan.resources.filter(
      (r) => r.type === "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
    );
    expect(rules.every((r) => typeof inputs(r).cidrIpv4 === "string")).toBe(true);
  });
});

describe("a front door with nothing to serve", () => {
  it("plans with every model retired: no API yet, and each consumer's output says why it has no URL", async () => {
    const retired = withConsumers(
      ['"1.0.0": { traffic: 90 }', '"1.0.0": { retired: true }'],
      ['"1.1.0": { traffic: 10 }', '"1.1.0": { retired: true }'],
      ['"0.9.0": { traffic: 0 }', '"0.9.0": { retired: true }'],
      ['"2.0.0": { traffic: 100 }', '"2.0.0": { retired: true }'],
    );
    const plan = await planOf({ stack: "prod", catalogue: retired });
    expect(plan.ofType("aws:apigateway/restApi:RestApi")).toEqual([]);
    const consumers = (plan.plan.outputs as any).consumers as Record<string, any>;
    expect(Object.keys(consumers).sort()).toEqual(["checkout", "partner", "reports"]);
    for (const consumer of Object.values(consumers)) {
      expect(consumer.url).toBeUndefined();
      expect(consumer.note).toMatch(/^no model is served yet: the consumer's URL and key come/);
    }
  });
});

describe("the front door's limits", () => {
  it("refuses a resource policy longer than API Gateway's quota, saying what to do", async () => {
    const models = Array.from({ length: 40 }, (_, i) => [
      `  model-with-a-long-name-${i}:`,
      "    owner: team-c",
      "    access: all-consumers",
      `    image: registry.example.com/m@sha256:${"c".repeat(64)}`,
      '    versions: { "1.0.0": { traffic: 100 } }',
    ]).flat();
    const catalogue = withConsumers(["  ranker:\n", `${models.join("\n")}\n  ranker:\n`]);
    await expect(planOf({ catalogue })).rejects.toThrow(
      /models\.yaml: consumers: the sigv4 API's resource policy would be \d+ characters, over API Gateway's 8192/,
    );
  });
});

describe("pods behind the front door", () => {
  const sources = async (config: Record<string, string> = {}, catalogue = withConsumers()) =>
    (await planOf({ catalogue, config })).manifests
      .map((m) => m.object as { kind: string; metadata: { name: string }; spec: any })
      .filter((o) => o.kind === "NetworkPolicy" && o.metadata.name === "model-traffic")
      .map((o) => o.spec.ingress.flatMap((rule: any) => rule.from.map((p: any) => p.ipBlock.cidr)));

  it("admit the model port from the load balancers' subnets by default, not the whole VPC", async () => {
    // The test project's maas:subnetIds, as the offline plan looks their CIDRs up.
    const subnets = ["subnet-0a1b2c3d4e5f60001", "subnet-0a1b2c3d4e5f60002"].map(
      (id) =>
        placeholderCall(
          { token: "aws:ec2/getSubnet:getSubnet", inputs: { id }, provider: "" },
          { region: "eu-west-1" },
        ).cidrBlock as string,
    );
    expect(new Set(subnets).size).toBe(2);
    const all = await sources();
    expect(all.length).toBeGreaterThan(0);
    for (const cidrs of all) expect([...cidrs].sort()).toEqual([...subnets].sort());
    for (const cidrs of all) expect(cidrs).not.toContain("10.20.0.0/16");
  });

  it("admit the model port from maas:podIngressCidrs when set", async () => {
    const narrowed = await sources({ "maas:podIngressCidrs": '["10.20.1.0/24","10.20.2.0/24"]' });
    expect(narrowed.length).toBeGreaterThan(0);
    for (const cidrs of narrowed) expect(cidrs).toEqual(["10.20.1.0/24", "10.20.2.0/24"]);
  });

  it("refuse a maas:podIngressCidrs that holds the whole VPC, naming the key and what to do", async () => {
    for (const open of ['["10.20.0.0/16"]', '["10.0.0.0/8"]', '["10.20.1.0/24","0.0.0.0/0"]'])
      await expect(
        planOf({ catalogue: withConsumers(), config: { "maas:podIngressCidrs": open } }),
      ).rejects.toThrow(
        /--config: maas:podIngressCidrs: .* holds the whole VPC \(10\.20\.0\.0\/16\).*every workload in the VPC could call the models' pods around the front door/s,
      );
  });

  it("without a front door, admit the VPC as before", async () => {
    const open = await sources({}, twoModels());
    expect(open.length).toBeGreaterThan(0);
    for (const cidrs of open) expect(cidrs).toEqual(["10.20.0.0/16"]);
  });
});
