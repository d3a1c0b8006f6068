#!/usr/bin/env bash
# Stand-in for kubernetes/cluster/gce/gci/configure-helper.sh: only its presence matters to boxaudit.
