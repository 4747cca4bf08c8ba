/**
 * Where an output may go (cli/output-paths.ts) and how it is written there (cli/outputs.ts),
 * checked on the functions themselves with generated files, folders and paths: an output never
 * replaces anything but an empty file or an earlier output of its kind, never changes what kind
 * of thing is at a path (a device, FIFO, socket or link stays one), never touches the project's
 * own files, and leaves no temporary files. Runs as any user: the only devices written are
 * /dev/null and /dev/full, which everyone may write and which stay what they are.
 * The commands' use of it: test/cli/outputs.test.ts.
 */
import { spawnSync } from "node:child_process";
import {
  closeSync,
  constants,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  readSync,
  realpathSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { createServer } from "node:net";
import type { Server } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { OutputError, outputTarget } from "../../cli/output-paths";
import { removeLeftovers, writeOutputs } from "../../cli/outputs";
import type { FileOutput } from "../../cli/outputs";
import { COMMENT_MARKER } from "../../review/comment-marker";

const temp = () => realpathSync(mkdtempSync(join(tmpdir(), "maas-outputs-")));

const PLAN = `${JSON.stringify({ project: "maas", stack: "dev", note: "n", resources: [] }, null, 2)}\n`;
const DIFF = `${COMMENT_MARKER}\n## maas diff: dev\n`;
const NEW_PLAN = `${JSON.stringify({ project: "maas", stack: "dev", note: "new", resources: [{}] })}\n`;

/** What is at a path, as far as replacing it is concerned; a link and what it points to. */
function kindOf(path: string): string {
  let stats;
  try {
    stats = lstatSync(path);
  } catch {
    return "missing";
  }
  if (stats.isSymbolicLink())
    return `link to ${kindOf(resolve(dirname(path), readlinkSync(path)))}`;
  if (stats.isFile()) return "file";
  if (stats.isDirectory()) return "directory";
  if (stats.isFIFO()) return "fifo";
  if (stats.isSocket()) return "socket";
  if (stats.isCharacterDevice()) return `character device ${stats.rdev}`;
  return "other";
}

const LEFTOVER = /\.(tmp|old)-\d+$|\.lock$/;
function leftovers(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: "utf8" }).filter((name) =>
    LEFTOVER.test(name),
  );
}

function captured() {
  const text = { stdout: "", stderr: "" };
  return {
    text,
    io: {
      stdout: { write: (chunk: string) => (text.stdout += chunk) },
      stderr: { write: (chunk: string) => (text.stderr += chunk) },
    },
  };
}

/** writeOutputs with the process's working directory at `cwd` (the project) for the call. */
function write(outputs: Parameters<typeof writeOutputs>[0], cwd: string) {
  const previous = process.cwd();
  process.chdir(cwd);
  const { io, text } = captured();
  try {
    writeOutputs(outputs, io);
    return { written: true as const, text };
  } catch (error) {
    if (!(error instanceof OutputError)) throw error;
    return { written: false as const, message: error.message, text };
  } finally {
    process.chdir(previous);
  }
}

const planFile = (path: string, text = NEW_PLAN): FileOutput => ({
  flag: "--json",
  kind: "plan",
  path,
  text,
});

let socketDir: string;
let socket: Server;
beforeAll(async () => {
  socketDir = temp();
  socket = createServer();
  await new Promise<void>((done) => socket.listen(join(socketDir, "socket"), done));
});
afterAll(() => new Promise<void>((done) => socket.close(() => done())));

