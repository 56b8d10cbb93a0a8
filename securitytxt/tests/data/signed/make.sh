#!/usr/bin/env bash
# Regenerates the signed fixtures in this folder with real GnuPG (`gpg --clearsign`), so the
# verifier is checked against what gpg produces, not against our own signer.
# Keys are throwaway: generated in a temporary GNUPGHOME, only the public halves are kept.
# Tests never run this script and never need gpg. Run it from anywhere: `bash make.sh`.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
GNUPGHOME="$(mktemp -d)"
export GNUPGHOME
trap 'gpgconf --kill all >/dev/null 2>&1 || true; rm -rf "$GNUPGHOME"' EXIT
gpg() { command gpg --batch --quiet --pinentry-mode loopback --passphrase '' "$@"; }
cd "$here"
rm -f ./*.asc ./*.txt

# Key A: ed25519 primary key (sign, certify) with an ed25519 signing subkey; gpg signs with the subkey.
gpg --quick-gen-key 'Fixture A <a@fixture.example>' ed25519 sign,cert never
fpr_a=$(command gpg --batch --with-colons --list-keys a@fixture.example | awk -F: '/^fpr/ {print $10; exit}')
gpg --quick-add-key "$fpr_a" ed25519 sign never
# Key B: RSA 3072, primary key signs (a second, independent key for keyring and unknown-key tests).
gpg --quick-gen-key 'Fixture B <b@fixture.example>' rsa3072 sign,cert never
# Key C: ed25519, never given to the tests (signatures by it are from an unknown key).
gpg --quick-gen-key 'Fixture C <c@fixture.example>' ed25519 sign,cert never

# Key D: ed25519; it signs a file, then is revoked (its auto-generated revocation certificate).
gpg --quick-gen-key 'Fixture D <d@fixture.example>' ed25519 sign,cert never
fpr_d=$(command gpg --batch --with-colons --list-keys d@fixture.example | awk -F: '/^fpr/ {print $10; exit}')

# B certifies A: a third-party certification the keyring must ignore, not refuse.
gpg --local-user b@fixture.example --quick-sign-key "$fpr_a"
# Key E: made in 2020 without expiry; it signs (now), then a self-signature dated 2020-06 sets it
# to expire on 2021-01-01, so the signature was made after the key expired.
gpg --faked-system-time 20200101T000000 --quick-gen-key 'Fixture E <e@fixture.example>' ed25519 sign,cert never
fpr_e=$(command gpg --batch --with-colons --list-keys e@fixture.example | awk -F: '/^fpr/ {print $10; exit}')

gpg --armor --export a@fixture.example > key-a.asc
gpg --armor --export b@fixture.example > key-b.asc
cat key-a.asc key-b.asc > keyring-ab.asc

body_lf='# security.txt fixture, LF line endings
Contact: mailto:security@fixture.example
Contact: https://fixture.example/report
Expires: 2030-01-01T00:00:00.000Z
Preferred-Languages: en, nl
Canonical: https://fixture.example/.well-known/security.txt
'
printf '%s' "$body_lf" > lf.in
printf '%s' "$body_lf" | sed 's/$/\r/' > crlf.in
printf '# trailing spaces and tabs   \nContact: mailto:security@fixture.example \t \nExpires: 2030-01-01T00:00:00.000Z\t\n\n# blank line above\n' > trailing-ws.in
printf -- '-----BEGIN not really-----\n- a list item\n--\nContact: mailto:security@fixture.example\nExpires: 2030-01-01T00:00:00.000Z\n' > dash.in
printf '# Beveiligingsmelding voor Zoë & Jürgen: “meld het ons” – ☕\nContact: mailto:beveiliging@fixture.example\nExpires: 2030-01-01T00:00:00.000Z\nPreferred-Languages: nl, en\n' > utf8.in
printf 'Contact: mailto:security@fixture.example\nExpires: 2030-01-01T00:00:00.000Z' > no-final-newline.in
# A carriage return inside a line is text; extra carriage returns before a line feed are trailing
# whitespace to gpg (it strips " \t\r" at line ends).
printf 'Contact: mailto:security@fixture.example\n# a\rb: carriage return inside a line\nExpires: 2030-01-01T00:00:00.000Z\n' > bare-cr.in
printf 'Contact: mailto:security@fixture.example\r\r\nExpires: 2030-01-01T00:00:00.000Z \r\t\n' > cr-cr.in

for name in lf crlf trailing-ws dash utf8 no-final-newline bare-cr cr-cr; do
  gpg --local-user a@fixture.example --clearsign --output "$name.signed.txt" "$name.in"
done
# The primary key of A (the `!` forces it), SHA-256: the primary key is usable too.
gpg --local-user "${fpr_a}!" --digest-algo SHA256 --clearsign --output primary-sha256.signed.txt lf.in
gpg --local-user b@fixture.example --digest-algo SHA384 --clearsign --output rsa.signed.txt lf.in
gpg --local-user c@fixture.example --clearsign --output unknown-key.signed.txt lf.in
# Two signatures in one block (A's subkey and B).
gpg --local-user a@fixture.example --local-user b@fixture.example --clearsign --output two-signers.signed.txt lf.in
gpg --local-user d@fixture.example --clearsign --output revoked-key.signed.txt lf.in
sed 's/^:-----BEGIN/-----BEGIN/' "$GNUPGHOME/openpgp-revocs.d/$fpr_d.rev" | gpg --import
gpg --armor --export d@fixture.example > key-d-revoked.asc
gpg --local-user e@fixture.example --clearsign --output expired-key.signed.txt lf.in
gpg --faked-system-time 20200601T000000 --quick-set-expire "$fpr_e" 2021-01-01
gpg --armor --export e@fixture.example > key-e-expired.asc
# Tampered: one signed line changed after signing.
sed 's/security@fixture/attacker@fixture/' lf.signed.txt > tampered.signed.txt
# The blank line after the armor headers may hold whitespace or carriage returns: gpg trims
# " \t\r" there too, so these still verify (checked with gpg --verify when they were made).
awk 'NR == 3 && $0 == "" { printf "\r\r\n"; next } { print }' lf.signed.txt > separator-cr.signed.txt
awk 'NR == 3 && $0 == "" { printf " \t\n"; next } { print }' lf.signed.txt > separator-ws.signed.txt
for f in separator-cr.signed.txt separator-ws.signed.txt; do
  command gpg --batch --verify "$f" 2>/dev/null || { echo "gpg does not verify $f" >&2; exit 1; }
done
cp lf.in unsigned.txt
rm -f ./*.in
echo "fixtures written to $here"
