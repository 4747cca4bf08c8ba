/**
 * The pre-traffic check against a real HTTP server on the loopback address: every request must
 * answer 2xx; the Host header reaches the server (host routing matches on it); a refused
 * connection or an error status fails the check, saying what answered.
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { httpPreTraffic } from "../../rollout/smoke";

const seen: { path: string; host: string }[] = [];
let status = 200;
const server = createServer((req, res) => {
  seen.push({ path: req.url ?? "", host: req.headers.host ?? "" });
  res.writeHead(status).end("ok");
});
let base = "";

beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

describe("the pre-traffic check", () => {
  it("passes when every request answers 2xx, on the version's path, with the route's Host", async () => {
    seen.length = 0;
    status = 200;
    const result = await httpPreTraffic.run({
      url: `${base}/models/m/healthz`,
      host: "m.models.example.com",
      requests: 3,
    });
    expect(result.ok).toBe(true);
    expect(result.detail).toMatch(
      /^3 of 3 requests to .* \(Host: m\.models\.example\.com\) answered 2xx \(3x 200\)$/,
    );
    expect(seen).toEqual(
      Array(3).fill({ path: "/models/m/healthz", host: "m.models.example.com" }),
    );
  });

  it("fails on any other answer, and says which", async () => {
    status = 503;
    const result = await httpPreTraffic.run({ url: `${base}/healthz`, requests: 2 });
    expect(result).toEqual({
      ok: false,
      detail: `0 of 2 requests to ${base}/healthz answered 2xx (2x 503)`,
    });
  });

  it("fails when nothing answers", async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const result = await httpPreTraffic.run({
      url: `http://127.0.0.1:${port}/healthz`,
      requests: 1,
    });
    expect(result.ok).toBe(false);
    expect(result.detail).toMatch(/answered 2xx \(1x connect ECONNREFUSED/);
  });
});
