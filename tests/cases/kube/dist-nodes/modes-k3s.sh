# Owners and modes as k3s leaves a node (run by a case's setup inside the
# copied tree; NOTES.md "k3s and RKE2" gives the sources): root owns all;
# the install script writes the unit 0644 and its .env 0600 (it holds
# K3S_TOKEN); k3s writes certificates 0644 and keys 0600 under server/tls
# (the self-assessment guides, 1.1.20/1.1.21), kubeconfigs and the token
# 0600 (1.1.13-1.1.18, 4.1.3, 4.1.5), the agent's files 0600 (4.1.7
# client-ca.crt), db/etcd 0700 (1.1.11), /etc/rancher/k3s/k3s.yaml 0600
# unless write-kubeconfig-mode says otherwise.
chown -R 0:0 .
chmod 0755 usr/local/bin/k3s
for u in etc/systemd/system/k3s*.service; do chmod 0644 "$u"; done
for e in etc/systemd/system/k3s*.service.env; do chmod 0600 "$e"; done
[ -f etc/rancher/k3s/config.yaml ] && chmod 0600 etc/rancher/k3s/config.yaml
[ -d etc/rancher/k3s/config.yaml.d ] && chmod 0600 etc/rancher/k3s/config.yaml.d/*
d=var/lib/rancher/k3s
find $d/agent -type f -exec chmod 0600 {} +
mkdir -p $d/agent/pod-manifests $d/agent/containerd
chmod 0700 $d/agent/etc $d/agent/etc/kubelet.conf.d
if [ -d $d/server ]; then
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
	[ -f $d/server/audit.yaml ] && mkdir -p -m 0700 $d/server/logs
	chmod 0600 etc/rancher/k3s/k3s.yaml
	if grep -q 'write-kubeconfig-mode: "0644"' etc/rancher/k3s/config.yaml 2>/dev/null; then
		chmod 0644 etc/rancher/k3s/k3s.yaml
	fi
fi
exit 0
