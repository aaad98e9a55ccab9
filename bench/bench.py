#!/usr/bin/env python3
"""bench/bench.py: the measuring half of bench/run, which sets everything up and starts this with FTBB_*
variables in the environment (not meant to be run by hand). Python standard library only.

Contenders: direct (curl straight to vsftpd), ftb (the broker's SOCKS port) and ssh -D (OpenSSH's SOCKS
proxy); both proxies are used with curl --socks5-hostname. Every measured round takes the three in a
rotating order. Each unit (one measure, the three contenders once) records the CPU that processes other
than the benchmark's used meanwhile: /proc/stat's user+nice+system ticks minus the benchmark's own process
tree (bench/run and all it started, exited children included) and minus kernel threads (which do the
loopback's network work); a unit in which that exceeded FTBB_NOISE cores is marked noisy and repeated.
Progress goes to stderr; the Markdown report to stdout and FTBB_OUT; every measurement to FTBB_OUT's
.jsonl twin.
"""
import datetime, fcntl, hashlib, json, os, platform, re, resource, statistics, subprocess, sys, threading, time

try:
    os.setsid()  # one process group for this and every curl, which bench/run's cleanup ends at once
except OSError:
    pass

E = os.environ
W = E['FTBB_W']
ROOT = E['FTBB_ROOT']
OUT = E['FTBB_OUT']
ROUNDS = int(E['FTBB_ROUNDS'])
WARMUP = int(E['FTBB_WARMUP'])
SEQ = int(E['FTBB_SEQ'])
PAR = int(E['FTBB_PAR'])
MASS = int(E['FTBB_MASS'])
LOGINS = int(E['FTBB_LOGINS'])
NOISE = float(E['FTBB_NOISE'])
RATE = float(E.get('FTBB_RATE', '100'))  # concurrent batches: sessions let go per second, in waves (0: at once)
WAVE = 20  # sessions per wave: below vsftpd's fixed listen backlog of 32
HOLD = float(E.get('FTBB_HOLD', '15'))  # mixed batch: each session lasts about HOLD s (three transfers)
ONLY = [m for m in E.get('FTBB_ONLY', '').split(',') if m]  # development: only these measures
QUICK = E.get('FTBB_QUICK') == '1'
ROOT_PID = int(E['FTBB_ROOT_PID'])
PORT_FTP = int(E['FTBB_PORT_FTP'])
BROKER = int(E['FTBB_BROKER_PID'])
VSFTPD = int(E['FTBB_VSFTPD_PID'])
SSHD_D = int(E['FTBB_SSHD_D_PID'])
NETRC = f'{W}/netrc'
OUTDIR = f'{W}/out'
GATE = f'{W}/gate'
TCK = int(subprocess.run(['getconf', 'CLK_TCK'], capture_output=True, text=True).stdout.strip() or 100)

CONTENDERS = [  # key, label, SOCKS port, proxy pid
    ('direct', 'direct', None, None),
    ('ftb', 'ftb', int(E['FTBB_PORT_SOCKS']), BROKER),
    ('sshD', 'ssh -D', int(E['FTBB_PORT_SSHD_D']), SSHD_D),
]
LABEL = {k: l for k, l, _, _ in CONTENDERS}


def say(*a):
    print('bench:', *a, file=sys.stderr, flush=True)


def sha256_file(path):
    h = hashlib.sha256()
    with open(path, 'rb') as f:
        while True:
            b = f.read(1 << 20)
            if not b:
                return h.hexdigest()
            h.update(b)


FILES = {}
for name in ('big.bin', 'mid.bin', 'small.bin', 'empty.bin'):
    p = f'{W}/ftp/{name}'
    FILES[name] = (os.path.getsize(p), sha256_file(p))
BIG = FILES['big.bin'][0]
MID_MIB = FILES['mid.bin'][0] / 2**20
SMALL_KIB = FILES['small.bin'][0] / 1024


# ---- /proc ------------------------------------------------------------------------------------------
def read_stat(pid):
    """ppid, own utime+stime, reaped children's cutime+cstime (ticks)."""
    with open(f'/proc/{pid}/stat') as f:
        s = f.read()
    r = s[s.rindex(')') + 2:].split()
    return int(r[1]), int(r[11]) + int(r[12]), int(r[13]) + int(r[14])


def ticks(pid):
    return read_stat(pid)[1] if pid else 0


def status(pid):
    out = {}
    with open(f'/proc/{pid}/status') as f:
        for line in f:
            k, _, v = line.partition(':')
            if k in ('VmRSS', 'VmHWM', 'Threads'):
                out[k] = int(v.split()[0])
    return out


