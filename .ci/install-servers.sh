#!/usr/bin/env bash
# Installs the real JSON-RPC servers the JSON-RPC tests drive (an MCP server and a language server)
# into .ci/npm-servers (git-ignored). Versions are pinned: the tests assert on their answers.
set -euo pipefail
cd "$(dirname "$0")"
npm install --no-audit --no-fund --prefix npm-servers \
  @modelcontextprotocol/server-everything@2026.8.31 \
  yaml-language-server@1.25.0
