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
const { readFileSync } = require("node:fs");
const DEPENDENCY = `${sep}node_modules${sep}`;
const nodeLoadsJs = Module._extensions[".js"];
require("tsx/cjs/api").register();
// @pulumi/pulumi's index loads its closure serialiser, which loads the TypeScript compiler
// (typescript.js, 9 MB, through its typescript-shim.js) and npm's Arborist (with pacote and
// sigstore) when its modules load, though it uses them only when a function is serialised
// (runtime/closure/parseFunction.js) or a package's code paths are computed (codePaths.js): a
// fifth of a `maas plan` of the test project (1.60 -> 1.23 s wall, 2.10 -> 1.67 s of CPU), and
// the plan serialises no function. Those two modules' requires of them get a stand-in that loads
// the module on first use, so a program that does serialise one still gets the real module, and
// the shim still falls back to Pulumi's vendored TypeScript. (Pulumi made its own tsutils.js
// load the compiler lazily for the same reason: pulumi/pulumi pull request 10185.) Only where
// the module's source holds the very statement below, whose use of the module (properties read
// when called) the stand-in serves: a release that moves or rewrites it is loaded as it is, only
// slower.
const PULUMI_SDK = `${sep}node_modules${sep}@pulumi${sep}pulumi${sep}`;
const LOAD_ON_FIRST_USE = [
  {
    file: `${PULUMI_SDK}${["runtime", "closure", "parseFunction.js"].join(sep)}`,
    request: "../../typescript-shim",
    statement: 'const ts = require("../../typescript-shim");',
  },
  {
    file: `${PULUMI_SDK}${["runtime", "closure", "codePaths.js"].join(sep)}`,
    request: "@npmcli/arborist",
    statement: 'const arborist = __importStar(require("@npmcli/arborist"));',
  },
];
// Only those two modules' own `require` is wrapped (the function a module's code calls reads its
// module's `require` method at every call), not Module._load: Node decides whether to warn that a
// deprecated builtin (`punycode`, DEP0040 on Node 22+) is required from the first frame of the
// caller's stack that is not its own, and a hook around every load would be that frame, outside
// node_modules, for every dependency's require.
function deferOnFirstUse(module, request) {
  const requireNow = module.require;
  module.require = function requireOrDefer(id) {
    if (id !== request) return requireNow.call(this, id);
    let loaded;
    const real = () => (loaded ??= requireNow.call(this, id));
    // `__esModule` so that the caller's `__importStar` keeps the stand-in instead of copying its
    // properties (which would load the module at once).
    return new Proxy(
      {},
      {
        get: (_, key) => (key === "__esModule" ? true : Reflect.get(real(), key)),
        has: (_, key) => Reflect.has(real(), key),
        ownKeys: () => Reflect.ownKeys(real()),
        getOwnPropertyDescriptor: (_, key) => {
          const descriptor = Reflect.getOwnPropertyDescriptor(real(), key);
          return descriptor && { ...descriptor, configurable: true };
        },
        set: (_, key, value) => Reflect.set(real(), key, value),
        deleteProperty: (_, key) => Reflect.deleteProperty(real(), key),
      },
    );
  };
}
for (const extension of [".js", ".mjs"]) {
  const tsxLoads = Module._extensions[extension];
  Module._extensions[extension] = function load(module, filename) {
    if (!filename.includes(DEPENDENCY)) return tsxLoads.call(this, module, filename);
    const deferred = LOAD_ON_FIRST_USE.find(({ file }) => filename.endsWith(file));
    if (deferred && readFileSync(filename, "utf8").includes(deferred.statement))
      deferOnFirstUse(module, deferred.request);
    return nodeLoadsJs.call(this, module, filename);
  };
}
// tsx turns Node's source maps on for every module (its compiled files carry inline maps), and
// Node then reads each module's map as it loads it, dependencies' included: a tenth of a `maas
// plan`'s start-up (2.33 -> 2.13 s median). Only a stack trace needs them, and maas prints one
// only under MAAS_DEBUG (cli/main.ts).
if (!process.env.MAAS_DEBUG) process.setSourceMapsEnabled(false);
require("../cli/main.ts").run();
