# interop/cases: sourced by interop/run, in order of name (see docs/testing.md).
# Last, because it kills sshd: FALLBACK(NO) and FALLBACK(PLAIN) with the SSH server down.

# ---- the SSH server stopped: FALLBACK(NO) fails safely, FALLBACK(PLAIN) goes on in clear text, and
# the capture check sees that clear text on the client host's link.
CAP_P_PID=$(start_capture "$NS_C" "$V_CS_C" "$W/fallback.pcap")
for p in $(ns_pids "$NS_S"); do
    [ "$(ps -o comm= -p "$p" 2>/dev/null)" = sshd ] && kill -KILL "$p" 2>/dev/null
done
for ((i = 0; i < 50; i++)); do port_open "$NS_C" 10.254.1.2 22 || break; sleep 0.1; done
sleep 0.5 # the broker sees its SSH connection go
name=fallback-no-ssh-down
n0=$(grep -c 'FTB0221E' "$W/broker.log" || true)
t1=$(date +%s) rc=0
ccurl "$S5" ftp://127.0.0.1/small.bin -o "$W/out/$name" 2>"$W/out/$name.err" || rc=$?
t2=$(date +%s)
sleep 0.2
n1=$(grep -c 'FTB0221E' "$W/broker.log" || true)
if port_open "$NS_C" 10.254.1.2 22; then fail $name "sshd still listens after being killed"
elif [ "$rc" = 0 ]; then fail $name "curl succeeded with the SSH server down and FALLBACK(NO)"
elif [ $((t2 - t1)) -ge 30 ]; then fail $name "curl took $((t2 - t1)) s (a hang), exit $rc"
elif [ -s "$W/out/$name" ]; then fail $name "curl got $(stat -c %s "$W/out/$name") bytes"
elif [ "$n1" -le "$n0" ]; then fail $name "curl exit $rc ($(tr '\n' ' ' <"$W/out/$name.err")), but no new FTB0221E in the broker's log"
else pass $name; fi
n0=$(grep -c 'FTB0237W' "$W/broker.log" || true)
case_get fallback-plain-ssh-down "$S5" ftp://10.254.1.2:2100/canary.txt "$HOME_DIR/canary.txt"
sleep 0.2
n1=$(grep -c 'FTB0237W' "$W/broker.log" || true)
[ "$n1" -gt "$n0" ] || fail fallback-plain-ssh-down-logged "no FTB0237W (plaintext fallback) in the broker's log"
sleep 1
kill -TERM "$CAP_P_PID" 2>/dev/null || true
for ((i = 0; i < 50; i++)); do kill -0 "$CAP_P_PID" 2>/dev/null || break; sleep 0.1; done
name=capture-check-detects-fallback-plain
found=$(clear_text_in "$W/fallback.pcap")
if [ "$found" != " the password; 'USER $TEST_USER'; 'RETR'; the canary file's content;" ]; then
    fail $name "on the client host's link, under FALLBACK(PLAIN), the check found only:${found:- nothing} ($(grep packets "$W/fallback.pcap.out" | tr '\n' ' '))"
else pass $name; fi