def listen_overflows():
    """TcpExt ListenOverflows + ListenDrops, system-wide: connections a full accept queue turned away."""
    try:
        with open('/proc/net/netstat') as f:
            lines = f.read().splitlines()
        for a, b in zip(lines, lines[1:]):
            if a.startswith('TcpExt:') and b.startswith('TcpExt:'):
                d = dict(zip(a.split()[1:], b.split()[1:]))
                return int(d.get('ListenOverflows', 0)) + int(d.get('ListenDrops', 0))
    except OSError:
        pass
    return 0


def busy_ticks():
    with open('/proc/stat') as f:
        v = f.readline().split()[1:]
    # user nice system irq softirq: the kernel charges softirq work done on a process's behalf (loopback
    # networking) to that process's stime as well; idle, iowait and steal are nobody's
    return int(v[0]) + int(v[1]) + int(v[2]) + int(v[5]) + int(v[6])


def snapshot():
    busy = busy_ticks()
    procs = {}
    for d in os.listdir('/proc'):
        if d.isdigit():
            try:
                procs[int(d)] = read_stat(int(d))
            except (OSError, ValueError, IndexError):
                pass
    kind = {}

    def classify(pid):
        chain = []
        k = 'foreign'
        while True:
            if pid in kind:
                k = kind[pid]
                break
            if pid == ROOT_PID:
                k = 'ours'
                break
            if pid == 2:
                k = 'kernel'
                break
            if pid not in procs or pid <= 1 or len(chain) > 200:
                break
            chain.append(pid)
            pid = procs[pid][0]
        for p in chain:
            kind[p] = k
        return k

    ours = kernel = 0
    foreign = {}
    for pid, (ppid, own, kids) in procs.items():
        k = classify(pid)
        if k == 'ours':
            ours += own + kids
        elif k == 'kernel':
            kernel += own
        else:
            foreign[pid] = own
    return dict(t=time.monotonic(), busy=busy, ours=ours, kernel=kernel, foreign=foreign,
                nftp=sum(1 for p, v in procs.items() if v[0] == VSFTPD))


def other_ticks(s0, s1):
    """CPU ticks of processes outside the benchmark between two snapshots: from /proc/stat, and (as a
    cross-check) summed over the live foreign processes."""
    stat = (s1['busy'] - s0['busy']) - (s1['ours'] - s0['ours']) - (s1['kernel'] - s0['kernel'])
    procs = sum(t - s0['foreign'].get(p, 0) for p, t in s1['foreign'].items())
    return stat, procs


def wait_quiet(limit_s):
    """Waits (at most limit_s) for two 3-second windows in which other processes used < 0.15 core."""
    end = time.monotonic() + limit_s
    calm = 0
    seen = []
    while time.monotonic() < end:
        s0 = snapshot()
        time.sleep(3)
        s1 = snapshot()
        st, pr = other_ticks(s0, s1)
        cores = max(st, 0) / TCK / (s1['t'] - s0['t'])
        seen.append(round(cores, 2))
        calm = calm + 1 if cores < 0.15 else 0
        if calm >= 2:
            break
    say(f'other load before measuring (cores, 3 s windows): {seen}')
    return seen


# ---- curl -------------------------------------------------------------------------------------------
def curl_cmd(port, path, extra, max_time):
    cmd = ['curl', '-sS', '--netrc-file', NETRC, '--max-time', str(max_time)]
    if port:
        cmd += ['--socks5-hostname', f'127.0.0.1:{port}']
    return cmd + extra + [f'ftp://127.0.0.1:{PORT_FTP}/{path}']


def last_line(text):
    text = (text or '').strip()
    return text.splitlines()[-1][:200] if text else ''


def bulk(cmd, pid, dst, what):
    """One 64 MiB transfer: its time and the proxy's CPU; intact when the file at dst (the download, or
    the server's copy of the upload) has the size and SHA-256 of big.bin. dst is removed after."""
    c0 = ticks(pid)
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=360)
    c1 = ticks(pid)
    res = dict(rc=r.returncode)
    try:
        t, size, pre = r.stdout.split()
        res.update(time=float(t), bytes=int(float(size)), pretransfer=float(pre))
    except ValueError:
        res.update(time=None, bytes=0)
    got = os.path.getsize(dst) if os.path.exists(dst) else -1
    ok = r.returncode == 0 and res['bytes'] == BIG and got == BIG and sha256_file(dst) == FILES['big.bin'][1]
    if os.path.exists(dst):
        os.remove(dst)
    res['ok'] = ok
    if not ok:
        res['error'] = f'{what}: curl exit {r.returncode}, curl moved {res["bytes"]} bytes, the file has {got} {last_line(r.stderr)}'
    elif res['time']:
        res['mbps'] = BIG / 1e6 / res['time']
    if pid:
        res['cpu_s'] = (c1 - c0) / TCK
        if ok:
            res['cpu_per_gb'] = res['cpu_s'] / (BIG / 1e9)
    return res


