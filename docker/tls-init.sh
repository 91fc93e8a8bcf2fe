#!/bin/sh
# One gateway's TLS key and self-signed certificate, made once, and the certificate published to
# the directory its peers read their trust from.
#
#   tls-init.sh NAME DOMAIN PEERS_DIR
#
# Writes $LIAISON_DATA_DIR/tls/private-key.pem (mode 0600) and certificate.pem (ECDSA P-256,
# 825 days) unless they exist, then copies the certificate to PEERS_DIR/NAME.pem. The certificate
# names NAME (the host name peers use in http.public-url), DOMAIN, localhost and 127.0.0.1, so
# peers, mail clients on the host and the health check all match it. compose.yaml runs it as a
# one-shot service before the gateways; EnvironmentStartIT runs the same script.
#
# Why not the certificate Liaison generates itself: that one exists only once `serve` has started,
# and each gateway must trust the other's certificate (relay.trusted-certificates) when it starts.
set -eu

if [ $# -ne 3 ]; then
  echo "usage: tls-init.sh NAME DOMAIN PEERS_DIR" >&2
  exit 2
fi
name=$1
domain=$2
peers=$3
tls="${LIAISON_DATA_DIR:?LIAISON_DATA_DIR is not set}/tls"

umask 077
mkdir -p "$tls"
if [ ! -s "$tls/certificate.pem" ] || [ ! -s "$tls/private-key.pem" ]; then
  work=$(mktemp -d "$tls/.new.XXXXXX")
  cat > "$work/openssl.cnf" <<CNF
[req]
distinguished_name = subject
x509_extensions = server
prompt = no
[subject]
CN = $name
[server]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth
subjectAltName = DNS:$name, DNS:$domain, DNS:localhost, IP:127.0.0.1
subjectKeyIdentifier = hash
CNF
  openssl req -x509 -config "$work/openssl.cnf" -newkey ec -pkeyopt ec_paramgen_curve:P-256 -noenc \
    -days 825 -keyout "$work/private-key.pem" -out "$work/certificate.pem" 2>/dev/null
  # Key first, certificate last: a certificate.pem present means its key is complete.
  mv "$work/private-key.pem" "$tls/private-key.pem"
  mv "$work/certificate.pem" "$tls/certificate.pem"
  rm -rf "$work"
  echo "tls-init: new certificate for $name ($domain, localhost, 127.0.0.1) in $tls"
fi

umask 022
mkdir -p "$peers"
cp "$tls/certificate.pem" "$peers/.$name.pem.new"
chmod 0644 "$peers/.$name.pem.new"
mv "$peers/.$name.pem.new" "$peers/$name.pem"
echo "tls-init: $peers/$name.pem is $name's certificate"
