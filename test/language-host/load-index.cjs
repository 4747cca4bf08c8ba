// Loads index.ts the way Pulumi's Node.js language host does (@pulumi/pulumi cmd/run/run.js):
// ts-node from the project, registered with the project's tsconfig.json compiler options over
// the host's defaults, type checking as the host decides it (on, unless
// PULUMI_NODEJS_TRANSPILE_ONLY=true or the tsconfig's noCheck says otherwise); then runs it
// under Pulumi's mock runtime with the dev stack's config and prints what it registered as JSON,
// with the options ts-node was given and the project's files it compiled. A module-format or
// tsconfig mistake fails here, not in a user's `pulumi up`.
"use strict";
const fs = require("node:fs");
const path = require("node:path");

const projectDir = path.resolve(__dirname, "..", "..");
const stack = process.argv[2] || "dev";
process.chdir(projectDir);

const ts = require("typescript");
const compilerOptions =
  ts.parseConfigFileTextToJson("tsconfig.json", fs.readFileSync("tsconfig.json", "utf8")).config
    .compilerOptions ?? {};
const transpileOnlyEnv = process.env.PULUMI_NODEJS_TRANSPILE_ONLY;
const hostOptions = {
  target: "ES2020",
  module: "nodenext",
  moduleResolution: "nodenext",
  sourceMap: "true",
  ...compilerOptions,
};
require("ts-node").register({
  compiler: "typescript",
  transpileOnly: transpileOnlyEnv ? transpileOnlyEnv === "true" : compilerOptions.noCheck,
  project: "tsconfig.json",
  skipProject: false,
  compilerOptions: hostOptions,
});

const { recordProgram } = require("../../plan/record.ts");
const { readStackConfig } = require("../../plan/stack-config.ts");

const config = readStackConfig(projectDir, stack);
recordProgram(
  {
    project: config.project,
    stack,
    config: config.config,
    secretKeys: config.secretKeys,
    placeholders: { region: config.config["aws:region"] },
  },
  () => ({ ...require(path.join(projectDir, "index.ts")) }),
).then(
  (recording) => {
    process.stdout.write(
      JSON.stringify({
        typescript: ts.version,
        urns: recording.resources.map((r) => r.urn).sort(),
        outputs: recording.outputs,
        hostOptions,
        compiled: Object.keys(require.cache)
          .filter(
            (file) => file.endsWith(".ts") && !file.includes(`${path.sep}node_modules${path.sep}`),
          )
          .map((file) => path.relative(projectDir, file))
          .sort(),
      }),
    );
  },
  (error) => {
    process.stderr.write(`${error && error.stack ? error.stack : String(error)}\n`);
    process.exitCode = 1;
  },
);
