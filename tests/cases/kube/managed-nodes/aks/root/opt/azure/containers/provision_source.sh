#!/bin/bash
# Stand-in for AgentBaker's provisioning scripts: only the directory matters to boxaudit.
