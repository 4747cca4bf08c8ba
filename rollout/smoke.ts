/**
 * The pre-traffic check: requests to the rising version through its pinned route (the pinned
 * listener, components/ingress.ts) before it takes any client's request. Every request must
 * answer 2xx within the timeout. With host routing the route matches the Host header, which
 * `fetch` may not set (a forbidden header name), so plain node:http.
 */
import { request } from "node:http";
import type { PreTrafficCheck } from "./ports";

/** How long one request of the check may take. */
export const PRE_TRAFFIC_TIMEOUT_MS = 30_000;

function call(url: URL, host: string | undefined): Promise<{ status?: number; error?: string }> {
  return new Promise((resolve) => {
    const req = request(
      url,
      { method: "GET", timeout: PRE_TRAFFIC_TIMEOUT_MS, headers: host ? { host } : {} },
      (res) => {
        res.resume();
        res.on("end", () => resolve({ status: res.statusCode ?? 0 }));
      },
    );
    req.on("timeout", () =>
      req.destroy(new Error(`no answer within ${PRE_TRAFFIC_TIMEOUT_MS / 1000} s`)),
    );
    req.on("error", (error) => resolve({ error: error.message }));
    req.end();
  });
}

export const httpPreTraffic: PreTrafficCheck = {
  async run({ url, host, requests }) {
    const target = new URL(url);
    const answers: string[] = [];
    let ok = 0;
    for (let i = 0; i < requests; i++) {
      const answer = await call(target, host);
      if (answer.status !== undefined && answer.status >= 200 && answer.status < 300) ok += 1;
      answers.push(answer.error ?? String(answer.status));
    }
    const tally = [...new Set(answers)].map(
      (a) => `${answers.filter((x) => x === a).length}x ${a}`,
    );
    return {
      ok: ok === requests,
      detail: `${ok} of ${requests} requests to ${url}${host ? ` (Host: ${host})` : ""} answered 2xx (${tally.join(", ")})`,
    };
  },
};
