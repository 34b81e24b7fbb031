#!/bin/bash
# ctl_garbage.sh - the control socket under abuse leaves tandemd healthy.
#  lb1 MASTER (prio 150, adverts every 0.1 s), lb2 BACKUP watching it: if
#  lb1's loop ever stalled for Master_Down_Interval (~0.36 s), lb2 would
#  take over. A python client sends 200 bad requests - random bytes, NULs,
#  invalid and deeply nested JSON, wrong versions, unknown commands, lines
#  over the 8 KiB bound, 1 MiB without a newline - each on its own
#  connection, checking the error replies; holds 80 idle connections at
#  once (more than the 64 allowed: the rest are told "busy"); and
#  subscribes to events on lb2 without ever reading while another client
#  pipelines 5000 requests that each emit an event (the reader is dropped,
#  every request answered). Then: tandemd alive, status
#  answers, lb1 still MASTER with the VIP, lb2 never left BACKUP.
. "$(dirname "$0")/../lib/ns.sh"
tn_need_root
tn_need_bin "$TANDEMD" "$TANDEMCTL"
VIP=192.0.2.10
tn_topology
tn_conf lb1 priority=150
tn_conf lb2 priority=100
tn_tandemd lb1
tn_wait_state lb1 web MASTER 3
tn_tandemd lb2
tn_wait_state lb2 web BACKUP 3
sleep 0.3
trans_before=$(tn_ctl lb2 status --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["data"]["vrrp"][0]["transitions"])')

python3 - "$(tn_sock lb1)" "$(tn_sock lb2)" >"$TN_DIR/garbage.out" 2>&1 <<'PY'
import json, os, random, socket, sys, time
path = sys.argv[1]
random.seed(7)

def conn():
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.connect(path)  # blocking: a full backlog waits for tandemd to accept
    s.settimeout(5)
    return s

def ask(payload, shut=True):
    """send payload, read until EOF or one line; return the first line"""
    s = conn()
    try:
        s.sendall(payload)
        if shut:
            s.shutdown(socket.SHUT_WR)
    except (BrokenPipeError, ConnectionResetError):
        pass
    buf = b""
    try:
        while b"\n" not in buf:
            d = s.recv(65536)
            if not d:
                break
            buf += d
    except (ConnectionResetError, socket.timeout) as e:
        if not buf:
            return "<%s>" % type(e).__name__
    s.close()
    return buf.split(b"\n")[0].decode("utf-8", "replace")

def code(line):
    try:
        return json.loads(line)["error"]["code"]
    except Exception:
        return line[:40]

cases = []
for i in range(60):
    cases.append(("random", bytes(random.getrandbits(8) for _ in range(random.randint(1, 3000))) + b"\n"))
for i in range(20):
    cases.append(("nul", b"\0" * random.randint(1, 100) + b"status\n"))
for i in range(30):
    cases.append(("bad-json", b"{" + os.urandom(20).hex().encode() + b"\n"))
for i in range(10):
    cases.append(("deep", b'{"cmd":' + b"[" * 3000 + b"]" * 3000 + b"}\n"))
for i in range(10):
    cases.append(("version", b'{"v":%d,"cmd":"status"}\n' % (i + 2)))
for i in range(20):
    cases.append(("unknown", b'{"cmd":"x%d"}\n' % i))
for i in range(30):
    cases.append(("oversized", b'{"cmd":"status","pad":"' + b"a" * (9000 + i * 1000) + b'"}\n'))
for i in range(10):
    cases.append(("no-newline-1MiB", b"a" * (1 << 20)))
for i in range(10):
    cases.append(("many-lines", b'{"cmd":"version"}\n' * 2000))
assert len(cases) == 200
expect = {"bad-json": "bad-json", "deep": "bad-json", "version": "unsupported-version",
          "unknown": "unknown-command", "oversized": "too-large", "no-newline-1MiB": "too-large"}
