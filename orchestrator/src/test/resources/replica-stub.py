# A stand-in serving replica for tests: announces its port like the demo server
# ("LISTENING <port>") and answers GET /healthz 200 once it may be ready: replica 0 at once,
# the others only once the file "$BATON_MODEL.go" exists, so a test holds a rollout in SCALING.
import http.server
import os
import sys

MODEL = os.environ.get("BATON_MODEL", "")
INDEX = os.environ.get("BATON_REPLICA", "0")


class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        ready = INDEX == "0" or os.path.exists(MODEL + ".go")
        self.send_response(200 if ready and self.path == "/healthz" else 503)
        self.end_headers()

    def log_message(self, *args):
        pass


server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
print("LISTENING %d" % server.server_address[1], flush=True)
sys.stdout.flush()
server.serve_forever()
