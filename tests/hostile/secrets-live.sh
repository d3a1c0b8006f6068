#!/bin/sh
# Secrets on a real dockerd (tests/docker/lib.sh starts one; skips without
# root or docker): a secret in a container's env (secret-named and plain),
# a label, image history (ENV and ARG) and the container's command line is
# searched for in every output format and the facts snapshot.
top=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$top/tests/docker/lib.sh"
dk_setup secrets-live
S="S3cr3tV4lu3-$(od -An -N6 -tx1 /dev/urandom | tr -d ' \n')"
dk_start || { notok "dockerd starts"; dk_done; exit 0; }
ok "dockerd starts"
dk_base_image bx/base || { notok "base image imported"; dk_done; exit 0; }
mkdir -p "$DK_DIR/ctx"
printf 'FROM bx/base\nARG API_KEY=%s\nENV DB_PASSWORD=%s PLAIN=%s\nLABEL org.example.secret=%s\nRUN true\n' \
	"$S" "$S" "$S" "$S" > "$DK_DIR/ctx/Dockerfile"
dk_build bx/secret "$DK_DIR/ctx" || notok "image with secrets builds"
dk run -d --name sec -e "DB_PASSWORD=$S" -e "FOO=$S" -e "URL=https://u:$S@db" \
	--label "com.example.api-token=$S" bx/secret /bin/sleep 3600 --token "$S" >/dev/null ||
	notok "container with secrets runs"
# The secret really is there, where docker shows it.
if dk inspect sec | grep -q -- "$S"; then ok "docker inspect shows the planted secret"; else notok "docker inspect shows the planted secret"; fi
if dk history --no-trunc bx/secret | grep -q -- "$S"; then ok "docker history shows it"; else notok "docker history shows it"; fi
o=$DK_DIR/out
mkdir -p "$o"
bx -v -o "text:$o/r.txt" -o "json:$o/r.json" -o "html:$o/r.html" -o "junit:$o/r.xml" \
	--dump-facts "$o/facts.json" > "$o/stdout" 2> "$o/stderr"
r=$?
case "$r" in 0|1) ok "live audit: exit $r" ;; *) notok "live audit: exit 0 or 1" "got $r: $(cat "$o/stderr")" ;; esac
is "$(jq '[.docker.api.containers[] | select(._name == "sec")] | length' "$o/facts.json")" 1 "the container was inspected"
for f in r.txt r.json r.html r.xml facts.json stdout stderr; do
	if grep -a -n -- "$S" "$o/$f" > "$o/leak"; then notok "$f: the secret does not appear" "$(head -c 1500 "$o/leak")"
	else ok "$f: the secret does not appear"; fi
done
dk_done