def m_down(key, port, pid, n):
    dst = f'{OUTDIR}/down-{key}.bin'
    return bulk(curl_cmd(port, 'big.bin', ['-o', dst, '-w', '%{time_total} %{size_download} %{time_pretransfer}'], 300),
                pid, dst, 'download')


def m_up(key, port, pid, n):
    name = f'up-{key}-{n}.bin'
    return bulk(curl_cmd(port, name, ['-T', f'{W}/ftp/big.bin', '-w', '%{time_total} %{size_upload} %{time_pretransfer}'], 300),
                pid, f'{W}/ftp/{name}', 'upload')


def m_seq(key, port, pid, n):
    size, sha = FILES['small.bin']
    cmd = curl_cmd(port, 'small.bin', ['-o', '-'], 60)
    bad = []
    c0 = ticks(pid)
    start = time.monotonic()
    for i in range(SEQ):
        r = subprocess.run(cmd, capture_output=True, timeout=90)
        if r.returncode != 0 or len(r.stdout) != size or hashlib.sha256(r.stdout).hexdigest() != sha:
            bad.append(f'small session {i}: curl exit {r.returncode}, {len(r.stdout)} bytes {last_line(r.stderr.decode(errors="replace"))}')
    wall = time.monotonic() - start
    c1 = ticks(pid)
    res = dict(wall=wall, sessions=SEQ, failed=len(bad), ok=not bad, ms=1000 * wall / SEQ)
    if bad:
        res['error'] = f'{len(bad)} of {SEQ} sequential small sessions failed; first: {bad[0]}'
    if pid:
        res['cpu_s'] = (c1 - c0) / TCK
        res['cpu_ms'] = 1000 * res['cpu_s'] / SEQ
    return res


class Sampler(threading.Thread):
    """Samples a proxy's VmRSS, VmHWM and Threads every 0.1 s, and the established connections on a
    listening port every 0.5 s."""

    def __init__(self, pid, port):
        super().__init__(daemon=True)
        self.pid, self.port = pid, port
        self.stop = threading.Event()
        self.rss = self.hwm = self.threads = self.conns = 0

    def count_conns(self):
        n = 0
        hexport = f':{self.port:04X}'
        for tbl in ('/proc/net/tcp', '/proc/net/tcp6'):
            try:
                with open(tbl) as f:
                    next(f)
                    for line in f:
                        w = line.split(None, 4)
                        if w[3] == '01' and w[1].endswith(hexport):
                            n += 1
            except OSError:
                pass
        return n

    def run(self):
        i = 0
        while not self.stop.is_set():
            if self.pid:
                try:
                    s = status(self.pid)
                    self.rss = max(self.rss, s.get('VmRSS', 0))
                    self.hwm = max(self.hwm, s.get('VmHWM', 0))
                    self.threads = max(self.threads, s.get('Threads', 0))
                except OSError:
                    pass
            if i % 5 == 0:
                self.conns = max(self.conns, self.count_conns())
            i += 1
            self.stop.wait(0.1)


