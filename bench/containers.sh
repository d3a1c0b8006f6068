#!/bin/sh
# Benchmark (not a test): a full boxaudit audit of N containers on a test
# dockerd, for N = 1000 and 10000 (or the sizes given as arguments).
#
#   sudo bench/containers.sh [N...]
#
# It starts its own dockerd (tests/docker/lib.sh: own data-root, exec-root,
# socket, containerd and network namespace; vfs storage), imports a
# busybox-static image, then grows the set of containers to each N: created
# with a mix of realistic options, BENCH_RUNNING percent of them (default 1)
# started (they sleep).  For each N it prints the wall time and peak RSS of a
# full audit (every check of the benchmarks boxaudit selects on this host,
# BENCH_ARGS to choose others; JSON to a file; the best of
# BENCH_REPEAT runs, default 3) and, for context, the time of one bulk
# `docker inspect` of all the containers.  See bench/README.md.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
top_srcdir=$top
. "$top/tests/docker/lib.sh"
[ $# -gt 0 ] || set -- 1000 10000
sizes=$*
running_pct=${BENCH_RUNNING:-1}
bench_args=${BENCH_ARGS:-}
repeat=${BENCH_REPEAT:-3}
dk_need /usr/bin/time time
dk_setup bench
dk_start >/dev/null || { echo "bench: dockerd did not start" >&2; exit 1; }
dk_base_image bx/base || { echo "bench: base image import failed" >&2; exit 1; }
mkdir -p "$DK_DIR/data"
dk network create bxnet >/dev/null

# create FROM TO: containers c-FROM .. c-(TO-1), a rotation of option sets.
create() {
	i=$1
	while [ "$i" -lt "$2" ]; do
		case $((i % 5)) in
		0) echo "--name c-$i --label app=web --label idx=$i -e MODE=prod -e API_TOKEN=x$i -p 127.0.0.1::80 bx/base sleep 86400" ;;
		1) echo "--name c-$i --user 1000 --cap-drop ALL --read-only --memory 64m --pids-limit 100 --network bxnet bx/base sleep 86400" ;;
		2) echo "--name c-$i --restart on-failure:3 -v $DK_DIR/data:/data:ro --security-opt no-new-privileges bx/base sleep 86400" ;;
		3) echo "--name c-$i --cpu-shares 512 --ulimit nofile=1024:2048 --health-cmd /bin/true --label app=db bx/base sleep 86400" ;;
		4) echo "--name c-$i bx/base sleep 86400" ;;
		esac
		i=$((i + 1))
	done | xargs -P 8 -L 1 "$DK_CLI" -H "$DK_HOST" create > /dev/null 2> "$DK_DIR/create.err" ||
		{ echo "bench: docker create failed:" >&2; head -5 "$DK_DIR/create.err" >&2; exit 1; }
}

# best of $repeat: "SECONDS KB" with the lowest wall time
measure() {
	best=
	r=0
	while [ $r -lt "$repeat" ]; do
		/usr/bin/time -f '%e %M' -o "$DK_DIR/time" "$@" > /dev/null 2> "$DK_DIR/audit.err"
		rc=$?
		[ "$rc" -le 1 ] || { echo "bench: '$*' exited $rc:" >&2; head -5 "$DK_DIR/audit.err" >&2; exit 1; }
		t=$(tail -n 1 "$DK_DIR/time")
		if [ -z "$best" ] || awk -v a="${t% *}" -v b="${best% *}" 'BEGIN { exit !(a < b) }'; then best=$t; fi
		r=$((r + 1))
	done
	echo "$best"
}

echo "boxaudit container audit benchmark: ${bench_args:-auto-detected benchmarks}, $(nproc) CPUs, dockerd $(dk version --format '{{.Server.Version}}'), vfs, ${running_pct}% running, best of $repeat"
printf '%6s %8s %10s %12s %12s %14s %12s %8s\n' N running audit_s peak_rss_MB inspect_s audit_ms/ctr inspect_ms/ctr ratio
have=0
for n in $sizes; do
	[ "$n" -gt "$have" ] && create "$have" "$n"
	have=$n
	want=$((n * running_pct / 100))
	now=$(dk ps -q | wc -l)
	if [ "$want" -gt "$now" ]; then
		# start the not yet running ones among the first containers
		dk ps -aq --filter status=created | head -n $((want - now)) | xargs -r -P 4 -n 10 "$DK_CLI" -H "$DK_HOST" start > /dev/null
	fi
	nrun=$(dk ps -q | wc -l)
	# shellcheck disable=SC2086
	audit=$(measure "$BOXAUDIT" --docker-host "$DK_HOST" $bench_args -o "json:$DK_DIR/report.json")
	ids=$(dk ps -aq)
	# shellcheck disable=SC2086
	insp=$(measure "$DK_CLI" -H "$DK_HOST" inspect $ids)
	a=${audit% *} rss=${audit#* } it=${insp% *}
	awk -v n="$n" -v r="$nrun" -v a="$a" -v rss="$rss" -v i="$it" 'BEGIN {
		printf "%6d %8d %10.2f %12.1f %12.2f %14.2f %12.2f %8.2f\n",
			n, r, a, rss / 1024, i, a * 1000 / n, i * 1000 / n, (i > 0 ? a / i : 0) }'
done
