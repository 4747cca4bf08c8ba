/** Stack config for tests, as the program reads it: every value given, secrets wrapped. */
import * as pulumi from "@pulumi/pulumi";
import type { ConfigSource } from "../../stack/settings";

export function configSource(config: Record<string, string>): ConfigSource {
  return {
    get: (key) => config[key],
    getSecret: (key) => (config[key] === undefined ? undefined : pulumi.secret(config[key])),
    keys: () => Object.keys(config),
  };
}
