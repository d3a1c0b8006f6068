# Owners and modes as k3s or RKE2 leaves a node: sh -e modes.sh k3s|rke2,
# run by a case's setup inside the copied tree (NOTES.md "k3s and RKE2"
# gives the sources). Root owns all. The k3s install script writes the
# unit 0644 and its .env 0600 (it holds K3S_TOKEN). Under the data
# directory: server/tls certificates 0644 and keys 0600 (the
# self-assessment guides, 1.1.20/1.1.21), kubeconfigs and the token 0600
# (1.1.13-1.1.18, 4.1.3, 4.1.5), every agent file 0600 (4.1.7
# client-ca.crt), RKE2's static pods 0600 (1.1.1-1.1.8), db/etcd 0700
# (1.1.11); with RKE2's profile: cis the etcd data directory belongs to the
# etcd user (1.1.12). /etc/rancher/k3s/k3s.yaml is 0600 unless
# write-kubeconfig-mode says otherwise.
prog=$1
d=var/lib/rancher/$prog
chown -R 0:0 .
chmod 0755 usr/local/bin/$prog
case $prog in
k3s)
	for u in etc/systemd/system/k3s*.service; do chmod 0644 "$u"; done
	for e in etc/systemd/system/k3s*.service.env; do chmod 0600 "$e"; done
	[ -f etc/rancher/k3s/config.yaml ] && chmod 0600 etc/rancher/k3s/config.yaml
	[ -d etc/rancher/k3s/config.yaml.d ] && chmod 0600 etc/rancher/k3s/config.yaml.d/*
	;;
rke2)
	chmod 0644 usr/local/lib/systemd/system/rke2-server.service
	chmod 0600 etc/rancher/rke2/*.yaml
	;;
esac
find $d/agent -type f -exec chmod 0600 {} +
mkdir -p $d/agent/pod-manifests $d/agent/containerd
# (before v1.32.1 there is no kubelet drop-in directory)
for e in $d/agent/etc $d/agent/etc/kubelet.conf.d; do if [ -d $e ]; then chmod 0700 $e; fi; done
[ -d $d/server ] || exit 0
chmod 0700 $d/server $d/server/cred $d/server/tls
find $d/server/tls -name '*.crt' -exec chmod 0644 {} +
find $d/server/tls -name '*.key' -exec chmod 0600 {} +
mkdir -p $d/server/tls/temporary-certs $d/server/manifests
chmod 0700 $d/server/tls/temporary-certs
chmod 0600 $d/server/token $d/server/cred/*
chmod 0644 $d/server/etc/*
if [ -d $d/server/db/etcd ]; then
	mkdir -p $d/server/db/etcd/member/snap $d/server/db/etcd/member/wal
	chmod 0700 $d/server/db/etcd
	chmod 0600 $d/server/db/etcd/config
fi
for f in psa.yaml audit.yaml; do [ -f $d/server/$f ] && chmod 0600 $d/server/$f; done
if [ -f $d/server/audit.yaml ] || [ $prog = rke2 ]; then mkdir -p -m 0700 $d/server/logs; fi
if [ $prog = k3s ]; then
	chmod 0600 etc/rancher/k3s/k3s.yaml
	if grep -q 'write-kubeconfig-mode: "0644"' etc/rancher/k3s/config.yaml 2>/dev/null; then
		chmod 0644 etc/rancher/k3s/k3s.yaml
	fi
elif grep -q '^profile: cis' etc/rancher/rke2/config.yaml; then
	chmod 0644 etc/passwd etc/group
	chown -R 991:991 $d/server/db/etcd
fi
exit 0
