#!/bin/sh
# boxaudit container entry point.
#
# Container mode (the host's / mounted at /host): audit the host with
#   boxaudit --root /host [--docker-host unix:///var/run/docker.sock] ARGS...
# The Engine API is used when the socket is mounted at /var/run/docker.sock,
# else the host's own (/host/run/docker.sock), or BOXAUDIT_DOCKER_HOST.  boxaudit marks its own
# container as the auditor (SKIP, not judged).
#
# Environment:
#   BOXAUDIT_FORMAT      standard output format (default: text on a terminal, else
#                        jsonl: the JSON report on one line, one log record per scan)
#   BOXAUDIT_OUTPUT_DIR  also write DIR/NODE.json (atomically) on every scan
#                        (the directory is created if need be)
#   NODE_NAME            names that file (default: the host's /etc/hostname)
#   BOXAUDIT_INTERVAL    scan again every so many seconds (DaemonSet); default: once
#   BOXAUDIT_STRICT      1: exit 1 when a check fails (default: 0 unless boxaudit
#                        itself failed, so a Job is not retried for findings)
#   BOXAUDIT_ARGS        extra boxaudit options (word-split), before ARGS
#
# A first argument that is a boxaudit command (merge, list, validate, diff) or
# --help/--version runs boxaudit with the arguments as given.
set -u
export BOXAUDIT_CHECKS_DIR="${BOXAUDIT_CHECKS_DIR:-/usr/local/share/boxaudit/checks}"

case "${1:-}" in
merge|list|validate|diff|--help|-h|--version) exec boxaudit "$@" ;;
esac

set -- ${BOXAUDIT_ARGS:-} "$@"
if [ -d /host ] && [ -d /host/etc ]; then
	set -- --root /host "$@"
	if [ -n "${BOXAUDIT_DOCKER_HOST:-}" ]; then
		set -- --docker-host "$BOXAUDIT_DOCKER_HOST" "$@"
	elif [ -S /var/run/docker.sock ]; then
		set -- --docker-host unix:///var/run/docker.sock "$@"
	elif [ -S /host/run/docker.sock ]; then
		# The node's socket under the host mount (the Kubernetes manifests).
		set -- --docker-host unix:///host/run/docker.sock "$@"
	elif [ -S /host/var/run/docker.sock ]; then
		set -- --docker-host unix:///host/var/run/docker.sock "$@"
	fi
else
	echo "boxaudit-entrypoint: no host at /host: auditing the container itself (mount the host's / at /host)" >&2
fi
fmt=${BOXAUDIT_FORMAT:-}
if [ -z "$fmt" ]; then
	if [ -t 1 ]; then fmt=text; else fmt=jsonl; fi
fi
set -- --format "$fmt" "$@"
if [ -n "${BOXAUDIT_OUTPUT_DIR:-}" ]; then
	node=${NODE_NAME:-$(cat /host/etc/hostname 2>/dev/null || true)}
	node=$(printf '%s' "${node:-host}" | tr -c 'A-Za-z0-9._-' '_')
	mkdir -p "$BOXAUDIT_OUTPUT_DIR" || exit 2
	set -- -o "json:$BOXAUDIT_OUTPUT_DIR/$node.json" "$@"
fi

scan() {
	boxaudit "$@"
	rc=$?
	if [ $rc -eq 1 ] && [ "${BOXAUDIT_STRICT:-0}" != 1 ]; then rc=0; fi
	return $rc
}

interval=${BOXAUDIT_INTERVAL:-0}
case "$interval" in *[!0-9]*|'') echo "boxaudit-entrypoint: BOXAUDIT_INTERVAL is seconds, not '$interval'" >&2; exit 2 ;; esac
if [ "$interval" -eq 0 ]; then
	scan "$@"
	exit $?
fi
# PID 1 ignores SIGTERM unless it handles it: stop between scans at once.
trap 'exit 0' TERM INT
while :; do
	scan "$@" || echo "boxaudit-entrypoint: scan failed (exit $rc)" >&2
	sleep "$interval" &
	wait $!
done
