# The recording tests' HTTP workload (record_cli.sh, record_hook.sh): a server thread on
# 127.0.0.1 (an ephemeral port), 3 requests from a client, every socket with a 10 s
# timeout. Prints "200 hello /rN" per request; an OSError prints "error <errno>" and
# exits 3.
import http.server, threading, urllib.request, socket, sys
socket.setdefaulttimeout(10)
class H(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        body = ("hello " + self.path).encode()
        self.send_response(200); self.send_header("Content-Length", str(len(body))); self.end_headers()
        self.wfile.write(body)
    def log_message(self, *a): pass
try:
    srv = http.server.HTTPServer(("127.0.0.1", 0), H)
    t = threading.Thread(target=srv.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True); t.start()
    for i in range(3):
        with urllib.request.urlopen("http://127.0.0.1:%d/r%d" % (srv.server_address[1], i)) as r:
            print(r.status, r.read().decode())
    srv.shutdown(); srv.server_close()
except OSError as e:
    print("error", e.errno); sys.exit(3)
