/** What the platform under the stack fixes: addresses and taints of EKS and its GPU nodes. */

/** EKS Pod Identity agent address: pods fetch credentials from it (IPv4, port 80). */
export const POD_IDENTITY_AGENT = { cidr: "169.254.170.23/32", port: 80 };

/** GPU nodes carry this taint (EKS GPU AMIs, NVIDIA GPU operator); GPU pods tolerate it. */
export const GPU_TOLERATIONS = [
  { key: "nvidia.com/gpu", operator: "Exists", effect: "NoSchedule" },
];
