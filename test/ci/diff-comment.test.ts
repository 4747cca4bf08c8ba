/**
 * The comment script of maas-comment.yml with a fake GitHub client: one comment per pull
 * request, found by its marker and updated; nothing posted for a run that is not the pull
 * request's head, and the body always within GitHub's limit.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

// eslint-disable-next-line @typescript-eslint/no-require-imports
const post = require("../../.github/scripts/diff-comment.cjs") as (args: object) => Promise<void>;

const MARKER = "<!-- maas-diff -->";

function artifact(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), "maas-artifact-"));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

function fakeGitHub(existing: { id: number; login: string; body: string }[], headSha = "abc") {
  const calls: string[] = [];
  const github = {
    paginate: (_method: unknown, params: { issue_number: number }) => {
      calls.push(`list #${params.issue_number}`);
      return Promise.resolve(
        existing.map((c) => ({ id: c.id, user: { login: c.login }, body: c.body })),
      );
    },
    rest: {
      pulls: { get: () => Promise.resolve({ data: { head: { sha: headSha } } }) },
      issues: {
        listComments: {},
        updateComment: (p: { comment_id: number; body: string }) =>
          Promise.resolve(calls.push(`update ${p.comment_id}: ${p.body.length}`)),
        createComment: (p: { issue_number: number; body: string }) =>
          Promise.resolve(calls.push(`create #${p.issue_number}: ${p.body.slice(0, 40)}`)),
      },
    },
  };
  const messages: string[] = [];
  const core = {
    setFailed: (m: string) => messages.push(`failed: ${m}`),
    info: (m: string) => messages.push(m),
    notice: (m: string) => messages.push(`notice: ${m}`),
  };
  return { github, core, calls, messages, context: { repo: { owner: "o", repo: "r" } } };
}

describe("diff comment script", () => {
  const diff = `${MARKER}\n## maas diff\n`;

  it("updates its own earlier comment, found by the marker, and leaves others alone", async () => {
    const fake = fakeGitHub([
      { id: 1, login: "someone", body: `${MARKER} quoted by a human` },
      { id: 2, login: "github-actions[bot]", body: `${MARKER}\nold` },
    ]);
    await post({
      ...fake,
      dir: artifact({ "pr-number": "7\n", "comment.md": diff }),
      headSha: "abc",
    });
    expect(fake.calls).toEqual(["list #7", `update 2: ${diff.length}`]);
  });

  it("creates the comment the first time", async () => {
    const fake = fakeGitHub([]);
    await post({
      ...fake,
      dir: artifact({ "pr-number": "7", "comment.md": diff }),
      headSha: "abc",
    });
    expect(fake.calls).toEqual(["list #7", "create #7: <!-- maas-diff -->\n## maas diff\n"]);
  });

  it("posts nothing where the artifact's pull request is not the one whose head ran", async () => {
    const fake = fakeGitHub([], "another-sha");
    await post({
      ...fake,
      dir: artifact({ "pr-number": "7", "comment.md": diff }),
      headSha: "abc",
    });
    expect(fake.calls).toEqual([]);
    expect(fake.messages).toEqual([
      "failed: pull request #7 is at another-sha, not abc: not posting this run's diff there",
    ]);
  });

  it("refuses a pull request number that is not one, and posts nothing without an artifact", async () => {
    const bad = fakeGitHub([]);
    await post({ ...bad, dir: artifact({ "pr-number": "7; rm -rf /" }), headSha: "abc" });
    expect(bad.calls).toEqual([]);
    expect(bad.messages[0]).toMatch(/^failed: the artifact names no pull request/);
    const none = fakeGitHub([]);
    await post({ ...none, dir: artifact({}), headSha: "abc" });
    expect(none.calls).toEqual([]);
    expect(none.messages).toEqual(["notice: no maas-diff artifact in this run: nothing to post"]);
  });

  it("says so when the run produced no diff, and cuts a body over GitHub's limit", async () => {
    const empty = fakeGitHub([]);
    await post({
      ...empty,
      dir: artifact({ "pr-number": "7", "comment.md": "" }),
      headSha: "abc",
      runUrl: "https://x/run",
    });
    expect(empty.calls[1]).toBe("create #7: <!-- maas-diff -->\n## maas diff\n\nThe `ma");
    const big = fakeGitHub([{ id: 3, login: "github-actions[bot]", body: MARKER }]);
    await post({
      ...big,
      dir: artifact({ "pr-number": "7", "comment.md": `${diff}${"x".repeat(70_000)}` }),
      headSha: "abc",
    });
    expect(big.calls[1]).toBe("update 3: 65536");
  });

  it("posts an invalid catalogue's errors, and maas diff's own words when it made no diff, for the commit that ran", async () => {
    const bodies: string[] = [];
    const capture = (gh: ReturnType<typeof fakeGitHub>) => {
      gh.github.rest.issues.createComment = (p: { issue_number: number; body: string }) =>
        Promise.resolve(bodies.push(p.body));
      return gh;
    };
    const invalid = capture(fakeGitHub([], "0123456789abcdef"));
    await post({
      ...invalid,
      dir: artifact({
        "pr-number": "7",
        "validate.txt": "models.yaml:40:5: models.scorer.versions: traffic sums to 90\n",
      }),
      headSha: "0123456789abcdef",
      runUrl: "https://x/run",
    });
    expect(bodies[0]).toBe(
      `${MARKER}\n## maas diff\n\n**The catalogue does not validate at 0123456789ab**, so nothing was planned. \`maas validate\` says:\n\n\`\`\`\nmodels.yaml:40:5: models.scorer.versions: traffic sums to 90\n\`\`\`\n\nThe run: https://x/run.\n`,
    );
    // Text from the pull request cannot close its block and write markdown of its own.
    const stopped = capture(fakeGitHub([], "abc"));
    await post({
      ...stopped,
      dir: artifact({
        "pr-number": "7",
        "comment.md": "maas diff: stack prod does not plan\n```\n# injected\n",
        "diff-stderr.txt": "maas diff: cannot check out the base commit\n",
      }),
      headSha: "abc",
    });
    expect(bodies[1]).toContain("**No diff at abc**: `maas diff` stopped with:\n\n````\n");
    expect(bodies[1]).toContain(
      "# injected\n\nmaas diff: cannot check out the base commit\n````\n",
    );
  });
});
