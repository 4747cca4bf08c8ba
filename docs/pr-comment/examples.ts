/**
 * The rendered pull-request comments in docs/pr-comment/: what `maas diff --base base.yaml --stack
 * dev prod` writes for two edits of the test project (test/fixtures/project: its catalogue and
 * stack files, the repository's program). `npm run pr-comment` writes them;
 * test/docs/pr-comment.test.ts renders them again and fails while a committed one differs, so
 * the examples show what `maas diff` writes today.
 *
 * Each edit runs in a temporary copy of the test project, as a data team's pull request would:
 * the base catalogue beside the edited one, `maas diff` run through the CLI's main() (what
 * bin/maas.js runs), its output captured.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { main } from "../../cli/main";

const ROOT = resolve(__dirname, "..", "..");
const PROJECT = join(ROOT, "test", "fixtures", "project");

export interface CommentExample {
  /** The Markdown file under docs/pr-comment/. */
  file: string;
  /** The exit code `maas diff` must give (1: a risk refuses the change). */
  exitCode: number;
  /** The edit, as text replacements in the test project's models.yaml. */
  edits: [before: string, after: string][];
}

export const EXAMPLES: CommentExample[] = [
  {
    // A canary of image-classifier 1.6.0 in the base catalogue and the dev overlay.
    file: "add-canary.md",
    exitCode: 0,
    edits: [
      [
        '      "1.4.0": { traffic: 90 }\n',
        '      "1.4.0": { traffic: 80 }\n      "1.6.0": { traffic: 10 }\n',
      ],
      [
        'versions: { "1.4.0": { traffic: 50 }, "1.5.0": { traffic: 50 } }',
        'versions: { "1.4.0": { traffic: 45 }, "1.5.0": { traffic: 45 }, "1.6.0": { traffic: 10 } }',
      ],
    ],
  },
  {
    // text-embedder 2.0.0 retired while it takes 100 % and the standby promoted in the same
    // edit (refused), with an environment variable a reviewer must see as literal text.
    file: "retire-with-traffic.md",
    exitCode: 1,
    edits: [
      ['      "2.0.0": { traffic: 100 }\n', '      "2.0.0": { retired: true }\n'],
      ["        traffic: 0\n        image: 123", "        traffic: 100\n        image: 123"],
      [
        'env: { SCORE_THRESHOLD: "0.85" }',
        'env: { SCORE_THRESHOLD: "0.9", NOTE: "@risk-team | <b>see</b> [docs](https://example.com)" }',
      ],
    ],
  },
];

/** The comment `maas diff` writes for `example`, or why it could not. */
export async function renderExample(example: CommentExample): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), "maas-pr-comment-"));
  try {
    for (const file of ["Pulumi.dev.yaml", "Pulumi.prod.yaml", "models.yaml", "server"])
      cpSync(join(PROJECT, file), join(dir, file), { recursive: true });
    // The program is the repository's own, as in the test project (whose main is relative).
    const project = readFileSync(join(PROJECT, "Pulumi.yaml"), "utf8");
    writeFileSync(join(dir, "Pulumi.yaml"), project.replace(/^main: .*$/m, `main: ${ROOT}`));
    const base = readFileSync(join(PROJECT, "models.yaml"), "utf8");
    writeFileSync(join(dir, "base.yaml"), base);
    let head = base;
    for (const [before, after] of example.edits) {
      if (!head.includes(before))
        throw new Error(`${example.file}: the test project's models.yaml has no ${before}`);
      head = head.replace(before, after);
    }
    writeFileSync(join(dir, "models.yaml"), head);
    const stdout: string[] = [];
    const stderr: string[] = [];
    const status = await main(["diff", "--base", "base.yaml", "--stack", "dev", "prod"], {
      cwd: dir,
      stdout: { write: (text: string) => stdout.push(text) },
      stderr: { write: (text: string) => stderr.push(text) },
      env: { ...process.env, NO_COLOR: "1" },
    });
    if (status !== example.exitCode)
      throw new Error(
        `${example.file}: maas diff exited ${status}, not ${example.exitCode}:\n${stderr.join("")}`,
      );
    return stdout.join("");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (require.main === module)
  void (async () => {
    for (const example of EXAMPLES) {
      writeFileSync(join(__dirname, example.file), await renderExample(example));
      process.stdout.write(`docs/pr-comment/${example.file}: written\n`);
    }
  })();
