#!/usr/bin/env python3
"""Unloaded relay latency with an independent client (docs/benchmarks.md, "Relay end to end").

Against two gateways held up by `BENCH_WORK=DIR bench-relay.sh --hold`: logs in as the first pair's
receiver at B over IMAPS and IDLEs, submits one 10 KB message at a time at A over SMTP (STARTTLS,
AUTH) from the first pair's sender, and times each from the 250 at A to `* n EXISTS` at B.
Usage: relay-latency-probe.py DIR [MESSAGES] [PAUSE_SECONDS]
"""
import imaplib, os, smtplib, ssl, sys, threading, time

work = sys.argv[1]
count = int(sys.argv[2]) if len(sys.argv) > 2 else 40
pause = float(sys.argv[3]) if len(sys.argv) > 3 else 0.2
ports = dict(l.strip().split('=', 1) for l in open(os.path.join(work, 'ports.properties'))
             if '=' in l and not l.startswith('#'))
sender, sender_pw, _, alias, receiver, receiver_pw = open(os.path.join(work, 'pairs.txt')).readline().split()
tls = ssl.create_default_context(cafile=os.path.join(work, 'peers.pem'))
tls.check_hostname = False  # the gateways' certificates name a.test / b.test, the probe dials 127.0.0.1

imap = imaplib.IMAP4_SSL('127.0.0.1', int(ports['b.imaps.port']), ssl_context=tls)
imap.login(receiver, receiver_pw)
imap.select('INBOX')
lines = imap.socket().makefile('rb')
imap.send(b'I1 IDLE\r\n')
if not lines.readline().startswith(b'+'):
    sys.exit('IDLE refused')
announced = []

def watch():
    for line in lines:
        if b'EXISTS' in line:
            announced.append(time.time())

threading.Thread(target=watch, daemon=True).start()
smtp = smtplib.SMTP('127.0.0.1', int(ports['a.smtp.submission.port']))
smtp.starttls(context=tls)
smtp.login(sender, sender_pw)
body = ('x' * 76 + '\r\n') * 130
latencies = []
for i in range(count):
    seen = len(announced)
    message = (f'From: {sender}@a.test\r\nTo: {alias}\r\nSubject: probe {i}\r\n'
               f'Message-ID: <{os.urandom(8).hex()}@a.test>\r\n\r\n{body}')
    smtp.sendmail(f'{sender}@a.test', [alias], message)
    accepted = time.time()
    while len(announced) <= seen and time.time() - accepted < 10:
        time.sleep(0.0005)
    if len(announced) > seen:
        latencies.append((announced[seen] - accepted) * 1000)
    time.sleep(pause)
smtp.quit()
latencies.sort()
print(f'250 at A -> EXISTS at B: n={len(latencies)} of {count} p50={latencies[len(latencies) // 2]:.1f} ms'
      f' min={latencies[0]:.1f} ms max={latencies[-1]:.1f} ms')