describe("an output replaces only an empty file or an earlier output of its kind", () => {
  /** Existing contents, each with whether --json (plan) and --full (diff) may replace it. */
  const contents = fc.oneof(
    fc.constant({ text: "", plan: true, diff: true }),
    fc
      .dictionary(fc.string({ minLength: 1, maxLength: 8 }), fc.jsonValue(), { maxKeys: 4 })
      .map((extra) => ({
        text: JSON.stringify({ ...extra, project: "maas", stack: "x", note: "n", resources: [] }),
        plan: true,
        diff: false,
      })),
    // A plan's shape with one part missing or of another type: not a plan.
    fc
      .tuple(
        fc.constantFrom("project", "stack", "note", "resources"),
        fc.constantFrom(undefined, 1, null, {}),
      )
      .map(([key, value]) => ({
        text: JSON.stringify({
          project: "maas",
          stack: "x",
          note: "n",
          resources: [],
          [key]: value,
        }),
        plan: false,
        diff: false,
      })),
    fc.string({ maxLength: 40 }).map((rest) => ({
      text: `${COMMENT_MARKER}\n${rest}`,
      plan: false,
      diff: true,
    })),
    // Anything else a user keeps: text, YAML, JSON, bytes.
    fc
      .oneof(
        fc.string({ minLength: 1 }),
        fc.jsonValue().map((value) => JSON.stringify(value)),
        fc.constant("models:\n  a: {}\n"),
        fc.uint8Array({ minLength: 1 }).map((bytes) => Buffer.from(bytes).toString("latin1")),
      )
      .filter((text) => text.length > 0 && !text.startsWith(COMMENT_MARKER))
      .map((text) => ({ text, plan: false, diff: false })),
  );

  it("refuses anything else, leaving it byte for byte as it was and no temporary files", () => {
    const dir = temp();
    let run = 0;
    fc.assert(
      fc.property(contents, fc.constantFrom("plan", "diff" as const), (existing, kind) => {
        const path = join(dir, `file-${run++}`);
        writeFileSync(path, existing.text, "latin1");
        const result = write(
          { file: { flag: kind === "plan" ? "--json" : "--full", kind, path, text: "NEW" } },
          dir,
        );
        expect(result.written, result.written ? "" : result.message).toBe(existing[kind]);
        expect(readFileSync(path, "latin1")).toBe(existing[kind] ? "NEW" : existing.text);
        if (!result.written)
          expect(result.message).toMatch(
            new RegExp(
              `^--${kind === "plan" ? "json" : "full"} .*file-\\d+: is a file that is not an earlier maas ${kind}; `,
            ),
          );
        expect(leftovers(dir)).toEqual([]);
      }),
      { numRuns: 200 },
    );
  });
});

