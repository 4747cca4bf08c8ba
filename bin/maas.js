#!/usr/bin/env node
// The `maas` command. The CLI is TypeScript like the stack it shares code with; tsx
// (esbuild) compiles it on the fly, so there is no build step to forget before running it.
"use strict";
// Most of a run's start-up is V8 compiling the Pulumi and AWS SDKs; Node 22.1+ keeps that work
// on disk and reuses it while a file's content is unchanged (node:module's compile cache, in
// NODE_COMPILE_CACHE or os.tmpdir()/node-compile-cache; NODE_DISABLE_COMPILE_CACHE=1 turns it
// off). `maas plan` of the test project: 2.45 s to 2.05 s median on Node 24 (docs/performance.md).
// Node 20 has no such cache: the call is skipped there.
require("node:module").enableCompileCache?.();
// tsx compiles our TypeScript, and also takes over Node's loader for every `.js` and `.mjs`
// file: it reads each dependency's file and scans it for import/export syntax (es-module-lexer),
// to convert ESM written in CommonJS packages, which it cannot tell apart without reading them
// (tsx pull request 365). That was about a fifth of a `maas plan` of the test project (2.0 s,
// 1.6 s without; @pulumi/pulumi alone loaded in 0.75-0.9 s instead of 0.47 s). Node loads our
// dependencies itself, ESM ones included (require(esm) and module syntax detection, on by
// default from 20.19 and 22.12: package.json's engines): files under node_modules go to Node's
// own loader, the project's TypeScript to tsx's. (A package that declares itself CommonJS but
// holds ESM syntax, which tsx converted, is refused by Node; no dependency of ours is one.)
const Module = require("node:module");
const { sep } = require("node:path");
const DEPENDENCY = `${sep}node_modules${sep}`;
const nodeLoadsJs = Module._extensions[".js"];
require("tsx/cjs/api").register();
for (const extension of [".js", ".mjs"]) {
  const tsxLoads = Module._extensions[extension];
  Module._extensions[extension] = function load(module, filename) {
    return (filename.includes(DEPENDENCY) ? nodeLoadsJs : tsxLoads).call(this, module, filename);
  };
}
// tsx turns Node's source maps on for every module (its compiled files carry inline maps), and
// Node then reads each module's map as it loads it, dependencies' included: a tenth of a `maas
// plan`'s start-up (2.33 -> 2.13 s median). Only a stack trace needs them, and maas prints one
// only under MAAS_DEBUG (cli/main.ts).
if (!process.env.MAAS_DEBUG) process.setSourceMapsEnabled(false);
require("../cli/main.ts").run();
