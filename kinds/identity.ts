/** The models' IAM roles and their EKS Pod Identity associations. */
import type { ResourceKind } from "./kind";
import { arn, autoName, hex } from "./placeholder";
import { joined, text } from "./physical-name";

export const IDENTITY_KINDS: readonly ResourceKind[] = [
  {
    type: "aws:eks/podIdentityAssociation:PodIdentityAssociation",
    forcesReplacement: ["clusterName", "namespace", "serviceAccount"],
    physicalName: {
      of: (i) => [joined("Pod Identity association", i.clusterName, i.namespace, i.serviceAccount)],
      scope: "region",
    },
    deployer: [
      "eks:CreatePodIdentityAssociation",
      "eks:DescribePodIdentityAssociation",
      "eks:UpdatePodIdentityAssociation",
      "eks:DeletePodIdentityAssociation",
      "eks:TagResource",
      "eks:UntagResource",
      "iam:GetRole",
      "iam:PassRole",
    ],
  },
  // IAM names are unique case-insensitively, in the whole account; deploying hands the
  // models' roles to EKS Pod Identity (iam:PassRole).
  {
    type: "aws:iam/role:Role",
    forcesReplacement: ["name", "namePrefix", "path"],
    physicalName: {
      of: (i) => [joined("IAM role", text(i.name)?.toLowerCase())],
      scope: "account",
    },
    placeholder: (name, inputs, context) => {
      const role = autoName(name, inputs);
      return {
        id: role,
        state: {
          ...inputs,
          name: role,
          arn: arn(context, "iam", `role/${role}`, false),
          uniqueId: `AROA${hex(name, 17).toUpperCase()}`,
        },
      };
    },
    deployer: [
      "iam:CreateRole",
      "iam:GetRole",
      "iam:UpdateRole",
      "iam:UpdateAssumeRolePolicy",
      "iam:DeleteRole",
      "iam:TagRole",
      "iam:UntagRole",
      "iam:ListRolePolicies",
      "iam:ListAttachedRolePolicies",
      "iam:ListInstanceProfilesForRole",
    ],
  },
  {
    type: "aws:iam/rolePolicy:RolePolicy",
    forcesReplacement: ["name", "role"],
    deployer: ["iam:PutRolePolicy", "iam:GetRolePolicy", "iam:DeleteRolePolicy"],
  },
];
