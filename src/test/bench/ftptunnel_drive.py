#!/usr/bin/env python3
"""Drives the FTPTUNNEL comparison in docs/performance.md: old ftb, new ftb and ssh -D, interleaved.

  python3 ftptunnel_drive.py dl ROUNDS LABEL      64 MiB downloads, one per proxy per round
  python3 ftptunnel_drive.py small ROUNDS LABEL   100 sequential small-file sessions per proxy per round
  python3 ftptunnel_drive.py quiet MINUTES        waits until other processes are quiet (< 0.15 core)
  python3 ftptunnel_drive.py summary LABEL...     ranges, medians and CPU s/GB of the labelled rounds

Reads the set-up that docs/performance.md makes in BENCH_DIR (default /tmp/bench): ftp.out ("FTP port"),
ftp.pid, broker-old.pid, broker-new.pid, sshD.pid, sshd.pid; SOCKS ports 11081 (old), 11082 (new),
11090 (ssh -D). With INPROC=1, old and new are FtpTunnelBench processes (broker and FTP server in one
JVM) described by inproc-old.out/.pid and inproc-new.out/.pid. Each measurement reads the proxy's
utime+stime from /proc/PID/stat before and after, and the CPU that every process outside the benchmark
used meanwhile; a round in which those used more than 0.2 core during any measurement is kept in the
log as noisy and repeated (at most 3 x ROUNDS attempts). Appends one JSON line per measurement to
BENCH_DIR/results.jsonl. Every curl has a deadline; every loop is bounded.
"""
import json, os, statistics, subprocess, sys, time

B = os.environ.get('BENCH_DIR', '/tmp/bench')
TCK = os.sysconf('SC_CLK_TCK')
FTP = open(f'{B}/ftp.out').read().split()[1]
PROXIES = {
    'old': (11081, int(open(f'{B}/broker-old.pid').read())),
    'new': (11082, int(open(f'{B}/broker-new.pid').read())),
    'sshD': (11090, int(open(f'{B}/sshD.pid').read())),
}
FTPS = {k: FTP for k in PROXIES}
if os.environ.get('INPROC'):
    for n in ('old', 'new'):
        w = open(f'{B}/inproc-{n}.out').read().split()
        PROXIES[n] = (int(w[3]), int(open(f'{B}/inproc-{n}.pid').read()))
        FTPS[n] = w[1]
SSHD = int(open(f'{B}/sshd.pid').read())
FTPPID = int(open(f'{B}/ftp.pid').read())
BIG = 64 * 1024 * 1024

INPROC_PIDS = set()
for n in ('old', 'new'):
    try:
        INPROC_PIDS.add(int(open(f'{B}/inproc-{n}.pid').read()))
    except OSError:
        pass

def stat(pid):
    with open(f'/proc/{pid}/stat') as f:
        s = f.read()
    rest = s[s.rindex(')') + 2:].split()
    return int(rest[1]), int(rest[11]) + int(rest[12])  # ppid, utime+stime

def ticks(pid):
    return stat(pid)[1]

def sys_busy():
    with open('/proc/stat') as f:
        v = [int(x) for x in f.readline().split()[1:]]
    return sum(v) - v[3] - v[4], sum(v)  # busy, total (idle, iowait excluded)

def foreign():
    """utime+stime of every live process that is not part of this benchmark, by pid (a delta counts the
    processes alive at the end; CPU of a process that ended in between is not seen)."""
    table = {}
    for d in os.listdir('/proc'):
        if d.isdigit():
            try:
                table[int(d)] = stat(int(d))
            except (OSError, ValueError, IndexError):
                pass
    ours = {SSHD, FTPPID, os.getpid()} | INPROC_PIDS | {p for _, p in PROXIES.values()}
    def mine(pid, depth=0):
        while pid in table and depth < 64:
            if pid in ours:
                return True
            pid = table[pid][0]; depth += 1
        return False
    return {pid: t for pid, (pp, t) in table.items() if not mine(pid)}

