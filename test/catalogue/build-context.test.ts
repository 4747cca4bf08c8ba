/** Build content digests: what Docker would send, by Docker's .dockerignore rules, and nothing else. */
import { spawnSync } from "node:child_process";
import {
  appendFileSync,
  chmodSync,
  cpSync,
  mkdtempSync,
  realpathSync,
  renameSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeEach, describe, expect, it } from "vitest";
import { checkCatalogueText } from "../../catalogue";
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

describe("build contexts stay inside the project", () => {
  let project: string;
  const catalogue = (context: string, dockerfile?: string) =>
    [
      "apiVersion: maas/v1",
      "models:",
      "  a:",
      "    owner: team-a",
      `    build: { context: ${JSON.stringify(context)}${dockerfile ? `, dockerfile: ${dockerfile}` : ""} }`,
      '    versions: { "1.0.0": { traffic: 100 } }',
      "",
    ].join("\n");
  const problemsIn = (text: string) => {
    const checked = checkCatalogueText(text, join(project, "models.yaml"), {
      projectRoot: project,
    });
    return checked.ok
      ? []
      : checked.problems.map((p) => `${p.line}:${p.col}: ${p.path}: ${p.message}`);
  };

  beforeEach(() => {
    project = realpathSync(mkdtempSync(join(tmpdir(), "maas-project-")));
    cpSync("models/image-classifier", join(project, "server"), { recursive: true });
  });

  it("accepts a context inside the project", () => {
    expect(problemsIn(catalogue("./server"))).toEqual([]);
  });

  it.each([
    ["an absolute path elsewhere", () => "/"],
    ["a climb out with ..", () => "../"],
    [
      "a link leading out",
      () => {
        symlinkSync(tmpdir(), join(project, "outside"));
        return "./outside";
      },
    ],
  ])("refuses %s", (_what, context) => {
    const written = context();
    const [problem] = problemsIn(catalogue(written));
    expect(problem).toMatch(
      /^5:23: models\.a\.build\.context: resolves to \S+, outside the project directory \S+: a build sends its whole context to the builder; keep build contexts inside the project$/,
    );
  });

  it("refuses a link to a file outside the context, and a FIFO, without hanging", () => {
    symlinkSync("/etc/hostname", join(project, "server", "hostname"));
    appendFileSync(join(project, "server", ".dockerignore"), "!hostname\n!pipe\n");
    expect(spawnSync("mkfifo", [join(project, "server", "pipe")]).status).toBe(0);
    expect(problemsIn(catalogue("./server"))).toEqual([
      "5:23: models.a.build.context: cannot be sent to the builder: hostname: is a link to /etc/hostname, outside the build context; pipe: is not a file or directory (a FIFO, socket or device); a build context holds only files and directories, and links within it",
    ]);
  });

  it("refuses a Dockerfile that leads outside its context", () => {
    renameSync(join(project, "server", "Dockerfile"), join(project, "real.Dockerfile"));
    symlinkSync(join(project, "real.Dockerfile"), join(project, "server", "Dockerfile"));
    expect(problemsIn(catalogue("./server"))).toEqual([
      "5:23: models.a.build.context: Dockerfile resolves outside the build context; keep it inside",
    ]);
  });
});
