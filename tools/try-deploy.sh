#!/bin/sh
# try-deploy.sh — runs tests/cli/deploy.sh (part of make check), which now
# tests README's "Deploying kb.cgi" configurations for lighttpd, nginx with
# fcgiwrap and Apache on free 127.0.0.1 ports. Kept for old habits.
cd "$(dirname "$0")/.." && exec bash tests/cli/deploy.sh
