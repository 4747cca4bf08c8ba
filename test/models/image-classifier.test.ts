/**
 * The example model server (models/image-classifier) really serves: readiness, liveness,
 * predictions, refusal of bad input and a clean exit on SIGTERM. Runs it with python3 on loopback.
 */
import { spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { createServer } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() =>
        typeof address === "object" && address
          ? resolve(address.port)
          : reject(new Error("no port")),
      );
    });
  });
}

async function waitForReady(url: string, deadline = Date.now() + 15_000): Promise<void> {
  while (Date.now() < deadline) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${url} never became ready`);
}

describe("image-classifier example server", () => {
  let server: ChildProcess;
  let base: string;

  beforeAll(async () => {
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    server = spawn("python3", ["models/image-classifier/server.py"], {
      env: { ...process.env, PORT: String(port), MODEL_VERSION: "1.5.0" },
      stdio: "ignore",
    });
    await waitForReady(`${base}/healthz`);
  });

  afterAll(() => {
    if (server.exitCode === null) server.kill("SIGKILL");
  });

  it("is ready and alive on its probe paths", async () => {
    const ready = await fetch(`${base}/healthz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({
      ready: true,
      model: "image-classifier",
      version: "1.5.0",
    });
    expect((await fetch(`${base}/livez`)).status).toBe(200);
  });

  it("answers its probes and echoes the path it received, also under the /models/<name>/ prefix", async () => {
    expect((await fetch(`${base}/models/image-classifier/healthz`)).status).toBe(200);
    expect((await fetch(`${base}/models/image-classifier/livez`)).status).toBe(200);
    for (const path of ["/echo", "/models/image-classifier/echo"]) {
      const response = await fetch(`${base}${path}?q=1`);
      expect(response.status).toBe(200);
      expect(await response.json()).toMatchObject({ path, version: "1.5.0" });
    }
    expect((await fetch(`${base}/models/image-classifier/nothing`)).status).toBe(404);
  });

  it("predicts, also under the load balancer's /models/<name>/ prefix", async () => {
    for (const path of ["/predict", "/models/image-classifier/predict"]) {
      const response = await fetch(`${base}${path}`, {
        method: "POST",
        body: JSON.stringify({
          pixels: [
            [250, 120, 30],
            [240, 100, 20],
          ],
        }),
      });
      expect(response.status).toBe(200);
      expect(await response.json()).toMatchObject({ label: "sunset", version: "1.5.0" });
    }
  });

  it("refuses bad input with 400 and unknown paths with 404", async () => {
    expect(
      (await fetch(`${base}/predict`, { method: "POST", body: '{"pixels": []}' })).status,
    ).toBe(400);
    expect((await fetch(`${base}/predict`, { method: "POST", body: "not json" })).status).toBe(400);
    expect((await fetch(`${base}/nope`)).status).toBe(404);
  });

  it("exits cleanly on SIGTERM", async () => {
    const exited = new Promise<number | null>((resolve) =>
      server.once("exit", (code) => resolve(code)),
    );
    server.kill("SIGTERM");
    expect(await exited).toBe(0);
  });
});
