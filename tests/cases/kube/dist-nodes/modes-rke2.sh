# Owners and modes as RKE2 leaves a server (run by a case's setup inside
# the copied tree; NOTES.md "k3s and RKE2"): root owns all; static pod
# manifests 0600 (the RKE2 self-assessment guides 1.1.1-1.1.8),
# certificates 0644 and keys 0600 (1.1.20/1.1.21), kubeconfigs 0600,
# agent files 0600 (4.1.7), db/etcd 0700 (1.1.11); with "profile: cis"
# the etcd data directory belongs to the etcd user (1.1.12 etcd:etcd).
chown -R 0:0 .
chmod 0755 usr/local/bin/rke2
chmod 0644 usr/local/lib/systemd/system/rke2-server.service
chmod 0600 etc/rancher/rke2/*.yaml
d=var/lib/rancher/rke2
find $d/agent -type f -exec chmod 0600 {} +
chmod 0700 $d/agent/etc $d/agent/etc/kubelet.conf.d
chmod 0700 $d/server $d/server/cred $d/server/tls
find $d/server/tls -name '*.crt' -exec chmod 0644 {} +
find $d/server/tls -name '*.key' -exec chmod 0600 {} +
mkdir -p $d/server/tls/temporary-certs $d/server/manifests
chmod 0700 $d/server/tls/temporary-certs
chmod 0600 $d/server/token $d/server/cred/*
chmod 0644 $d/server/etc/*
mkdir -p -m 0700 $d/server/logs
mkdir -p $d/server/db/etcd/member/snap $d/server/db/etcd/member/wal
chmod 0700 $d/server/db/etcd
chmod 0600 $d/server/db/etcd/config
if grep -q '^profile: cis' etc/rancher/rke2/config.yaml; then
	chmod 0644 etc/passwd etc/group
	chown -R 991:991 $d/server/db/etcd
fi
exit 0
