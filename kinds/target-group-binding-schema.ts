/**
 * The schema of the AWS Load Balancer Controller's TargetGroupBinding (elbv2.k8s.aws/v1beta1),
 * written from the controller's published CRD reference (guide/targetgroupbinding/spec): no
 * package ships it. Strict: a field the CRD does not define is an error, as it would be for an
 * API server with strict field validation.
 */
import { z } from "zod";

const intOrString = z.union([z.int(), z.string()]);

const peer = z.strictObject({
  ipBlock: z.strictObject({ cidr: z.string() }).optional(),
  securityGroup: z.strictObject({ groupID: z.string() }).optional(),
});

export const TargetGroupBindingSchema = z.strictObject({
  apiVersion: z.literal("elbv2.k8s.aws/v1beta1"),
  kind: z.literal("TargetGroupBinding"),
  metadata: z.looseObject({ name: z.string().min(1).max(253), namespace: z.string().min(1) }),
  spec: z.strictObject({
    targetGroupARN: z.string().min(1),
    targetType: z.enum(["instance", "ip"]).optional(),
    serviceRef: z.strictObject({ name: z.string().min(1), port: intOrString }),
    vpcID: z
      .string()
      .regex(/^vpc-[0-9a-f]+$/)
      .optional(),
    ipAddressType: z.enum(["ipv4", "ipv6"]).optional(),
    nodeSelector: z.looseObject({}).optional(),
    networking: z
      .strictObject({
        ingress: z.array(
          z.strictObject({
            from: z.array(peer).min(1),
            ports: z
              .array(
                z.strictObject({
                  protocol: z.enum(["TCP", "UDP"]).optional(),
                  port: intOrString.optional(),
                }),
              )
              .optional(),
          }),
        ),
      })
      .optional(),
  }),
});

/** The problem in kubernetes-models' wording (`data/<path> <message>`), or undefined. */
export function targetGroupBindingProblem(object: unknown): string | undefined {
  const result = TargetGroupBindingSchema.safeParse(object);
  if (result.success) return undefined;
  return result.error.issues
    .map((issue) => `data/${issue.path.join("/")} ${issue.message}`)
    .join("; ");
}