def batch(key, port, pid, sessions, max_time, tag, hold=0):
    """One curl per session. All are started first, each held behind a file lock; then they are let go
    in waves of WAVE, RATE sessions a second (RATE 0: all at once), so that the start does not depend on
    how fast this process can start curls. (vsftpd listens with a fixed backlog of 32: a burst of
    connections beyond it leaves some hanging until a timeout, whoever makes them.) sessions: list of
    (kind, path) with kind 'file' or 'list'. With hold, each session makes three transfers on its one
    control connection, hold/2 s apart (curl --rate), so that it stays open about hold s.
    Waits for all and checks every transfer. Returns the wall time from the first release to the last
    exit, failures, and the proxy's peaks."""
    n = len(sessions)
    wave = n if RATE <= 0 else WAVE
    reps = 3 if hold > 0 else 1
    gates, procs = [], []
    try:
        for w in range(0, n, wave):
            g = open(f'{GATE}-{w // wave}', 'w')
            fcntl.flock(g, fcntl.LOCK_EX)
            gates.append(g)
        for i, (kind, path) in enumerate(sessions):
            dsts = [f'{OUTDIR}/{tag}-{i}-{r}.out' for r in range(reps)]
            extra = ['-w', '\\nW %{exitcode} %{size_download} %{time_total} %{errormsg}\\n']
            for d in dsts:
                extra += ['-o', d]
            if reps > 1:
                extra += ['--rate', f'{max(1, round(7200 / hold))}/h']
            cmd = curl_cmd(port, path, extra, max_time)
            cmd += cmd[-1:] * (reps - 1)  # the same URL again, on the same control connection
            with open(f'{OUTDIR}/{tag}-{i}.log', 'wb') as logf:
                p = subprocess.Popen(['sh', '-c', 'exec 9<"$0" && flock -s 9 && exec "$@"', f'{GATE}-{i // wave}'] + cmd,
                                     stdin=subprocess.DEVNULL, stdout=logf, stderr=subprocess.STDOUT)
            procs.append((p, kind, path, dsts))
        time.sleep(0.5)  # the last ones reach their lock
        sampler = Sampler(pid, port or PORT_FTP)
        sampler.start()
        lo0 = listen_overflows()
        c0 = ticks(pid)
        start = time.monotonic()
        while gates:
            g = gates.pop(0)
            fcntl.flock(g, fcntl.LOCK_UN)  # go
            g.close()
            if gates:
                time.sleep(wave / RATE)
    except BaseException:
        for p, *_ in procs:
            p.kill()
        raise
    finally:
        for g in gates:
            g.close()  # releases its lock: nobody stays blocked
    for p, *_ in procs:
        try:
            p.wait(timeout=max_time + 60)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()
    wall = time.monotonic() - start
    c1 = ticks(pid)
    lo1 = listen_overflows()
    sampler.stop.set()
    sampler.join()
    bad, times = [], []
    for i, (p, kind, path, dsts) in enumerate(procs):
        logp = f'{OUTDIR}/{tag}-{i}.log'
        text = open(logp, errors='replace').read()
        ws = [m.groups() for m in re.finditer(r'^W (\d+) (\d+) ([0-9.]+) ?(.*)$', text, re.M)]
        if ws:
            times.append(sum(float(w[2]) for w in ws))
        why = None
        for k, w in enumerate(ws):  # with several URLs, curl's exit code is only the last one's
            if w[0] != '0':
                why = f'transfer {k + 1}: curl exit {w[0]}: {w[3][:160]}'
                break
        if not why and p.returncode != 0:
            why = f'curl exit {p.returncode} {last_line(re.sub(r"(?m)^W .*$", "", text))}'
        for dst in dsts:
            if why:
                break
            if kind == 'file':
                size, sha = FILES[path]
                if not os.path.exists(dst) or os.path.getsize(dst) != size or sha256_file(dst) != sha:
                    why = f'{path}: got {os.path.getsize(dst) if os.path.exists(dst) else "no file"} bytes or a wrong SHA-256'
            else:
                listing = open(dst, errors='replace').read() if os.path.exists(dst) else ''
                if 'big.bin' not in listing:
                    why = 'LIST without big.bin'
        if why:
            bad.append(f'session {i} ({"LIST" if kind == "list" else path}): {why}')
        for f in dsts + [logp]:
            if os.path.exists(f):
                os.remove(f)
    res = dict(wall=wall, sessions=n, transfers=n * reps, failed=len(bad), ok=not bad,
               slowest=max(times) if times else None, conns_peak=sampler.conns, listen_overflows=lo1 - lo0)
    if bad:
        res['error'] = (f'{len(bad)} of {n} sessions failed (accept-queue overflows on the machine meanwhile: '
                        f'{lo1 - lo0}); first: ' + '; '.join(bad[:3]))
        res['errors'] = bad[:20]
    if pid:
        res.update(cpu_s=(c1 - c0) / TCK, rss_peak_mib=sampler.rss / 1024, threads_peak=sampler.threads)
        try:
            res['hwm_mib'] = status(pid)['VmHWM'] / 1024
        except OSError:
            res['hwm_mib'] = sampler.hwm / 1024
    return res


def m_par(key, port, pid, n):
    return batch(key, port, pid, [('file', 'small.bin')] * PAR, 120, f'par-{key}')


def mass_sessions():
    # 1 in 10 fetches mid.bin (a few MiB), the rest small.bin
    return [('file', 'mid.bin' if i % 10 == 9 else 'small.bin') for i in range(MASS)]


def m_mass(key, port, pid, n):
    return batch(key, port, pid, mass_sessions(), 600, f'mass-{key}', HOLD)


def m_logins(key, port, pid, n):
    # log in, then LIST (even) or fetch the 0-byte file (odd), quit
    return batch(key, port, pid, [('list', '') if i % 2 == 0 else ('file', 'empty.bin') for i in range(LOGINS)],
                 300, f'login-{key}')


MEASURES = [('down', m_down), ('up', m_up), ('seq', m_seq), ('par', m_par), ('mass', m_mass), ('logins', m_logins)]
if ONLY:
    MEASURES = [m for m in MEASURES if m[0] in ONLY]