def measure(kind, name, extra):
    port, pid = PROXIES[name]
    ftp = FTPS[name]
    t0, b0, f0 = ticks(pid), sys_busy(), foreign()
    start = time.monotonic()
    if kind == 'dl':
        r = subprocess.run(['curl', '-s', '--max-time', '120', '--socks5-hostname', f'127.0.0.1:{port}',
                            f'ftp://ftbtest:ftb-Interop-1@127.0.0.1:{ftp}/big.bin', '-o', '/dev/null',
                            '-w', '%{time_total} %{size_download} %{response_code} %{time_pretransfer} %{time_starttransfer}'],
                           capture_output=True, text=True, timeout=150)
        out = r.stdout.split()
        res = dict(curl_time=float(out[0]), bytes=int(out[1]), code=out[2], rc=r.returncode,
                   pretransfer=float(out[3]), starttransfer=float(out[4]))
        res['ok'] = r.returncode == 0 and res['bytes'] == BIG
    else:
        cmd = (f'for i in $(seq 100); do curl -s --max-time 30 --socks5-hostname 127.0.0.1:{port} '
               f'ftp://ftbtest:ftb-Interop-1@127.0.0.1:{ftp}/small.txt -o /dev/null -w "%{{size_download}}\\n"; done')
        r = subprocess.run(['bash', '-c', cmd], capture_output=True, text=True, timeout=1200)
        good = sum(1 for l in r.stdout.split() if l == '11')
        res = dict(good=good, ok=good == 100)
    wall = time.monotonic() - start
    t1, b1, f1 = ticks(pid), sys_busy(), foreign()
    res.update(inproc=bool(os.environ.get('INPROC')), kind=kind, proxy=name, wall=round(wall, 4), cpu_s=(t1 - t0) / TCK,
               sys_busy_cores=round(os.cpu_count() * (b1[0] - b0[0]) / max(1, b1[1] - b0[1]), 2),
               foreign_cpu_s=sum(t - f0.get(p, 0) for p, t in f1.items()) / TCK, **extra)
    return res

def run(kind, rounds, label):
    names = ['old', 'new', 'sshD']
    clean = attempts = 0
    with open(f'{B}/results.jsonl', 'a') as out:
        while clean < rounds and attempts < 3 * rounds:
            load = open('/proc/loadavg').read().split()[:3]
            k = attempts % 3
            order = names[k:] + names[:k]
            rows = [measure(kind, name, dict(label=label, round=attempts, load=load, date=time.strftime('%H:%M:%S')))
                    for name in order]
            noisy = any(r['foreign_cpu_s'] / r['wall'] > 0.2 for r in rows)
            for r in rows:
                r['noisy'] = noisy
                out.write(json.dumps(r) + '\n'); out.flush()
                print(json.dumps(r), flush=True)
            attempts += 1
            clean += 0 if noisy else 1
            if noisy:
                time.sleep(5)
    print(f'clean rounds {clean} of {attempts} attempts', flush=True)


def quiet(minutes):
    limit = time.monotonic() + 60 * minutes
    calm = 0
    while time.monotonic() < limit:
        f0, b0 = foreign(), sys_busy()
        time.sleep(5)
        f1, b1 = foreign(), sys_busy()
        cores = sum(t - f0.get(p, 0) for p, t in f1.items()) / TCK / 5
        busy = os.cpu_count() * (b1[0] - b0[0]) / max(1, b1[1] - b0[1])
        print(time.strftime('%H:%M:%S'), 'other processes %.2f core, system busy %.2f' % (cores, busy),
              open('/proc/loadavg').read().split()[:3], flush=True)
        calm = calm + 1 if cores < 0.15 and busy < 0.3 else 0
        if calm >= 2:
            return True
    return False

def summary(labels):
    rows = [json.loads(l) for l in open(f'{B}/results.jsonl')]
    for p in ['old', 'new', 'sshD']:
        every = [r for r in rows if r['label'] in labels and r['proxy'] == p]
        c = [r for r in every if not r.get('noisy')]
        if not c:
            continue
        failed = sum(1 for r in every if not r['ok'])
        cpu = sum(r['cpu_s'] for r in c)
        if c[0]['kind'] == 'dl':
            t = sorted(r['curl_time'] for r in c)
            gb = sum(r['bytes'] for r in c) / 1e9
            print(f"{p:5} n={len(c)} {t[0]:.3f}-{t[-1]:.3f} s (median {statistics.median(t):.3f}), "
                  f"{64 / t[-1]:.0f}-{64 / t[0]:.0f} MiB/s; CPU {cpu / gb:.2f} s/GB; failed {failed} of {len(every)}")
        else:
            t = sorted(r['wall'] for r in c)
            print(f"{p:5} n={len(c)} 100 sessions {t[0]:.2f}-{t[-1]:.2f} s (median {statistics.median(t):.2f}); "
                  f"CPU {cpu / len(c):.2f} s per 100; failed {failed} of {len(every)}")

if __name__ == '__main__':
    if sys.argv[1] == 'quiet':
        sys.exit(0 if quiet(float(sys.argv[2])) else 1)
    elif sys.argv[1] == 'summary':
        summary(sys.argv[2:])
    else:
        run(sys.argv[1], int(sys.argv[2]), sys.argv[3])
