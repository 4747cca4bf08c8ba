// Preloaded into benchmarked processes (node --require, or NODE_OPTIONS for a process's children):
// reports the peak resident memory on exit, on stderr, or appended to MAAS_BENCH_RSS_LOG as
// `<pid> <kB> <arguments>` when that is set (children whose stderr the parent keeps).
"use strict";
const { appendFileSync } = require("node:fs");
process.on("exit", () => {
  const kb = process.resourceUsage().maxRSS;
  const log = process.env.MAAS_BENCH_RSS_LOG;
  if (log) appendFileSync(log, `${process.pid} ${kb} ${process.argv.slice(2).join(" ")}\n`);
  else process.stderr.write(`maas-bench-max-rss-kb ${kb}\n`);
});
