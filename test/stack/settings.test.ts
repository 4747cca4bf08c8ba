/** Stack settings: the stack files parse to typed settings; every config mistake is named with its key. */
import { describe, expect, it } from "vitest";
import { readStackConfig } from "../../plan/stack-config";
import { readSettings, SettingsError } from "../../stack/settings";
import { configSource } from "../helpers/config-source";
import { TEST_PROJECT } from "../helpers/plan";

const dev = readStackConfig(TEST_PROJECT, "dev").config;

function problems(config: Record<string, string | undefined>, stack = "dev"): string[] {
  const merged = Object.fromEntries(
    Object.entries({ ...dev, ...config }).filter(([, v]) => v !== undefined),
  ) as Record<string, string>;
  try {
    readSettings(configSource(merged), "maas", stack);
    return [];
  } catch (error) {
    if (error instanceof SettingsError) return error.problems;
    throw error;
  }
}

describe("stack settings", () => {
  it("reads the dev stack file, with defaults for what it leaves out", () => {
    const settings = readSettings(configSource(dev), "maas", "dev");
    expect(settings).toMatchObject({
      region: "eu-west-1",
      environment: "dev",
      catalogue: "models.yaml",
      protect: false,
      kubernetes: { context: "arn:aws:eks:eu-west-1:123456789012:cluster/maas-dev" },
      identity: { mode: "irsa" },
      network: { vpcCidr: "10.20.0.0/16" },
      gpu: { nodeSelector: { "nvidia.com/gpu.present": "true" } },
      images: { keep: 20, platform: "linux/amd64" },
      ingress: {
        vpcId: "vpc-0a1b2c3d4e5f60718",
        internetFacing: false,
        allowedCidrs: ["10.20.0.0/16"],
        routing: { mode: "path" },
      },
      alarms: {
        emails: ["ml-platform-dev@example.com"],
        periodSeconds: 60,
        evaluationPeriods: 5,
        datapointsToAlarm: 3,
      },
    });
  });

  it("lists every missing required key at once", () => {
    expect(
      problems({ "aws:region": undefined, "maas:environment": undefined, "maas:vpcId": undefined }),
    ).toEqual([
      "Pulumi.dev.yaml: aws:region: is required: the AWS region of the stack, e.g. eu-west-1 [stack-config/schema]",
      "Pulumi.dev.yaml: maas:environment: is required: the overlay under environments: in the catalogue this stack deploys [stack-config/schema]",
      "Pulumi.dev.yaml: maas:vpcId: is required: the VPC of the load balancer and target groups, e.g. vpc-0abc123def4567890 [stack-config/schema]",
    ]);
  });

  it("reports rules between keys in the same run as single-key problems", () => {
    expect(
      problems({ "aws:region": "mars-1", "maas:kubeContext": undefined, "maas:routing": "host" }),
    ).toEqual([
      'Pulumi.dev.yaml: aws:region: must be an AWS region such as eu-west-1; got "mars-1" [stack-config/schema]',
      "Pulumi.dev.yaml: maas:kubeconfig: set exactly one of maas:kubeconfig (secret: pulumi config set --secret maas:kubeconfig < kubeconfig.yaml) or maas:kubeContext (a context of your local kubeconfig) [stack-config/kube-access]",
      "Pulumi.dev.yaml: maas:hostDomain: is required with maas:routing host: models are served at <model>.<hostDomain> [stack-config/host-routing-domain]",
    ]);
  });

  it("wants exactly one way to reach the cluster", () => {
    const message =
      "Pulumi.dev.yaml: maas:kubeconfig: set exactly one of maas:kubeconfig (secret: pulumi config set --secret maas:kubeconfig < kubeconfig.yaml) or maas:kubeContext (a context of your local kubeconfig) [stack-config/kube-access]";
    expect(problems({ "maas:kubeContext": undefined })).toEqual([message]);
    expect(problems({ "maas:kubeconfig": "apiVersion: v1" })).toEqual([message]);
  });

  it("wants what the chosen identity, routing and alarm timing need", () => {
    expect(problems({ "maas:oidcProviderArn": undefined })).toEqual([
      "Pulumi.dev.yaml: maas:oidcProviderArn: is required with maas:identity irsa: the cluster's IAM OIDC provider ARN [stack-config/irsa-oidc-provider]",
    ]);
    expect(problems({ "maas:identity": "pod-identity" })).toEqual([
      "Pulumi.dev.yaml: maas:clusterName: is required with maas:identity pod-identity: the EKS cluster name [stack-config/pod-identity-cluster]",
    ]);
    expect(problems({ "maas:routing": "host" })).toEqual([
      "Pulumi.dev.yaml: maas:hostDomain: is required with maas:routing host: models are served at <model>.<hostDomain> [stack-config/host-routing-domain]",
    ]);
    expect(problems({ "maas:alarmDatapoints": "6" })).toEqual([
      'Pulumi.dev.yaml: maas:alarmDatapoints: must not exceed maas:alarmEvaluationPeriods (M out of N datapoints); got "6" [stack-config/alarm-datapoints]',
    ]);
    // CloudWatch refuses alarms that look back more than a day (a week for hour-long periods).
    expect(
      problems({ "maas:alarmPeriodSeconds": "900", "maas:alarmEvaluationPeriods": "100" }),
    ).toEqual([
      'Pulumi.dev.yaml: maas:alarmEvaluationPeriods: times maas:alarmPeriodSeconds must not exceed CloudWatch\'s limit: 86,400 seconds (a day) for periods under an hour, 604,800 (a week) for longer ones; got "100" [stack-config/alarm-window]',
    ]);
    expect(
      problems({ "maas:alarmPeriodSeconds": "3600", "maas:alarmEvaluationPeriods": "100" }),
    ).toEqual([]);
    // A period that is no number is its own key's problem, not also the limit's.
    expect(problems({ "maas:alarmPeriodSeconds": "abc" })).toHaveLength(1);
  });

  it("names malformed values and list entries", () => {
    expect(problems({ "maas:subnetIds": '["subnet-0a1b2c3d4e5f60001"]' })).toEqual([
      "Pulumi.dev.yaml: maas:subnetIds: needs at least two subnets in different availability zones [stack-config/schema]",
    ]);
    expect(problems({ "maas:alarmEmails": '["oncall"]' })).toEqual([
      "Pulumi.dev.yaml: maas:alarmEmails.0: must be an email address [stack-config/schema]",
    ]);
    expect(problems({ "maas:gpuNodeSelector": "{not json" })).toEqual([
      'Pulumi.dev.yaml: maas:gpuNodeSelector: must be a map; got "{not json" [stack-config/schema]',
    ]);
    expect(problems({ "maas:subnetIds": "subnet-0a1b2c3d4e5f60001" })).toEqual([
      'Pulumi.dev.yaml: maas:subnetIds: must be a list; got "subnet-0a1b2c3d4e5f60001" [stack-config/schema]',
    ]);
    expect(problems({ "maas:protect": "yes" })).toEqual([
      'Pulumi.dev.yaml: maas:protect: must be true or false; got "yes" [stack-config/schema]',
    ]);
    expect(problems({ "maas:alarmPeriodSeconds": "45" })).toEqual([
      'Pulumi.dev.yaml: maas:alarmPeriodSeconds: must be 10, 30 or a multiple of 60; got "45" [stack-config/schema]',
    ]);
    // API Gateway's buffered integrations take 29 s unless raised, and 300 s at most.
    for (const quota of ["600", "20", "2m"])
      expect(problems({ "maas:apiTimeoutQuotaSeconds": quota })).toEqual([
        `Pulumi.dev.yaml: maas:apiTimeoutQuotaSeconds: must be a whole number of seconds from 29 to 300; got "${quota}" [stack-config/schema]`,
      ]);
  });

  it("refuses an unknown maas: key with the key it most likely meant, so a typo cannot unprotect production", () => {
    expect(problems({ "maas:protected": "true" })).toEqual([
      "Pulumi.dev.yaml: maas:protected: unknown key; did you mean maas:protect? [stack-config/known-keys]",
    ]);
    expect(problems({ "maas:kubeconfg": "x", "maas:imageRetension": "5" })).toEqual([
      "Pulumi.dev.yaml: maas:imageRetension: unknown key; did you mean maas:imageRetention? [stack-config/known-keys]",
      "Pulumi.dev.yaml: maas:kubeconfg: unknown key; did you mean maas:kubeconfig? [stack-config/known-keys]",
    ]);
    expect(problems({ "maas:zzzzzzzz": "1" })[0]).toMatch(
      /^Pulumi\.dev\.yaml: maas:zzzzzzzz: unknown key; known keys: aws:region, maas:accessLogsBucket, /,
    );
  });

  it("leaves other namespaces to their providers", () => {
    expect(problems({ "aws:profile": "dev", "kubernetes:context": "x" })).toEqual([]);
  });

  it("wants a base stack's shard named with it", () => {
    expect(problems({ "maas:baseStack": "prod" })).toEqual([
      "Pulumi.dev.yaml: maas:shard: is required with maas:baseStack: which shard of the catalogue this stack deploys [stack-config/base-stack-shard]",
    ]);
  });

  it("serves the internet over HTTPS only", () => {
    expect(problems({ "maas:internetFacing": "true" })).toEqual([
      'Pulumi.dev.yaml: maas:internetFacing: needs maas:certificateArn: a load balancer on the internet serves HTTPS only (plain HTTP would carry every request and answer in clear text); got "true" [stack-config/internet-facing-https]',
    ]);
    expect(
      problems({
        "maas:internetFacing": "true",
        "maas:certificateArn":
          "arn:aws:acm:eu-west-1:123456789012:certificate/0a1b2c3d-4e5f-6789-0abc-def012345678",
      }),
    ).toEqual([]);
  });

  describe("the front door's custom domain", () => {
    const CERTIFICATE =
      "arn:aws:acm:eu-west-1:123456789012:certificate/0a1b2c3d-4e5f-6789-0abc-def012345678";
    const domain = {
      "maas:apiDomain": "api.models.example.com",
      "maas:apiCertificateArn": CERTIFICATE,
    };

    it("reads the domain, its certificate and zone; the execute-api endpoint stays on by default", () => {
      const settings = readSettings(
        configSource({ ...dev, ...domain, "maas:apiHostedZoneId": "Z0123456789ABCDEFGHIJ" }),
        "maas",
        "dev",
      );
      expect(settings.frontDoor).toEqual({
        domain: {
          name: "api.models.example.com",
          certificateArn: CERTIFICATE,
          hostedZoneId: "Z0123456789ABCDEFGHIJ",
        },
        disableExecuteApiEndpoint: false,
        endpointAccessMode: "STRICT",
        logRetentionDays: 365,
      });
      expect(readSettings(configSource(dev), "maas", "dev").frontDoor).toEqual({
        disableExecuteApiEndpoint: false,
        endpointAccessMode: "STRICT",
        logRetentionDays: 365,
      });
    });

    it("names a malformed domain, certificate or zone by its key", () => {
      expect(
        problems({
          "maas:apiDomain": "API.Example.com",
          "maas:apiCertificateArn": "arn:aws:iam::123456789012:server-certificate/x",
          "maas:apiHostedZoneId": "example.com",
        }),
      ).toEqual([
        'Pulumi.dev.yaml: maas:apiDomain: must be a lowercase DNS name such as api.models.example.com (no wildcard); got "API.Example.com" [stack-config/schema]',
        'Pulumi.dev.yaml: maas:apiCertificateArn: must be an ACM certificate ARN (arn:aws:acm:<region>:<account>:certificate/<id>); got "arn:aws:iam::123456789012:server-certificate/x" [stack-config/schema]',
        'Pulumi.dev.yaml: maas:apiHostedZoneId: must be a Route 53 hosted zone ID such as Z0123456789ABCDEFGHIJ; got "example.com" [stack-config/schema]',
      ]);
      expect(problems({ ...domain, "maas:apiDomain": "*.models.example.com" })).toHaveLength(1);
    });

    it("wants the domain and its certificate together, the certificate in the stack's region", () => {
      expect(problems({ "maas:apiDomain": "api.models.example.com" })).toEqual([
        "Pulumi.dev.yaml: maas:apiCertificateArn: is required with maas:apiDomain: an issued ACM certificate for that name, in the stack's region [stack-config/api-domain-certificate]",
      ]);
      expect(problems({ "maas:apiCertificateArn": CERTIFICATE })).toEqual([
        `Pulumi.dev.yaml: maas:apiDomain: is required with maas:apiCertificateArn: the custom domain the certificate is for [stack-config/api-certificate-domain]`,
      ]);
      // An edge-optimized domain's certificate lives in us-east-1; a Regional one in its own region.
      const elsewhere = CERTIFICATE.replace("eu-west-1", "us-east-1");
      expect(problems({ ...domain, "maas:apiCertificateArn": elsewhere })).toEqual([
        `Pulumi.dev.yaml: maas:apiCertificateArn: must be a certificate in the stack's region (aws:region) and partition: a Regional custom domain takes an ACM certificate of its own region (API Gateway developer guide, "Set up a Regional custom domain name"); got "${elsewhere}" [stack-config/api-certificate-region]`,
      ]);
    });

    it("turns the execute-api endpoint off, or writes DNS, only with a domain", () => {
      expect(
        problems({ "maas:disableExecuteApiEndpoint": "true", "maas:apiHostedZoneId": "Z0123" }),
      ).toEqual([
        'Pulumi.dev.yaml: maas:apiHostedZoneId: needs maas:apiDomain: the zone would hold that domain\'s alias record; got "Z0123" [stack-config/hosted-zone-domain]',
        'Pulumi.dev.yaml: maas:disableExecuteApiEndpoint: needs maas:apiDomain: with the execute-api endpoint off, callers reach the front door through the custom domain only; got "true" [stack-config/execute-api-endpoint-domain]',
      ]);
      expect(problems({ ...domain, "maas:disableExecuteApiEndpoint": "true" })).toEqual([]);
    });
  });

  it("takes only stack names every derived AWS name can hold", () => {
    expect(problems({}, "dev-eu-2")).toEqual([]);
    for (const stack of ["Prod", "x/../../evil", "dev_eu", "-dev", "a".repeat(33)])
      expect(problems({}, stack)).toEqual([
        `Pulumi.${stack}.yaml: stack name ${JSON.stringify(stack)} must be 1-32 lowercase letters, digits and dashes, starting and ending with a letter or digit (it becomes part of AWS names: ECR repositories, IAM roles, alarms) [stack-config/stack-name]`,
      ]);
  });
});
