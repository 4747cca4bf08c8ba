// Posts the infra diff of a pull request as one comment, or updates the one it posted before
// (found by its hidden marker), from the artifact of the pull request's `maas` run.
// The artifact comes from code the pull request controls: its number is trusted only if that
// pull request's head is the commit the run was for, and its text is only ever a comment body.
"use strict";
const fs = require("node:fs");
const path = require("node:path");

const MARKER = "<!-- maas-diff -->";
/** GitHub refuses comment bodies over 65,536 characters. */
const LIMIT = 65536;
const BOT = "github-actions[bot]";

function read(dir, file) {
  try {
    return fs.readFileSync(path.join(dir, file), "utf8");
  } catch {
    return "";
  }
}

/** Text as a fenced block no backtick run inside it can close. */
function fenced(text) {
  const longest = Math.max(2, ...(text.match(/`+/g) || []).map((run) => run.length));
  const fence = "`".repeat(longest + 1);
  return `${fence}\n${text.trimEnd()}\n${fence}\n`;
}

/** Cut to GitHub's limit, saying where the rest is. */
function withinLimit(text) {
  if (text.length <= LIMIT) return text;
  const note =
    "\n\n**Cut at GitHub's comment limit.** The whole diff is the run's `maas-diff` artifact.\n";
  return `${text.slice(0, LIMIT - note.length)}${note}`;
}

/**
 * The comment body: the diff; or, when the run made none, why (the catalogue's validation
 * errors, or what maas diff printed instead of a diff) for the commit that ran, so an earlier
 * "no risk" never stands for a change that does not plan.
 */
function body(dir, runUrl, headSha) {
  const text = read(dir, "comment.md");
  if (text.startsWith(MARKER)) return withinLimit(text);
  const commit = headSha ? ` at ${headSha.slice(0, 12)}` : "";
  const validation = read(dir, "validate.txt");
  const see = `The run: ${runUrl || "its workflow run"}.`;
  if (validation.trim() !== "")
    return withinLimit(
      `${MARKER}\n## maas diff\n\n**The catalogue does not validate${commit}**, so nothing was planned. \`maas validate\` says:\n\n${fenced(validation)}\n${see}\n`,
    );
  const said = [text, read(dir, "diff-stderr.txt")].filter((part) => part.trim() !== "").join("\n");
  if (said !== "")
    return withinLimit(
      `${MARKER}\n## maas diff\n\n**No diff${commit}**: \`maas diff\` stopped with:\n\n${fenced(said)}\n${see}\n`,
    );
  return `${MARKER}\n## maas diff\n\nThe \`maas\` run produced no diff${commit}: see ${runUrl || "its workflow run"}.\n`;
}

module.exports = async function postDiffComment({ github, context, core, dir, headSha, runUrl }) {
  const named = read(dir, "pr-number").trim();
  if (named === "") {
    // The run ended before its diff job uploaded anything (a failed install, a cancelled run).
    core.notice("no maas-diff artifact in this run: nothing to post");
    return;
  }
  const number = Number(named);
  if (!Number.isSafeInteger(number) || number <= 0) {
    core.setFailed(
      `the artifact names no pull request (pr-number: ${JSON.stringify(read(dir, "pr-number"))})`,
    );
    return;
  }
  const { owner, repo } = context.repo;
  const { data: pull } = await github.rest.pulls.get({ owner, repo, pull_number: number });
  if (pull.head.sha !== headSha) {
    core.setFailed(
      `pull request #${number} is at ${pull.head.sha}, not ${headSha}: not posting this run's diff there`,
    );
    return;
  }
  const comments = await github.paginate(github.rest.issues.listComments, {
    owner,
    repo,
    issue_number: number,
    per_page: 100,
  });
  const previous = comments.find(
    (comment) =>
      comment.user && comment.user.login === BOT && (comment.body || "").startsWith(MARKER),
  );
  const text = body(dir, runUrl, headSha);
  if (previous) {
    await github.rest.issues.updateComment({ owner, repo, comment_id: previous.id, body: text });
    core.info(`updated comment ${previous.id} on #${number}`);
  } else {
    await github.rest.issues.createComment({ owner, repo, issue_number: number, body: text });
    core.info(`commented on #${number}`);
  }
};
