/**
 * Limits AWS and Kubernetes enforce, checked in the stack file with the usual precise errors
 * (issue 19 item 6): node selector labels by Kubernetes' own rules (63), a subnet listed twice,
 * certificates of another region or partition, regions of partitions maas does not write. Label
 * syntax is tested against a step-by-step reading of apimachinery's validation, on generated keys.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { readStackConfig } from "../../plan/stack-config";
import { readSettings, SettingsError } from "../../stack/settings";
import { configSource } from "../helpers/config-source";
import { TEST_PROJECT } from "../helpers/plan";

const dev = readStackConfig(TEST_PROJECT, "dev").config;

function problems(config: Record<string, string | undefined>): string[] {
  const merged = Object.fromEntries(
    Object.entries({ ...dev, ...config }).filter(([, v]) => v !== undefined),
  ) as Record<string, string>;
  try {
    readSettings(configSource(merged), "maas", "dev");
    return [];
  } catch (error) {
    if (error instanceof SettingsError) return error.problems;
    throw error;
  }
}

/** apimachinery validation.IsDNS1123Subdomain, IsQualifiedName and IsValidLabelValue, step by step. */
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const QUALIFIED_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
function isSubdomain(text: string): boolean {
  return text.length <= 253 && text.split(".").every((label) => DNS_LABEL.test(label));
}
function isQualifiedName(key: string): boolean {
  const parts = key.split("/");
  if (parts.length > 2) return false;
  const name = parts.at(-1)!;
  if (parts.length === 2 && (parts[0]!.length === 0 || !isSubdomain(parts[0]!))) return false;
  return name.length > 0 && name.length <= 63 && QUALIFIED_NAME.test(name);
}
function isLabelValue(value: string): boolean {
  return value === "" || (value.length <= 63 && QUALIFIED_NAME.test(value));
}

const selector = (key: string, value: string) => ({
  "maas:gpuNodeSelector": JSON.stringify({ [key]: value }),
});

describe("node selector labels", () => {
  it("takes the default and real GPU labels", () => {
    expect(problems(selector("nvidia.com/gpu.present", "true"))).toEqual([]);
    expect(problems(selector("karpenter.k8s.aws/instance-gpu-manufacturer", "nvidia"))).toEqual([]);
    expect(problems(selector("accelerator", ""))).toEqual([]);
  });

  it("refuses a key or value past 63 characters, naming the key", () => {
    expect(problems(selector(`example.com/${"g".repeat(64)}`, "true"))).toEqual([
      `Pulumi.dev.yaml: maas:gpuNodeSelector.example.com/${"g".repeat(64)}: must be a Kubernetes label key: an optional DNS prefix of at most 253 characters and /, then at most 63 letters, digits, - _ . starting and ending with a letter or digit [stack-config/schema]`,
    ]);
    expect(problems(selector("gpu", "v".repeat(64)))).toEqual([
      "Pulumi.dev.yaml: maas:gpuNodeSelector.gpu: must be a Kubernetes label value: at most 63 letters, digits, - _ ., starting and ending with a letter or digit (or empty) [stack-config/schema]",
    ]);
  });

  it("accepts exactly the keys and values Kubernetes accepts", () => {
    const alphabet = fc.constantFrom(..."aZ09-_./".split(""));
    const text = fc.oneof(
      fc.string({ unit: alphabet, maxLength: 12 }),
      fc.string({ unit: alphabet, minLength: 60, maxLength: 70 }),
      // Shaped like a key: a prefix of DNS labels, then a name.
      fc
        .tuple(
          fc.array(fc.stringMatching(/^[a-z0-9-]{1,8}$/), { maxLength: 3 }),
          fc.string({ unit: alphabet, minLength: 1, maxLength: 66 }),
        )
        .map(([labels, name]) => (labels.length > 0 ? `${labels.join(".")}/${name}` : name)),
    );
    fc.assert(
      fc.property(text, text, (key, value) => {
        // A key with JSON's specials is not what this is about.
        const found = problems(selector(key, value));
        const valid = key.length > 0 && isQualifiedName(key) && isLabelValue(value);
        expect(
          found.length === 0,
          `${JSON.stringify(key)}: ${JSON.stringify(value)}: ${found.join("; ")}`,
        ).toBe(valid);
      }),
      { numRuns: 400 },
    );
  });
});

describe("subnets, certificates and regions", () => {
  it("refuses a subnet listed twice", () => {
    expect(
      problems({
        "maas:subnetIds": '["subnet-0a1b2c3d4e5f60001", "subnet-0a1b2c3d4e5f60001"]',
      }),
    ).toEqual([
      "Pulumi.dev.yaml: maas:subnetIds: lists subnet-0a1b2c3d4e5f60001 more than once: list each subnet once (a load balancer needs two in different availability zones) [stack-config/schema]",
    ]);
  });

  it("refuses a certificate of another region or partition, for the load balancer and the front door's domain", () => {
    const certificate = (region: string, partition = "aws") =>
      `arn:${partition}:acm:${region}:123456789012:certificate/0a1b2c3d-4e5f-6789-0abc-def012345678`;
    expect(problems({ "maas:certificateArn": certificate("eu-west-1") })).toEqual([]);
    expect(problems({ "maas:certificateArn": certificate("us-east-1") })).toEqual([
      `Pulumi.dev.yaml: maas:certificateArn: must be a certificate of the stack's region (aws:region) and partition: a load balancer's listener takes an ACM certificate of its own region only; request or import the certificate in that region; got "${certificate("us-east-1")}" [stack-config/certificate-region]`,
    ]);
    expect(problems({ "maas:certificateArn": certificate("eu-west-1", "aws-cn") })).toHaveLength(1);
    expect(
      problems({
        "maas:apiDomain": "api.models.example.com",
        "maas:apiCertificateArn": certificate("eu-west-1", "aws-us-gov"),
      }),
    ).toEqual([
      `Pulumi.dev.yaml: maas:apiCertificateArn: must be a certificate in the stack's region (aws:region) and partition: a Regional custom domain takes an ACM certificate of its own region (API Gateway developer guide, "Set up a Regional custom domain name"); got "${certificate("eu-west-1", "aws-us-gov")}" [stack-config/api-certificate-region]`,
    ]);
  });

  it("refuses a region of a partition maas does not write, plainly; GovCloud is taken with its own ARNs", () => {
    expect(problems({ "aws:region": "cn-north-1" })).toEqual([
      'Pulumi.dev.yaml: aws:region: is in the aws-cn partition, whose service principals and endpoints maas does not write (amazonaws.com.cn, or an isolated region\'s own): use a region of the aws or aws-us-gov partition; got "cn-north-1" [stack-config/schema]',
    ]);
    // The test stack's OIDC provider is in arn:aws:, not GovCloud's.
    expect(problems({ "aws:region": "us-gov-west-1" })).toEqual([
      `Pulumi.dev.yaml: maas:oidcProviderArn: must be in the stack's partition (aws:region's: arn:aws: for most regions, arn:aws-us-gov: for GovCloud): the roles trust it; got "${dev["maas:oidcProviderArn"]}" [stack-config/oidc-provider-partition]`,
    ]);
  });
});
