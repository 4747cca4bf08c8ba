// Preloaded into benchmarked processes (node --require): reports the peak resident memory on exit.
"use strict";
process.on("exit", () => {
  process.stderr.write(`maas-bench-max-rss-kb ${process.resourceUsage().maxRSS}\n`);
});
