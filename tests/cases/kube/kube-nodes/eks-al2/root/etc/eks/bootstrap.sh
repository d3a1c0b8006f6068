#!/usr/bin/env bash
# amazon-eks-ami bootstrap.sh (AL2 era), stand-in
