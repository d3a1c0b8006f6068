#!/usr/bin/env bash
# Stand-in for the EKS AL2 AMI's /etc/eks/bootstrap.sh (awslabs/amazon-eks-ami
# templates/al2/runtime/bootstrap.sh): only its presence matters to boxaudit.
set -o pipefail
set -o nounset
set -o errexit
