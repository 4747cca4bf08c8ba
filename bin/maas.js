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
require("tsx/cjs/api").register();
// tsx turns Node's source maps on for every module (its compiled files carry inline maps), and
// Node then reads each module's map as it loads it, dependencies' included: a tenth of a `maas
// plan`'s start-up (2.33 -> 2.13 s median). Only a stack trace needs them, and maas prints one
// only under MAAS_DEBUG (cli/main.ts).
if (!process.env.MAAS_DEBUG) process.setSourceMapsEnabled(false);
require("../cli/main.ts").run();