WARM_MEASURES = ('down', 'up', 'seq', 'par')


# ---- running ----------------------------------------------------------------------------------------
RECORDS = []
JSONL = open(os.path.splitext(OUT)[0] + '.jsonl', 'w')
COUNTER = [0]


def settle(baseline, limit=30):
    """After a batch: waits until vsftpd's sessions are back to what they were, so that one contender's
    wind-down does not fall into the next one's time. (The broker keeps its SSH connections for 60 s
    after their last tunnel, as it does in service, so sshd's processes are not waited for.)"""
    end = time.monotonic() + limit
    while time.monotonic() < end:
        if snapshot()['nftp'] <= baseline:
            return
        time.sleep(0.2)
    say(f'(processes still winding down after {limit} s)')


def check_alive():
    for key, label, port, pid in CONTENDERS:
        if pid and not os.path.exists(f'/proc/{pid}'):
            raise SystemExit(f'bench: ERROR: {label} (pid {pid}) has ended during the run')


def unit(measure, fn, rnd, attempt, warm, can_repeat=False):
    check_alive()
    k = attempt % len(CONTENDERS)
    order = CONTENDERS[k:] + CONTENDERS[:k]
    rows = []
    tot_other = tot_other_p = tot_wall = 0
    for key, label, port, pid in order:
        COUNTER[0] += 1
        s0 = snapshot()
        base = s0['nftp']
        r = fn(key, port, pid, COUNTER[0])
        s1 = snapshot()
        st, pr = other_ticks(s0, s1)
        wall = s1['t'] - s0['t']
        tot_other += st
        tot_other_p += pr
        tot_wall += wall
        r.update(measure=measure, contender=key, round=rnd, attempt=attempt, warmup=warm,
                 other_cores=round(st / TCK / wall, 3), other_cores_procs=round(pr / TCK / wall, 3),
                 at=datetime.datetime.now(datetime.timezone.utc).strftime('%H:%M:%S'))
        rows.append(r)
        if measure in ('mass', 'logins', 'par'):
            settle(base)
    other = max(tot_other, 0) / TCK / tot_wall
    noisy = other > NOISE
    for r in rows:
        r['unit_other_cores'] = round(other, 3)
        r['unit_other_cores_procs'] = round(max(tot_other_p, 0) / TCK / tot_wall, 3)
        r['noisy'] = noisy
        RECORDS.append(r)
        JSONL.write(json.dumps(r) + '\n')
    JSONL.flush()
    desc = '  '.join(f'{LABEL[r["contender"]]}: {brief(r)}' for r in rows)
    say(f'{"warm-up" if warm else "round"} {rnd + 1} {measure:6} {desc}  | other {other:.2f} core'
        + ((' NOISY, repeated' if can_repeat else ' NOISY (no repeats left)') if noisy and not warm else ''))
    return noisy


def brief(r):
    if not r.get('ok'):
        return 'FAILED'
    m = r['measure']
    if m in ('down', 'up'):
        s = f'{r["mbps"]:.0f} MB/s'
        return s + (f' {r["cpu_per_gb"]:.2f} s/GB' if 'cpu_per_gb' in r else '')
    if m == 'seq':
        return f'{r["ms"]:.1f} ms'
    s = f'{r["wall"]:.2f} s'
    if m == 'mass' and 'rss_peak_mib' in r:
        s += f' {r["rss_peak_mib"]:.0f} MiB {r["threads_peak"]} thr'
    return s


def preflight():
    for key, label, port, pid in CONTENDERS:
        r = subprocess.run(curl_cmd(port, 'small.bin', ['-o', '-'], 60), capture_output=True, timeout=90)
        if r.returncode != 0 or hashlib.sha256(r.stdout).hexdigest() != FILES['small.bin'][1]:
            raise SystemExit(f'bench: ERROR: a first small download through {label} failed: curl exit {r.returncode} '
                             f'{r.stderr.decode(errors="replace").strip()}')


def main():
    started = datetime.datetime.now(datetime.timezone.utc)
    preflight()
    quiet = wait_quiet(15 if QUICK else 60)
    for w in range(WARMUP):
        for measure, fn in MEASURES:
            if measure in WARM_MEASURES:
                unit(measure, fn, w, w, True)
    repeats = {m: [0, 0] for m, _ in MEASURES}  # clean units, attempts
    for rnd in range(ROUNDS):
        for measure, fn in MEASURES:
            while True:
                c = repeats[measure]
                noisy = unit(measure, fn, rnd, c[1], False, c[1] - c[0] < ROUNDS)
                c[1] += 1
                if not noisy:
                    c[0] += 1
                    break
                if c[1] - c[0] >= ROUNDS:  # at most ROUNDS repeats per measure in all
                    break
                time.sleep(3)
    ended = datetime.datetime.now(datetime.timezone.utc)
    report = make_report(started, ended, quiet, repeats)
    sys.stdout.write(report)
    sys.stdout.flush()
    with open(OUT, 'w') as f:
        f.write(report)


