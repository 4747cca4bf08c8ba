/**
 * The maas guardrails as a CrossGuard policy pack:
 *   pulumi preview --policy-pack policy/pack [--policy-pack-config policy/pack/prod.json]
 * Constructing the pack starts its gRPC server, so the policies live in guardrails.ts, where
 * the tests reach them.
 */
import { PolicyPack } from "@pulumi/policy";
import { GUARDRAILS } from "./guardrails";

new PolicyPack("maas-guardrails", { policies: GUARDRAILS });
