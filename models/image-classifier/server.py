"""A small, real model server for the image-classifier example.

The model is a linear classifier over colour-histogram features: small enough to ship in
the image, real enough to exercise the platform (load on start, readiness after load,
/predict, graceful shutdown). Standard library only, so the image needs no pip install.

Endpoints, each also under a prefix (the load balancer's /models/<name>/ with path routing):
  GET  /healthz  ready: 200 once the model is loaded (readiness and startup probe)
  GET  /livez    alive: 200 while the process serves requests (liveness probe)
  GET  /echo     {"path": <the path received>}: what `maas smoke --path echo` checks
  POST /predict  {"pixels": [[r, g, b], ...]} -> {"label": ..., "scores": {...}, "version": ...}
"""

import json
import os
import signal
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

MAX_BODY_BYTES = 1 << 20
MODEL_NAME = os.environ.get("MODEL_NAME", "image-classifier")
MODEL_VERSION = os.environ.get("MODEL_VERSION", "dev")
WEIGHTS_FILE = os.environ.get("WEIGHTS_FILE", os.path.join(os.path.dirname(__file__), "weights.json"))


def load_model(path):
    with open(path, encoding="utf-8") as handle:
        weights = json.load(handle)
    labels = sorted(weights)
    for label in labels:
        if len(weights[label]) != 4:
            raise ValueError(f"weights for {label} need 4 numbers (bias, r, g, b)")
    return labels, weights


def features(pixels):
    """Mean red, green and blue in [0, 1]."""
    if not pixels or any(len(p) != 3 for p in pixels):
        raise ValueError("pixels must be a non-empty list of [r, g, b] triples")
    count = float(len(pixels))
    return [sum(float(p[channel]) for p in pixels) / (255.0 * count) for channel in range(3)]


def predict(model, pixels):
    labels, weights = model
    x = features(pixels)
    scores = {label: weights[label][0] + sum(w * v for w, v in zip(weights[label][1:], x)) for label in labels}
    return max(labels, key=lambda label: scores[label]), scores


class Handler(BaseHTTPRequestHandler):
    model = None
    server_version = "maas-example/1"

    def log_message(self, fmt, *args):  # one JSON line per request, to stdout
        sys.stdout.write(json.dumps({"request": fmt % args}) + "\n")

    def send_json(self, status, body):
        payload = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def endpoint(self):
        """The route: the path's last segment, whatever prefix the load balancer keeps."""
        return self.path.split("?")[0].rstrip("/").split("/")[-1]

    def do_GET(self):
        if self.endpoint() == "healthz":
            ready = Handler.model is not None
            self.send_json(200 if ready else 503, {"ready": ready, "model": MODEL_NAME, "version": MODEL_VERSION})
        elif self.endpoint() == "livez":
            self.send_json(200, {"alive": True})
        elif self.endpoint() == "echo":
            self.send_json(200, {"path": self.path.split("?")[0], "model": MODEL_NAME, "version": MODEL_VERSION})
        else:
            self.send_json(404, {"error": "not found"})

    def do_POST(self):
        if self.endpoint() != "predict":
            self.send_json(404, {"error": "not found"})
            return
        length = int(self.headers.get("Content-Length") or 0)
        if length <= 0 or length > MAX_BODY_BYTES:
            self.send_json(413 if length > MAX_BODY_BYTES else 400, {"error": "body must be 1 byte to 1 MiB of JSON"})
            return
        try:
            body = json.loads(self.rfile.read(length))
            label, scores = predict(Handler.model, body["pixels"])
        except (ValueError, KeyError, TypeError) as error:
            self.send_json(400, {"error": str(error)})
            return
        self.send_json(200, {"label": label, "scores": scores, "model": MODEL_NAME, "version": MODEL_VERSION})


def main():
    port = int(os.environ.get("PORT", "8080"))
    server = ThreadingHTTPServer(("0.0.0.0", port), Handler)
    # SIGTERM: finish in-flight requests, then exit (the pod's preStop delay has already let
    # the load balancer deregister it).
    signal.signal(signal.SIGTERM, lambda *_: threading.Thread(target=server.shutdown).start())
    Handler.model = load_model(WEIGHTS_FILE)
    sys.stdout.write(json.dumps({"listening": port, "model": MODEL_NAME, "version": MODEL_VERSION}) + "\n")
    sys.stdout.flush()
    server.serve_forever()
    server.server_close()


if __name__ == "__main__":
    main()
