/**
 * A module loaded when a command needs it rather than when the CLI starts: the stack and its
 * providers take a second to import, and validate, schema and a usage error need none of it.
 *
 * Under the CLI (bin/maas.js), tsx compiles TypeScript for `require`: the CLI runs as CommonJS,
 * where `import()` would reach Node's ES module loader, which tsx does not hook. Under vitest
 * (main() run in-process), Vite compiles TypeScript for `import()` only. The same test as
 * plan/entry.ts; both loaders are written out at each call, as each compiler resolves only
 * literal specifiers.
 */
export function onDemand<T>(viaRequire: () => T, viaImport: () => Promise<T>): Promise<T> {
  return require.extensions[".ts"] ? Promise.resolve(viaRequire()) : viaImport();
}