bad = 0
t0 = time.monotonic()
for kind, payload in cases:
    line = ask(payload)
    if kind in expect and code(line) != expect[kind]:
        print("UNEXPECTED %s -> %r" % (kind, line[:120]))
        bad += 1
    if kind == "many-lines" and '"version"' not in line:
        print("UNEXPECTED many-lines -> %r" % line[:120])
        bad += 1
print("sent 200 bad requests in %.1f s, %d unexpected replies" % (time.monotonic() - t0, bad))

# 80 idle connections at once: 64 are accepted and wait, the rest get "busy"
idle = [conn() for _ in range(80)]
time.sleep(0.3)
busy = 0
for s in idle:
    s.setblocking(False)
    try:
        if b"busy" in s.recv(4096):
            busy += 1
    except BlockingIOError:
        pass
print("idle connections: %d told busy" % busy)
if busy != 80 - 64:
    print("UNEXPECTED busy count %d" % busy)
    bad += 1
for s in idle:
    s.close()
time.sleep(0.3)

# an event subscriber that never reads, with a tiny receive buffer, on
# lb2 (BACKUP, so maintenance toggles change nothing): 5000 toggles make
# ~700 KiB of events; tandemd must drop the reader, not buffer it all
lazy = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
lazy.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1024)
lazy.connect(sys.argv[2])
lazy.sendall(b'{"cmd":"events"}\n')
time.sleep(0.2)
admin = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
admin.connect(sys.argv[2])
admin.settimeout(10)
admin.sendall(b'{"cmd":"maintenance","on":false}\n' * 5000)
admin.shutdown(socket.SHUT_WR)
n = 0
buf = b""
while True:
    d = admin.recv(65536)
    if not d:
        break
    buf += d
n = buf.count(b'"ok":true')
print("pipelined maintenance toggles answered: %d of 5000" % n)
if n != 5000:
    bad += 1
lazy.setblocking(True)
lazy.settimeout(10)
got = 0
try:
    while True:
        d = lazy.recv(1 << 20)
        if not d:
            break
        got += len(d)
except (ConnectionResetError, socket.timeout) as e:
    print("lazy reader: %s" % type(e).__name__)
print("lazy reader got %d bytes, then EOF" % got)
if got > 600 * 1024:
    print("UNEXPECTED: the lazy reader was not dropped")
    bad += 1
line = ask(b'{"cmd":"status"}\n')
if '"ok":true' not in line:
    print("UNEXPECTED status after all that: %r" % line[:200])
    bad += 1
print("RESULT bad=%d" % bad)
PY
sed 's/^/# /' "$TN_DIR/garbage.out"
grep -q '^RESULT bad=0$' "$TN_DIR/garbage.out" || tn_fail "the control socket answered unexpectedly (see above)"
tn_pass "200 bad requests got the right error replies; 16 of 80 connections told busy"
grep -q 'event reader pid [0-9]* does not keep up: dropped' "$TN_DIR/lb2.log" ||
	tn_fail "lb2 did not drop the event reader that never reads"
tn_pass "an event reader that never reads is dropped; pipelined requests all answered"
tn_alive lb1 && tn_alive lb2 || tn_fail "tandemd died"
tn_check "status still answers" tn_ctl_up lb1
tn_check "lb1 still MASTER" tn_state_is lb1 web MASTER
tn_check "the VIP is on lb1" tn_has_vip lb1 $VIP
trans_after=$(tn_ctl lb2 status --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["data"]["vrrp"][0]["transitions"])')
[ "$trans_before" = "$trans_after" ] ||
	tn_fail "lb2 changed state during the abuse ($trans_before -> $trans_after transitions): lb1's loop stalled"
tn_pass "lb2 stayed BACKUP throughout: lb1's loop never stalled"
fds=$(ls /proc/${TN_DPID[lb1]}/fd | wc -l)
[ "$fds" -lt 40 ] || tn_fail "tandemd holds $fds file descriptors after the clients left"
tn_pass "tandemd holds $fds file descriptors afterwards"
tn_done
