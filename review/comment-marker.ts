/**
 * The hidden marker the workflow finds its comment by, the first line of every review `maas diff`
 * writes. A module of its own: `maas plan` recognises an earlier review by it (cli/output-kinds.ts)
 * without loading the review's writer.
 */
export const COMMENT_MARKER = "<!-- maas-diff -->";