# ---- report -----------------------------------------------------------------------------------------
def sh(cmd):
    try:
        r = subprocess.run(cmd, shell=True, capture_output=True, text=True, timeout=30)
        return (r.stdout + r.stderr).strip()
    except Exception as e:  # noqa
        return f'({e})'


def machine():
    model = ''
    with open('/proc/cpuinfo') as f:
        for line in f:
            if line.startswith('model name'):
                model = line.split(':', 1)[1].strip()
                break
    mem = ''
    with open('/proc/meminfo') as f:
        for line in f:
            if line.startswith('MemTotal'):
                mem = f'{int(line.split()[1]) / 2**20:.1f} GiB'
    try:
        java = os.readlink(f'/proc/{BROKER}/exe')
        cmdline = open(f'/proc/{BROKER}/cmdline', 'rb').read().split(b'\0')
        cmdline = ' '.join(a.decode(errors='replace') for a in cmdline if a)
    except OSError:
        java, cmdline = 'java', '(the broker had ended)'
    # samples/ftb keeps its shipped options in three lists: heap, collector and bounds.
    defaults = ' '.join(sh(f"sed -n 's/^{name}=//p' '{ROOT}/samples/ftb'").strip('\'"')
                        for name in ('heap', 'collector', 'bounds'))
    pk = sh("dpkg-query -W -f '${Package} ${Version}\\n' openssh-server openssh-client vsftpd curl 2>/dev/null")
    commit = sh(f"git -C '{ROOT}' rev-parse --short HEAD")
    dirty = sh(f"git -C '{ROOT}' status --porcelain -- src pom.xml samples zos-stubs")
    rows = [
        ('CPU', f'{os.cpu_count()} × {model}'),
        ('RAM', mem),
        ('open files (ulimit -n)', str(resource.getrlimit(resource.RLIMIT_NOFILE)[0])),
        ('kernel', f'{platform.system()} {platform.release()} {platform.machine()}'),
        ('java', sh(f"'{java}' -version 2>&1 | head -n 2 | tr '\\n' ' '")),
        ('ssh', sh('ssh -V 2>&1')),
        ('sshd', sh('/usr/sbin/sshd -V 2>&1 | head -n 1')),
        ('vsftpd', sh("sh -c '/usr/sbin/vsftpd -v 0>&1' 2>&1 | head -n 1")),
        ('curl', sh('curl --version | head -n 1')),
        ('packages', pk.replace('\n', '; ')),
        ('ftb', f'commit {commit}' + (' with uncommitted changes to the sources' if dirty else '')
         + f', target/ftb.jar of {datetime.datetime.fromtimestamp(os.path.getmtime(ROOT + "/target/ftb.jar"), datetime.timezone.utc):%Y-%m-%d %H:%M} UTC'),
        ('shipped JVM options (samples/ftb)', f'`{defaults}`' + (f'; FTB_JAVA_OPTS=`{E["FTB_JAVA_OPTS"]}`' if E.get('FTB_JAVA_OPTS') else '')),
        ('broker command line (/proc/PID/cmdline)', f'`{cmdline}`'),
    ]
    return rows


def clean_rows(measure, key):
    every = [r for r in RECORDS if r['measure'] == measure and r['contender'] == key and not r['warmup']]
    c = [r for r in every if not r['noisy']]
    return (c or every), every, not c and bool(every)


def stat_of(measure, key, field):
    rows, every, all_noisy = clean_rows(measure, key)
    v = [r[field] for r in rows if r.get(field) is not None]
    if not v:
        return None
    return dict(med=statistics.median(v), lo=min(v), hi=max(v), n=len(v), all_noisy=all_noisy)


def fmt(x, d):
    return '—' if x is None else f'{x:.{d}f}'


def cell(s, d):
    if s is None:
        return '—'
    t = f'{fmt(s["med"], d)} ({fmt(s["lo"], d)}–{fmt(s["hi"], d)})' if s['n'] > 1 else fmt(s['med'], d)
    if s['all_noisy']:
        t += f' ⚠noisy, n={s["n"]}'
    elif s['n'] < ROUNDS:
        t += f' [n={s["n"]}]'
    return t


def ratio(a, b):
    if a is None or b is None or not b['med']:
        return None
    return a['med'] / b['med']