describe("an output never changes what kind of thing is at a path", () => {
  /** Things a path may hold, made in `dir` under `name`. */
  const things: Record<string, (dir: string, name: string) => string> = {
    missing: (dir, name) => join(dir, name),
    "empty file": (dir, name) => made(join(dir, name), () => writeFileSync(join(dir, name), "")),
    "earlier plan": (dir, name) =>
      made(join(dir, name), () => writeFileSync(join(dir, name), PLAN)),
    "earlier diff": (dir, name) =>
      made(join(dir, name), () => writeFileSync(join(dir, name), DIFF)),
    "someone's file": (dir, name) =>
      made(join(dir, name), () => writeFileSync(join(dir, name), "mine")),
    "empty directory": (dir, name) => made(join(dir, name), () => mkdirSync(join(dir, name))),
    "directory of manifests": (dir, name) =>
      made(join(dir, name), () => {
        mkdirSync(join(dir, name));
        writeFileSync(join(dir, name, "00-namespace-a.yaml"), "kind: Namespace\n");
      }),
    "directory with someone's file": (dir, name) =>
      made(join(dir, name), () => {
        mkdirSync(join(dir, name));
        writeFileSync(join(dir, name, "notes.txt"), "mine");
      }),
    "directory with a folder named like a manifest": (dir, name) =>
      made(join(dir, name), () =>
        mkdirSync(join(dir, name, "00-namespace-a.yaml"), { recursive: true }),
      ),
    fifo: (dir, name) => made(join(dir, name), () => mkfifo(join(dir, name))),
    socket: () => join(socketDir, "socket"),
    "link to a socket": (dir, name) =>
      made(join(dir, name), () => symlinkSync(join(socketDir, "socket"), join(dir, name))),
    "/dev/null": (dir, name) =>
      made(join(dir, name), () => symlinkSync("/dev/null", join(dir, name))),
    "link to nothing": (dir, name) =>
      made(join(dir, name), () => symlinkSync(join(dir, "nowhere"), join(dir, name))),
    "link to an earlier plan": (dir, name) =>
      made(join(dir, name), () => {
        writeFileSync(join(dir, `${name}-target`), PLAN);
        symlinkSync(`${name}-target`, join(dir, name));
      }),
    "below a file": (dir, name) =>
      made(join(dir, name, "x"), () => writeFileSync(join(dir, name), "mine")),
  };

  it("whatever the flag and whatever is there: refused with an OutputError, or written in place", () => {
    const dir = temp();
    let run = 0;
    fc.assert(
      fc.property(
        fc.constantFrom(...Object.keys(things)),
        fc.constantFrom("--json", "--full", "--manifests"),
        (thing, flag) => {
          const path = things[thing]!(dir, `p${run++}`);
          const before = kindOf(path);
          const spare = join(dir, `spare${run}.json`);
          const result = write(
            flag === "--manifests"
              ? {
                  file: planFile(spare),
                  dir: { flag, path, files: [{ name: "00-namespace-b.yaml", text: "{}\n" }] },
                }
              : { file: { flag, kind: flag === "--json" ? "plan" : "diff", path, text: "NEW" } },
            dir,
          );
          const after = kindOf(path);
          if (before === "missing")
            expect(after).toBe(
              result.written ? (flag === "--manifests" ? "directory" : "file") : "missing",
            );
          else expect(after, `${flag} over ${thing}`).toBe(before);
          expect(leftovers(dir)).toEqual([]);
          if (!result.written) expect(result.message.startsWith(`${flag} ${path}: `)).toBe(true);
        },
      ),
      { numRuns: 150 },
    );
  });

  it("writes to /dev/null and a FIFO that is read, and replaces neither", () => {
    const dir = temp();
    const fifo = join(dir, "fifo");
    mkfifo(fifo);
    // The reader opens first, without waiting for a writer; the plan fits the pipe's buffer.
    const reader = openSync(fifo, constants.O_RDONLY | constants.O_NONBLOCK);
    try {
      expect(write({ file: planFile(fifo) }, dir).written).toBe(true);
      const buffer = Buffer.alloc(NEW_PLAN.length + 10);
      expect(buffer.toString("utf8", 0, readSync(reader, buffer))).toBe(NEW_PLAN);
    } finally {
      closeSync(reader);
    }
    expect(kindOf(fifo)).toBe("fifo");
    const devNull = statSync("/dev/null").rdev;
    expect(write({ file: planFile("/dev/null") }, dir).written).toBe(true);
    expect(kindOf("/dev/null")).toBe(`character device ${devNull}`);
    expect(leftovers(dir)).toEqual([]);
  });

  it("refuses a FIFO nobody reads instead of waiting for a reader", () => {
    const dir = temp();
    mkfifo(join(dir, "fifo"));
    const result = write({ file: planFile(join(dir, "fifo")) }, dir);
    expect(result).toMatchObject({
      written: false,
      message: expect.stringContaining("no process reads the FIFO"),
    });
    expect(kindOf(join(dir, "fifo"))).toBe("fifo");
  });

  it("writes /dev/stdout and /dev/stderr to the command's own streams", () => {
    const dir = temp();
    for (const [path, stream] of [
      ["/dev/stdout", "stdout"],
      ["/dev/fd/2", "stderr"],
    ] as const) {
      const result = write({ file: planFile(path) }, dir);
      expect(result.written).toBe(true);
      expect(result.text[stream]).toBe(NEW_PLAN);
    }
    expect(() => outputTarget("--manifests", "/dev/stdout", "manifests")).toThrow(
      /^--manifests \/dev\/stdout: is a (character device|FIFO|file|socket), not a directory; /,
    );
  });

  it("puts the previous manifests back when the plan cannot be written after them", () => {
    const dir = temp();
    const manifests = join(dir, "manifests");
    mkdirSync(manifests);
    writeFileSync(join(manifests, "00-namespace-old.yaml"), "old\n");
    // /dev/full takes the open and refuses the write (ENOSPC), after the manifests moved in.
    const result = write(
      {
        file: planFile("/dev/full"),
        dir: {
          flag: "--manifests",
          path: manifests,
          files: [{ name: "00-namespace-new.yaml", text: "new\n" }],
        },
      },
      dir,
    );
    expect(result).toMatchObject({
      written: false,
      message: expect.stringMatching(/^--json \/dev\/full: cannot be written: .*ENOSPC/),
    });
    expect(readdirSync(manifests)).toEqual(["00-namespace-old.yaml"]);
    expect(readdirSync(dir)).toEqual(["manifests"]);
  });

  it("refuses a plan inside the manifests directory, which is replaced whole", () => {
    const dir = temp();
    const result = write(
      {
        file: planFile(join(dir, "m", "plan.json")),
        dir: { flag: "--manifests", path: join(dir, "m"), files: [] },
      },
      dir,
    );
    expect(result).toMatchObject({
      written: false,
      message: expect.stringContaining("is inside --manifests"),
    });
    expect(existsSync(join(dir, "m"))).toBe(false);
  });
});

