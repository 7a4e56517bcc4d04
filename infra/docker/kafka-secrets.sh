#!/usr/bin/env bash
# Secrets of the docker-compose SASL_SSL option (docker-compose.sasl-ssl.yml), made with openssl:
#   ca.pem                     CA the roles trust (KAFKA_SSL_CA_FILE); ca.key stays here, never mounted into a role
#   broker.p12                 the broker's key and certificate (names kafka, localhost, 127.0.0.1), PKCS12
#   broker.p12.password        its password (the apache/kafka image reads keystore and key passwords from files)
#   kafka_server_jaas.conf     the image insists on a JAAS file when a SASL listener is advertised
#   opsconductor.password      the roles' SCRAM-SHA-512 password (KAFKA_SASL_PASSWORD_FILE)
# Usage: infra/docker/kafka-secrets.sh [DIR]   (default secrets/kafka; refuses to overwrite)
# Replace ca.pem / broker.p12 with your own PKI's for anything but a local try-out.
set -euo pipefail
dir="${1:-secrets/kafka}"
if [[ -e "$dir/ca.pem" ]]; then
  echo "$dir/ca.pem exists: remove $dir first to make new secrets" >&2
  exit 1
fi
mkdir -p "$dir"
cd "$dir"
umask 077
days=825
openssl req -x509 -newkey rsa:3072 -nodes -keyout ca.key -out ca.pem -days "$days" -subj "/CN=opsconductor-kafka-ca" 2>/dev/null
openssl req -newkey rsa:3072 -nodes -keyout broker.key -out broker.csr -subj "/CN=kafka" 2>/dev/null
printf 'subjectAltName=DNS:kafka,DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth,clientAuth\n' > broker.ext
openssl x509 -req -in broker.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out broker.pem -days "$days" -extfile broker.ext 2>/dev/null
openssl rand -hex 24 > broker.p12.password
openssl pkcs12 -export -name kafka -inkey broker.key -in broker.pem -certfile ca.pem -out broker.p12 -passout "file:broker.p12.password"
printf 'KafkaServer {\n  org.apache.kafka.common.security.scram.ScramLoginModule required;\n};\n' > kafka_server_jaas.conf
openssl rand -hex 24 > opsconductor.password
rm -f broker.csr broker.ext broker.key ca.srl
# Readable by the containers' users (kafka runs as appuser, the roles as node): keep the folder to yourself.
chmod 644 ca.pem broker.pem broker.p12 broker.p12.password kafka_server_jaas.conf opsconductor.password
chmod 600 ca.key
echo "made $(pwd): ca.pem, broker.p12 (+ .password), kafka_server_jaas.conf, opsconductor.password"