def make_report(started, ended, quiet, repeats):
    L = []
    L.append(f'# ftb benchmark, {started:%Y-%m-%d %H:%M} UTC')
    L.append('')
    L.append(f'- command: `{E["FTBB_COMMAND"]}` (in `{ROOT}`), {started:%H:%M:%S}–{ended:%H:%M:%S} UTC')
    L.append('- concurrent batches: every curl is started first and held on a file lock, then they are let go '
             + (f'{RATE:g} a second in waves of {WAVE}' if RATE > 0 else 'all at once')
             + (f'; in the mixed batch each session makes three transfers (RETR) on its control connection, '
                f'{HOLD / 2:g} s apart, so that it stays open about {HOLD:g} s' if HOLD > 0 else ''))
    L.append(f'- rounds: {ROUNDS}, each measure once per contender in a rotating order (after {WARMUP} warm-up '
             f'round{"" if WARMUP == 1 else "s"} of the download, upload, sequential and parallel measures); '
             f'a unit (one measure, all three contenders) in which other processes used more than {NOISE} core '
             f'is repeated (at most {ROUNDS} repeats per measure)')
    for k, v in machine():
        L.append(f'- {k}: {v}')
    L.append('- set-up: loopback only; OpenSSH sshd (cipher aes128-gcm@openssh.com) and vsftpd of the packages '
             'above, each with its own configuration; ftb: `FTPTUNNEL AUTH(KEY)` to that sshd, started through '
             '`samples/ftb`; `ssh -N -D` with the same key and cipher; curl `--socks5-hostname` for both proxies, '
             'passive FTP')
    L.append('')
    L.append('The broker\'s configuration:')
    L.append('')
    L.append('```')
    L.append(open(f'{W}/broker.txt').read().rstrip())
    L.append('```')
    L.append('')
    L.append('## Results')
    L.append('')
    L.append('Median (min–max) over the rounds. MB = 10^6 bytes, GB = 10^9 bytes. Throughput is the file size '
             "over curl's `time_total` (FTP login and PASV included). CPU is the proxy process's own "
             'utime+stime from /proc/PID/stat (broker JVM, ssh client; children excluded) around each transfer. '
             'RSS and threads: /proc/PID/status sampled every 0.1 s during the batch; VmHWM read after it '
             '(the peak since the broker started). Ratios are of the medians. Only units in which other processes '
             f'stayed under {NOISE} core count; `[n=k]`: only k such rounds; `⚠noisy`: none, so the noisy ones are '
             'shown. Failed transfers are left out of the figures and counted below.')
    L.append('')
    L.append('| measure | direct | ftb | ssh -D | ftb / ssh -D | ftb / direct | target (issue 10) |')
    L.append('|---|---|---|---|---|---|---|')
    nmid = sum(1 for k, p in mass_sessions() if p == 'mid.bin')
    per = '3 × ' if HOLD > 0 else ''
    rows = [
        ('download 64 MiB, MB/s', 'down', 'mbps', 0, ('ratio', '≥', 1.0)),
        ('upload 64 MiB, MB/s', 'up', 'mbps', 0, ('ratio', '≥', 1.0)),
        ('proxy CPU per GB, download, s', 'down', 'cpu_per_gb', 2, ('ratio', '≤', 1.5)),
        ('proxy CPU per GB, upload, s', 'up', 'cpu_per_gb', 2, ('ratio', '≤', 1.5)),
        (f'small session ({SMALL_KIB:.0f} KiB), {SEQ} sequential, ms each', 'seq', 'ms', 1, ('ratio', '≤', 1.0)),
        ('proxy CPU per small session, ms', 'seq', 'cpu_ms', 2, None),
        (f'{PAR} small sessions in parallel, wall s', 'par', 'wall', 2, ('ratio', '≤', 1.0)),
        (f'{MASS} concurrent sessions ({MASS - nmid} fetching {per}{SMALL_KIB:.0f} KiB, {nmid} fetching {per}{MID_MIB:.0f} MiB), wall s', 'mass', 'wall', 2, None),
        ("… slowest session (its transfers' time_total), s", 'mass', 'slowest', 2, None),
        ('… peak client connections open on the port', 'mass', 'conns_peak', 0, None),
        ('… accept-queue overflows on the machine (TcpExt ListenOverflows+ListenDrops)', 'mass', 'listen_overflows', 0, None),
        ('… proxy peak RSS (VmRSS), MiB', 'mass', 'rss_peak_mib', 0, ('abs', '≤', 256)),
        ('… proxy VmHWM after the batch, MiB', 'mass', 'hwm_mib', 0, ('abs', '≤', 256)),
        ('… proxy peak threads', 'mass', 'threads_peak', 0, ('abs', '<', 64)),
        ('… proxy CPU for the batch, s', 'mass', 'cpu_s', 2, None),
        (f'{LOGINS} concurrent logins (LIST or 0-byte file), wall s', 'logins', 'wall', 2, None),
        ('… slowest login session, s', 'logins', 'slowest', 2, None),
        ('… accept-queue overflows on the machine', 'logins', 'listen_overflows', 0, None),
    ]
    for label, m, field, d, target in rows:
        s = {k: stat_of(m, k, field) for k, _, _, _ in CONTENDERS}
        r1, r2 = ratio(s['ftb'], s['sshD']), ratio(s['ftb'], s['direct'])
        tgt = ''
        if target and target[0] == 'ratio' and r1 is not None:
            op, lim = target[1], target[2]
            met = r1 >= lim if op == '≥' else r1 <= lim
            tgt = f'{op} {lim} × ssh -D: {"met" if met else "**missed**"}'
        elif target and target[0] == 'abs' and s['ftb'] is not None:
            op, lim = target[1], target[2]
            worst = s['ftb']['hi']
            met = worst <= lim if op == '≤' else worst < lim
            tgt = f'{op} {lim} (worst round): {"met" if met else "**missed**"}'
        L.append(f'| {label} | {cell(s["direct"], d)} | {cell(s["ftb"], d)} | {cell(s["sshD"], d)} | '
                 f'{fmt(r1, 2)} | {fmt(r2, 2)} | {tgt} |')
    # failures, all rounds (warm-ups and noisy ones too)
    for m, label in (('mass', f'{MASS} concurrent sessions'), ('logins', f'{LOGINS} concurrent logins')):
        cells = []
        for k, _, _, _ in CONTENDERS:
            every = [r for r in RECORDS if r['measure'] == m and r['contender'] == k]
            cells.append(f'{sum(r["failed"] for r in every)} of {sum(r["sessions"] for r in every)}' if every else '—')
        allok = cells[1].startswith('0 of')
        L.append(f'| … {label}: failed, all rounds | {cells[0]} | {cells[1]} | {cells[2]} | | | '
                 f'all complete: {"met" if allok else "**missed**"} |')
    L.append('')
    L.append('## Failures')
    L.append('')
    fails = [r for r in RECORDS if not r.get('ok')]
    if not fails:
        n = len(RECORDS)
        L.append(f'None: every transfer of the {n} measurements (warm-ups included) ended with curl exit 0 and '
                 'the right size and SHA-256 (uploads checked on the server side, then removed).')
    for r in fails:
        L.append(f'- FAILED: {"warm-up" if r["warmup"] else "round"} {r["round"] + 1} (attempt {r["attempt"] + 1}), '
                 f'{r["measure"]}, {LABEL[r["contender"]]}: {r.get("error", "?")}')
    L.append('')
    L.append('## Load and logs')
    L.append('')
    L.append(f'- other processes before measuring (cores, 3 s windows): {quiet}')
    for m, _ in MEASURES:
        us = [r for r in RECORDS if r['measure'] == m and not r['warmup'] and r['contender'] == 'direct']
        if us:
            o = [r['unit_other_cores'] for r in us]
            op = [r['unit_other_cores_procs'] for r in us]
            clean, attempts = repeats.get(m, (0, 0))
            L.append(f'- {m}: {clean} clean of {attempts} units; other load per unit {min(o):.2f}–{max(o):.2f} core '
                     f'(/proc/stat minus the benchmark), {min(op):.2f}–{max(op):.2f} core (summed over the other processes)')
    L.append(f'- broker log: {log_summary(f"{W}/broker.log")}')
    L.append(f'- raw measurements: `{os.path.splitext(OUT)[0]}.jsonl`')
    L.append('')
    return '\n'.join(L)


def log_summary(path):
    try:
        lines = open(path, errors='replace').read().splitlines()
    except OSError:
        return 'not readable'
    bad = [l for l in lines if re.match(r'^\S+ \S+ FTB\d{4}[WES] ', l)]
    other = [l for l in lines if not re.match(r'^\S+ \S+ FTB\d{4}[IWES] ', l)]
    s = f'{len(lines)} lines, {len(bad)} warnings or errors'
    if bad:
        ids = {}
        for l in bad:
            i = l.split()[2]
            ids[i] = ids.get(i, 0) + 1
        s += ' (' + ', '.join(f'{k} × {v}' for k, v in sorted(ids.items())) + f'; first: `{bad[0][:200]}`)'
    if other:
        s += f'; {len(other)} lines in another form (first: `{other[0][:160]}`)'
    return s


if __name__ == '__main__':
    try:
        main()
    except SystemExit:
        raise
    except KeyboardInterrupt:
        sys.exit(130)