describe("what a killed maas plan left behind", () => {
  it("is removed, and the previous manifests are put back when the new ones were not yet in place", () => {
    const dir = temp();
    const [json, manifests] = [join(dir, "plan.json"), join(dir, "manifests")];
    writeFileSync(`${json}.tmp-4242`, "half");
    mkdirSync(`${manifests}.tmp-4242`);
    mkdirSync(`${manifests}.old-4242`);
    writeFileSync(join(`${manifests}.old-4242`, "00-namespace-a.yaml"), "previous\n");
    writeFileSync(`${json}.lock`, "4242");
    // Another writer's lock is that writer's.
    writeFileSync(`${manifests}.lock`, "4343");
    removeLeftovers(4242, json, manifests);
    expect(readdirSync(dir).sort()).toEqual(["manifests", "manifests.lock"]);
    expect(readFileSync(join(manifests, "00-namespace-a.yaml"), "utf8")).toBe("previous\n");
  });
});

describe("inside the project, its own files are never outputs", () => {
  /** A project under git: tracked program, build context, tests (with a committed plan), stack files. */
  function project(options: { git: boolean }): { sandbox: string; root: string } {
    const sandbox = temp();
    const root = join(sandbox, "project");
    const files: Record<string, string> = {
      "Pulumi.yaml": "name: maas\n",
      "Pulumi.dev.yaml": "config: {}\n",
      "models.yaml": "models: {}\n",
      "package.json": "{}\n",
      "cli/main.ts": "export {};\n",
      "models/m/Dockerfile": "FROM scratch\n",
      "test/golden/plan.json": PLAN,
      "out/dev/plan.json": PLAN,
    };
    for (const [file, text] of Object.entries(files)) {
      mkdirSync(dirname(join(root, file)), { recursive: true });
      writeFileSync(join(root, file), text);
    }
    symlinkSync("cli", join(root, "link-to-cli"));
    if (options.git) {
      writeFileSync(join(root, ".gitignore"), "/out/\n");
      for (const args of [
        ["init", "-q"],
        ["add", "."],
      ])
        expect(spawnSync("git", args, { cwd: root }).status).toBe(0);
    }
    return { sandbox, root };
  }

  /** Every path in the project but .git/ (git status itself writes there). */
  const paths = (root: string) =>
    readdirSync(root, { recursive: true, encoding: "utf8" }).filter(
      (name) => !name.startsWith(".git"),
    );

  it("never changes a file git tracks nor adds one to a folder git tracks files in", () => {
    const { sandbox, root } = project({ git: true });
    const segment = fc.constantFrom(
      "cli",
      "models",
      "m",
      "test",
      "golden",
      "out",
      "dev",
      "fresh",
      "..",
      ".",
      ".git",
      "link-to-cli",
      "plan.json",
      "models.yaml",
      "package.json",
      "Pulumi.yaml",
      "Pulumi.new.yaml",
    );
    fc.assert(
      fc.property(
        fc.array(segment, { minLength: 1, maxLength: 4 }),
        fc.boolean(),
        (segments, asManifests) => {
          const path = join(...segments);
          // Within the sandbox: an escape would only test the file rules, elsewhere in /tmp.
          fc.pre(resolve(root, path).startsWith(sandbox));
          const before = paths(root);
          write(
            asManifests
              ? {
                  file: planFile(join(sandbox, "spare.json")),
                  dir: { flag: "--manifests", path, files: [] },
                }
              : { file: planFile(path) },
            root,
          );
          const status = spawnSync("git", ["diff", "--name-status"], {
            cwd: root,
            encoding: "utf8",
          });
          expect(status.stdout, `a tracked file changed writing ${path}`).toBe("");
          for (const added of paths(root).filter((name) => !before.includes(name))) {
            expect(added, `written over ${path}`).not.toMatch(/^(cli|models|test)(\/|$)/);
            expect(added, `written over ${path}`).not.toMatch(/(^|\/)Pulumi(\..+)?\.ya?ml$/);
          }
        },
      ),
      { numRuns: 150 },
    );
  });

  it("writes under out/, a folder of its own, or a new file at the root", () => {
    const { root } = project({ git: true });
    let run = 0;
    fc.assert(
      fc.property(
        fc.constantFrom("out", "maas-diff", "fresh", ""),
        fc.stringMatching(/^[a-z][a-z0-9-]{0,8}$/),
        (folder, name) => {
          const path = join(
            folder === "out" ? "out" : `${folder}${folder ? run++ : ""}`,
            `${name}-${run++}.json`,
          );
          const result = write({ file: planFile(path) }, root);
          expect(result.written, result.written ? "" : result.message).toBe(true);
          expect(readFileSync(join(root, path), "utf8")).toBe(NEW_PLAN);
        },
      ),
      { numRuns: 60 },
    );
  });

  it("names the rule: a tracked file, a tracked folder, a stack file, the project itself", () => {
    const { root } = project({ git: true });
    const refusal = (flag: string, path: string) => {
      const result = write(
        flag === "--manifests"
          ? { file: planFile(join(temp(), "p.json")), dir: { flag, path, files: [] } }
          : { file: planFile(path) },
        root,
      );
      return result.written ? "written" : result.message;
    };
    const rule =
      ": the project's own files are never outputs; inside the project, give a path under out/ or another folder of its own";
    expect(refusal("--json", "models.yaml")).toBe(`--json models.yaml: git tracks it${rule}`);
    expect(refusal("--json", "test/golden/plan.json")).toBe(
      `--json test/golden/plan.json: is inside test/, a folder git tracks files in${rule}`,
    );
    expect(refusal("--json", "link-to-cli/plan.json")).toBe(
      `--json link-to-cli/plan.json: is inside cli/, a folder git tracks files in${rule}`,
    );
    expect(refusal("--json", "Pulumi.staging.yaml")).toBe(
      `--json Pulumi.staging.yaml: is named as a Pulumi project or stack file${rule}`,
    );
    expect(refusal("--json", ".git/plan.json")).toBe(
      `--json .git/plan.json: is inside .git/${rule}`,
    );
    expect(refusal("--manifests", ".")).toBe(`--manifests .: is the project directory${rule}`);
    expect(refusal("--manifests", "models")).toBe(
      `--manifests models: is a folder git tracks files in${rule}`,
    );
  });

  it("without git, still refuses stack files' names and files maas did not write", () => {
    const { root } = project({ git: false });
    expect(write({ file: planFile("Pulumi.staging.yaml") }, root)).toMatchObject({
      written: false,
    });
    expect(write({ file: planFile("models.yaml") }, root)).toMatchObject({
      written: false,
      message: expect.stringContaining("is a file that is not an earlier maas plan"),
    });
    expect(readFileSync(join(root, "models.yaml"), "utf8")).toBe("models: {}\n");
  });
});

function made(path: string, make: () => void): string {
  make();
  return path;
}

function mkfifo(path: string): void {
  expect(spawnSync("mkfifo", [path]).status).toBe(0);
}
