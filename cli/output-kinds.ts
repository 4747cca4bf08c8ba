/**
 * What maas's own outputs look like, so an earlier one can be replaced and nothing else is: a
 * plan (`maas plan --json`), a whole diff (`maas diff --full`), a manifests directory.
 */
import { closeSync, openSync, readFileSync, readSync } from "node:fs";
import { COMMENT_MARKER } from "../review/comment-marker";

export type OutputKind = "plan" | "diff" | "manifests";

/** The manifest files `maas plan` writes (plan/manifests.ts names them): `00-namespace-x.yaml`. */
export const MANIFEST_FILE = /^[0-9]{2}-[a-z]+-[a-z0-9.-]+\.yaml$/;

/** A plan as `maas plan` writes it: by its shape, not its key order, which plan/run.ts may change. */
function isPlan(text: string): boolean {
  try {
    const value = JSON.parse(text) as Record<string, unknown> | null;
    return (
      typeof value === "object" &&
      value !== null &&
      typeof value.project === "string" &&
      typeof value.stack === "string" &&
      typeof value.note === "string" &&
      Array.isArray(value.resources)
    );
  } catch {
    return false;
  }
}

/** The first bytes of a file: enough to tell most files apart without reading a large one. */
function head(path: string): string {
  const buffer = Buffer.alloc(64);
  const fd = openSync(path, "r");
  try {
    return buffer.toString("utf8", 0, readSync(fd, buffer, 0, buffer.length, 0));
  } finally {
    closeSync(fd);
  }
}

/** Whether the regular file at `path` is an earlier output of this kind. */
export function isEarlierOutput(path: string, kind: "plan" | "diff"): boolean {
  const start = head(path);
  if (kind === "diff") return start.startsWith(`${COMMENT_MARKER}\n`);
  return start.trimStart().startsWith("{") && isPlan(readFileSync(path, "utf8"));
}
