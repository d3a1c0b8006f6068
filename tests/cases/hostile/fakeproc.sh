# Helpers for the setup scripts of the proc-* cases: a /proc inside the
# case tree, as procfs shows processes to boxaudit (sourced, not a case).
#
#   fakeproc PID UID EXE [ARG...]   a process running EXE with those arguments
#   fakens PID PIDNS MNTNS          its namespaces ("pid:[PIDNS]", "mnt:[MNTNS]")
#   fakecgroup PID PATH             its cgroup (v2)
fakeproc() {
	pid=$1 uid=$2 exe=$3
	shift 3
	mkdir -p "proc/$pid"
	ln -s "$exe" "proc/$pid/exe"
	{ printf '%s\0' "$exe"; for a in "$@"; do printf '%s\0' "$a"; done; } > "proc/$pid/cmdline"
	basename "$exe" > "proc/$pid/comm"
	printf 'Name:\t%s\nUid:\t%s\t%s\t%s\t%s\n' "$(basename "$exe")" "$uid" "$uid" "$uid" "$uid" > "proc/$pid/status"
}
fakens() {
	mkdir -p "proc/$1/ns"
	ln -s "pid:[$2]" "proc/$1/ns/pid"
	ln -s "mnt:[$3]" "proc/$1/ns/mnt"
}
fakecgroup() {
	printf '0::%s\n' "$2" > "proc/$1/cgroup"
}
