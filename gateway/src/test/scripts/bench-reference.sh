#!/usr/bin/env bash
# The reference of issue 7, measured the way bench-relay.sh measures Liaison: Debian's Postfix
# (submission: STARTTLS + SASL via Dovecot, self-signed certificate) → LMTP → Dovecot (IMAP with
# IDLE, passwd-file users, Maildirs), on free ports of 127.0.0.1, driven by the same RelayLoad
# client (same sessions, sizes, message counts, IDLE latency). No end-to-end encryption: the
# mail is stored as submitted. Both fsync as shipped (Postfix's queue files, Dovecot's Maildir).
#
# Usage (as root): gateway/src/test/scripts/bench-reference.sh [RelayLoad run options]
#   e.g. bench-reference.sh -s 10 --sizes 1024,10240,1048576 --messages 5000,5000,200 --unloaded 100
# Pairs: REF_PAIRS (default 10) users a_i and b_i; a_i writes to b_i.
# Isolated: its own Postfix instance (postfix -c DIR: own main.cf/master.cf, queue, data dir and
# log) and Dovecot (dovecot -c FILE: own base_dir, ports, log), all in REF_DIR (default
# /tmp/liaison-reference). The system's Postfix and Dovecot are not configured or started.
# Idempotent: an instance left in REF_DIR by an earlier run is stopped and the directory made anew;
# both are stopped at the end (REF_KEEP=1 leaves them running, e.g. to look at the logs).
set -euo pipefail
cd "$(dirname "$0")/../../../.."
ref=${REF_DIR:-/tmp/liaison-reference}
pairs=${REF_PAIRS:-10}
password=relay-load-password

missing=()
for p in postfix dovecot-imapd dovecot-lmtpd; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  # "No configuration": the packages' own instances stay unconfigured; nothing listens on 25/143
  echo "postfix postfix/main_mailer_type select No configuration" | debconf-set-selections
  DEBIAN_FRONTEND=noninteractive apt-get install -y "${missing[@]}" >/dev/null
fi

stop() {
  if [ -f "$ref/postfix/main.cf" ]; then postfix -c "$ref/postfix" stop 2>/dev/null || true; fi
  if [ -f "$ref/dovecot.conf" ]; then doveadm -c "$ref/dovecot.conf" stop 2>/dev/null || true; fi
  for f in "$ref/spool/pid/master.pid" "$ref/run/master.pid"; do
    if [ -f "$f" ]; then
      pid=$(tr -d ' \n' < "$f")
      for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    fi
  done
}
stop
rm -rf "$ref"
mkdir -p "$ref"/{postfix,spool,data,run,mail}
chmod 755 "$ref"
chown mail:mail "$ref/mail"
chown postfix "$ref/data"

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
submission=$(free_port); imap=$(free_port); lmtp=$(free_port); auth=$(free_port)

openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 30 -subj /CN=ref.test \
  -addext "subjectAltName=DNS:ref.test,DNS:localhost,IP:127.0.0.1" \
  -keyout "$ref/key.pem" -out "$ref/certificate.pem" 2>/dev/null
chmod 600 "$ref/key.pem"

: > "$ref/users"
: > "$ref/pairs.txt"
for i in $(seq "$pairs"); do
  echo "a$i:{PLAIN}$password" >> "$ref/users"
  echo "b$i:{PLAIN}$password" >> "$ref/users"
  echo "a$i $password a$i@ref.test b$i@ref.test b$i $password" >> "$ref/pairs.txt"
done

dh=""
[ -f /usr/share/dovecot/dh.pem ] && dh="ssl_dh = </usr/share/dovecot/dh.pem"
cat > "$ref/dovecot.conf" <<EOF
base_dir = $ref/run
state_dir = $ref/run/state
instance_name = liaison-reference
log_path = $ref/dovecot.log
listen = 127.0.0.1
protocols = imap lmtp
ssl = yes
ssl_cert = <$ref/certificate.pem
ssl_key = <$ref/key.pem
ssl_min_protocol = TLSv1.2
$dh
disable_plaintext_auth = yes
auth_mechanisms = plain login
# LMTP looks the recipient up as b1@ref.test; the passwd-file knows b1
auth_username_format = %Ln
first_valid_uid = 8
last_valid_uid = 8
mail_location = maildir:~/Maildir
passdb {
  driver = passwd-file
  args = scheme=PLAIN $ref/users
}
userdb {
  driver = static
  args = uid=mail gid=mail home=$ref/mail/%n
}
service imap-login {
  inet_listener imap {
    address = 127.0.0.1
    port = $imap
  }
  inet_listener imaps {
    port = 0
  }
}
service lmtp {
  inet_listener lmtp {
    address = 127.0.0.1
    port = $lmtp
  }
  unix_listener lmtp {
    mode = 0
  }
}
service auth {
  inet_listener {
    address = 127.0.0.1
    port = $auth
  }
}
protocol lmtp {
  postmaster_address = postmaster@ref.test
}
EOF
mkdir -p "$ref/run/state"

