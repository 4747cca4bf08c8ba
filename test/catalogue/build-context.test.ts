/** Build content digests: what Docker would send, by Docker's .dockerignore rules, and nothing else. */
import {
  appendFileSync,
  chmodSync,
  cpSync,
  mkdtempSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeEach, describe, expect, it } from "vitest";
import { buildDigest, contextFiles } from "../../catalogue/build-context";

let context: string;
const digest = (overrides: Partial<Parameters<typeof buildDigest>[0]> = {}) =>
  buildDigest({ context, dockerfile: "Dockerfile", args: {}, ...overrides });

beforeEach(() => {
  context = join(mkdtempSync(join(tmpdir(), "maas-context-")), "ctx");
  cpSync("models/image-classifier", context, { recursive: true });
});

describe("build context digest", () => {
  it("sees exactly the files .dockerignore lets through", () => {
    writeFileSync(join(context, "notes.md"), "not in the image");
    expect(contextFiles(context)).toEqual(["Dockerfile", "server.py", "weights.json"]);
  });

  it("is stable for the same content", () => {
    expect(digest()).toBe(digest());
    expect(digest()).toMatch(/^sha256:[0-9a-f]{64}$/);
  });

  it("does not change when an ignored file changes", () => {
    const before = digest();
    writeFileSync(join(context, "notes.md"), "scratch");
    expect(digest()).toBe(before);
  });

  it("changes when a file of the image changes", () => {
    const before = digest();
    writeFileSync(join(context, "weights.json"), '{"forest": [0, 0, 0, 0]}');
    expect(digest()).not.toBe(before);
  });

  it("changes with the build args, the target and every permission bit (docker-build rebuilds on each)", () => {
    chmodSync(join(context, "server.py"), 0o644);
    const before = digest();
    expect(digest({ args: { PYTHON_IMAGE: "python:3.13-slim" } })).not.toBe(before);
    expect(digest({ target: "runtime" })).not.toBe(before);
    chmodSync(join(context, "server.py"), 0o664);
    const groupWritable = digest();
    expect(groupWritable).not.toBe(before);
    chmodSync(join(context, "server.py"), 0o755);
    expect(digest()).not.toBe(before);
    expect(digest()).not.toBe(groupWritable);
  });

  it("follows a link to the content docker-build hashes", () => {
    // The context lets only the link through (`*` ignores the rest): only the link's entry can
    // see its target's content change.
    appendFileSync(join(context, ".dockerignore"), "!linked.json\n");
    writeFileSync(join(context, "real.json"), "{}");
    symlinkSync("real.json", join(context, "linked.json"));
    const before = digest();
    writeFileSync(join(context, "real.json"), '{"changed": true}');
    expect(digest()).not.toBe(before);
  });

  it("re-includes files below an ignored directory, as Docker does", () => {
    writeFileSync(join(context, ".dockerignore"), "*\n!server.py\n!weights.json\n");
    expect(contextFiles(context)).toEqual(["server.py", "weights.json"]);
  });
});
