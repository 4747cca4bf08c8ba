#!/usr/bin/env node
// The `maas` command. The CLI is TypeScript like the stack it shares code with; tsx
// (esbuild) compiles it on the fly, so there is no build step to forget before running it.
"use strict";
require("tsx/cjs/api").register();
require("../cli/main.ts").run();
