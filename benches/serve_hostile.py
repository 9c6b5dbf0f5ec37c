#!/usr/bin/env python3
"""`duixian serve` against hostile clients on loopback (issue 17 item 6): prints what happened.

    python3 benches/serve_hostile.py [SITE_ROOT] [BINARY]

Starts `BINARY serve --port 0` (default: the release build) on SITE_ROOT (default: the
`full` test fixture) twice: once as it is, once with its open-file limit lowered to 64. Then:
  - idle connections beyond its file descriptors (200 held), closed again: whether the port
    still answers, and how long after the close the first page came;
  - a request head sent one byte every 100 ms (slowloris): when it is cut off;
  - 300 slow connections held at once: how long a normal request waits meanwhile;
  - a 1 MiB request line and a 1 MiB header: the answer, and the server's resident memory;
  - a raw UTF-8 URL, a foreign Host, a POST: the status codes;
  - 200 sequential GETs of the home page, new connection each and kept alive: median time.
Loopback addresses only; every loop is bounded.
"""
import os, resource, socket, statistics, subprocess, sys, threading, time

here = os.path.dirname(os.path.abspath(__file__))
site = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else os.path.join(here, "..", "tests", "fixtures", "full"))
binary = sys.argv[2] if len(sys.argv) > 2 else os.path.join(here, "..", "target", "release", "duixian")


def start(nofile=None):
    def limit():
        if nofile:
            resource.setrlimit(resource.RLIMIT_NOFILE, (nofile, nofile))
    proc = subprocess.Popen([binary, "--root", site, "serve", "--port", "0", "--exit-after", "300"],
                            stderr=subprocess.PIPE, text=True, preexec_fn=limit)
    while True:
        line = proc.stderr.readline()
        if not line:
            sys.exit("serve exited early")
        if "http://127.0.0.1:" in line:
            port = int(line.split("http://127.0.0.1:")[1].split("/")[0])
            break
    log = []
    threading.Thread(target=lambda: [log.append(l.rstrip()) for l in proc.stderr], daemon=True).start()
    return proc, port, log


def request(port, data, timeout=10):
    """Send `data`, read until the server closes; the answer's status (0: none) and the time."""
    t = time.perf_counter()
    try:
        s = socket.create_connection(("127.0.0.1", port), timeout=timeout)
        s.sendall(data)
        got = b""
        while True:
            chunk = s.recv(65536)
            if not chunk:
                break
            got += chunk
        s.close()
    except OSError:
        got = b""
    parts = got.split(b" ", 2)
    status = int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else 0
    return status, time.perf_counter() - t


def get(port, target="/", host=None, method="GET"):
    host = host or f"127.0.0.1:{port}"
    return request(port, f"{method} {target} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n".encode())


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])


proc, port, log = start()
try:
    print("raw UTF-8 URL /search/?q=供热:", get(port, "/search/?q=供热")[0])
    print("Host: attacker.example:", get(port, host=f"attacker.example:{port}")[0])
    print("POST:", get(port, method="POST")[0])

    fresh = [get(port)[1] * 1000 for _ in range(200)]
    s = socket.create_connection(("127.0.0.1", port), timeout=10)
    f = s.makefile("rb")
    kept = []
    for _ in range(200):
        t = time.perf_counter()
        s.sendall(f"GET / HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n".encode())
        length = 0
        while True:
            line = f.readline()
            if line.lower().startswith(b"content-length:"):
                length = int(line.split(b":")[1])
            if line in (b"\r\n", b""):
                break
        f.read(length)
        kept.append((time.perf_counter() - t) * 1000)
    s.close()
    print(f"GET /, 200 times: new connection each {statistics.median(fresh):.2f} ms median, "
          f"kept alive {statistics.median(kept):.2f} ms median")

    before = rss_kib(proc.pid)
    big = "a" * (1 << 20)
    line_status = request(port, f"GET /{big} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n".encode())[0]
    head_status = request(port, f"GET / HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nX: {big}\r\n\r\n".encode())[0]
    print(f"1 MiB request line: {line_status}; 1 MiB header: {head_status}; "
          f"resident memory {before} KiB before, {rss_kib(proc.pid)} KiB after")

    s = socket.create_connection(("127.0.0.1", port), timeout=0.1)
    s.sendall(f"GET / HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nX-Slow: ".encode())
    t = time.perf_counter()
    answer = b""
    for _ in range(300):
        try:
            s.sendall(b"a")
        except OSError:
            break
        try:
            chunk = s.recv(4096)
            if not chunk:
                break
            answer += chunk
        except socket.timeout:
            pass
    print(f"slow head (one byte every 100 ms): answered {answer.split(b' ')[1:2]} after "
          f"{time.perf_counter() - t:.2f} s")

    slow = []
    for _ in range(300):
        try:
            c = socket.create_connection(("127.0.0.1", port), timeout=2)
            c.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n")
            slow.append(c)
        except OSError:
            break
    time.sleep(0.5)
    waits = [get(port) for _ in range(3)]
    print(f"with {len(slow)} slow connections held: GET / answered {[w[0] for w in waits]} in "
          f"{', '.join(f'{w[1]:.2f}' for w in waits)} s")
    for c in slow:
        c.close()
finally:
    proc.kill()
    proc.wait()

proc, port, log = start(nofile=64)
try:
    held = []
    for _ in range(200):
        try:
            held.append(socket.create_connection(("127.0.0.1", port), timeout=2))
        except OSError:
            break
    time.sleep(1)
    during = get(port)
    print(f"open-file limit 64, {len(held)} idle connections held: GET / meanwhile "
          f"{during[0] or 'no answer'} after {during[1]:.2f} s")
    t = time.perf_counter()
    for c in held:
        c.close()
    answered = 0
    for _ in range(100):
        status, _ = get(port)
        if status == 200:
            answered = time.perf_counter() - t
            break
        time.sleep(0.05)
    print(f"after closing them: first 200 {answered * 1000:.0f} ms later" if answered else "no answer afterwards")
    time.sleep(0.2)
    for line in log:
        print("server:", line)
finally:
    proc.kill()
    proc.wait()