cat > "$ref/postfix/main.cf" <<EOF
compatibility_level = 3.6
queue_directory = $ref/spool
data_directory = $ref/data
meta_directory = /etc/postfix
mail_owner = postfix
setgid_group = postdrop
maillog_file = $ref/postfix.log
maillog_file_prefixes = $ref
myhostname = ref.test
mydomain = ref.test
myorigin = ref.test
mydestination =
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
alias_maps =
alias_database =
local_recipient_maps =
virtual_mailbox_domains = ref.test
virtual_transport = lmtp:inet:127.0.0.1:$lmtp
smtpd_tls_cert_file = $ref/certificate.pem
smtpd_tls_key_file = $ref/key.pem
smtpd_tls_security_level = encrypt
smtpd_tls_auth_only = yes
smtpd_sasl_auth_enable = yes
smtpd_sasl_type = dovecot
smtpd_sasl_path = inet:127.0.0.1:$auth
smtpd_relay_restrictions = permit_sasl_authenticated, reject
smtpd_recipient_restrictions = permit_sasl_authenticated, reject
smtpd_client_connection_rate_limit = 0
smtpd_client_message_rate_limit = 0
smtpd_client_connection_count_limit = 0
EOF
# every service runs unchrooted (the queue is in REF_DIR, not under /var/spool/postfix)
cat > "$ref/postfix/master.cf" <<EOF
$submission inet n - n - - smtpd
pickup    unix  n       -       n       60      1       pickup
cleanup   unix  n       -       n       -       0       cleanup
qmgr      unix  n       -       n       300     1       qmgr
tlsmgr    unix  -       -       n       1000?   1       tlsmgr
rewrite   unix  -       -       n       -       -       trivial-rewrite
bounce    unix  -       -       n       -       0       bounce
defer     unix  -       -       n       -       0       bounce
trace     unix  -       -       n       -       0       bounce
verify    unix  -       -       n       -       1       verify
flush     unix  n       -       n       1000?   0       flush
proxymap  unix  -       -       n       -       -       proxymap
proxywrite unix -       -       n       -       1       proxymap
smtp      unix  -       -       n       -       -       smtp
relay     unix  -       -       n       -       -       smtp
showq     unix  n       -       n       -       -       showq
error     unix  -       -       n       -       -       error
retry     unix  -       -       n       -       -       error
discard   unix  -       -       n       -       -       discard
lmtp      unix  -       -       n       -       -       lmtp
anvil     unix  -       -       n       -       1       anvil
scache    unix  -       -       n       -       1       scache
postlog   unix-dgram n  -       n       -       1       postlogd
EOF

if [ "${REF_KEEP:-0}" != 1 ]; then trap stop EXIT; trap "exit 1" INT TERM; fi
dovecot -c "$ref/dovecot.conf"
script -qec "postfix -c $ref/postfix check" /dev/null # a terminal: postfix(1) prints its errors only there or to syslog
script -qec "postfix -c $ref/postfix start" /dev/null
for _ in $(seq 50); do
  [ -f "$ref/spool/pid/master.pid" ] && [ -f "$ref/run/master.pid" ] && break
  sleep 0.2
done
echo "reference: submission 127.0.0.1:$submission, IMAP 127.0.0.1:$imap, LMTP $lmtp, auth $auth, in $ref" >&2

# the load tool as it is in this tree (the same build bench-relay.sh makes)
mvn -q -B -o -DskipTests package dependency:build-classpath -Dmdep.outputFile=target/test.classpath \
  -Dmdep.includeScope=test >/dev/null
cp="$PWD/gateway/target/test-classes:$PWD/gateway/target/classes:$(cat gateway/target/test.classpath)"
java ${LOAD_JAVA_OPTS:-} -cp "$cp" dev.liaison.gateway.load.RelayLoad client --label "Postfix → LMTP → Dovecot" \
  --smtp "127.0.0.1:$submission" --imap "127.0.0.1:$imap" --ca "$ref/certificate.pem" --pairs-file "$ref/pairs.txt" \
  --watch "postfix=$ref/spool/pid/master.pid,dovecot=$ref/run/master.pid" "$@"
