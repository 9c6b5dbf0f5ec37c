#!/usr/bin/env python3
"""Change-to-reload time of `duixian serve`: edit a news file, time until the reload event.

    python3 benches/reload.py [SITE_ROOT] [EDITS]

Copies the site to a temporary folder, starts the release binary's `serve --port 0` on it,
listens to the live-reload event stream, and for each edit appends a line to one news file and
measures the time from the write to the `build` event (that is: file watcher, debounce, the
incremental rebuild, the event). Prints every sample and the median, in milliseconds, and the
server's own account of each rebuild (files written, time inside duixian).
"""
import json, os, shutil, socket, statistics, subprocess, sys, tempfile, threading, time

root = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else ".")
edits = int(sys.argv[2]) if len(sys.argv) > 2 else 10
binary = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "target", "release", "duixian")
work = tempfile.mkdtemp(prefix="duixian-reload-")
site = os.path.join(work, "site")
shutil.copytree(root, site, ignore=shutil.ignore_patterns("output", "target", ".git", "node_modules"))
news_dir = os.path.join(site, "content", "news")
news = sorted(os.path.join(d, f) for d, _, fs in os.walk(news_dir) for f in fs if f.endswith(".md"))[0]
proc = subprocess.Popen([binary, "--root", site, "-v", "serve", "--port", "0"], stderr=subprocess.PIPE, text=True)
server_lines = []
try:
    port = None
    while port is None:
        line = proc.stderr.readline()
        if not line:
            sys.exit("serve exited early")
        if "http://127.0.0.1:" in line:
            port = int(line.split("http://127.0.0.1:")[1].split("/")[0])
    threading.Thread(target=lambda: [server_lines.append(l.rstrip()) for l in proc.stderr], daemon=True).start()
    sock = socket.create_connection(("127.0.0.1", port))
    # `serve` answers only requests naming it by a loopback name (DNS-rebinding protection).
    sock.sendall(f"GET /__duixian/events HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n".encode())
    stream = sock.makefile("rb")

    def next_event():
        while True:
            line = stream.readline()
            if not line:
                sys.exit("event stream closed")
            if line.startswith(b"data: "):
                return json.loads(line[6:])

    next_event()  # the state at connection time
    samples = []
    for i in range(edits):
        time.sleep(0.3)
        start = time.perf_counter()
        with open(news, "a", encoding="utf-8") as f:
            f.write(f"\n编辑 {i}。\n")
        event = next_event()
        samples.append((time.perf_counter() - start) * 1000)
        if event.get("errors"):
            sys.exit(f"rebuild failed: {event['errors']}")
    time.sleep(0.2)
    for line in server_lines:
        if line.startswith(("built ", "rebuilt ", "  ")):
            print("server:", line)
    print("samples (ms):", " ".join(f"{s:.0f}" for s in samples))
    print(f"median change-to-reload: {statistics.median(samples):.0f} ms over {edits} edits ({root})")
finally:
    proc.kill()
    shutil.rmtree(work, ignore_errors=True)
