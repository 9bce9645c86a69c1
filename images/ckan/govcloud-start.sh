#!/bin/bash
# Start CKAN with its configuration on a writable path ($CKAN_INI) and the secrets every replica and every
# organization Job must share (session, CSRF and API-token signing keys) from the environment, which the
# Deployment fills from a Kubernetes Secret. Then the base image's prerun (database init, plugins, sysadmin)
# and uwsgi, as the upstream start script does.
set -euo pipefail

: "${CKAN_INI:?}" "${GOVCLOUD_SECRET_KEY:?}" "${GOVCLOUD_JWT_SECRET:?}"
if [[ ! -f "$CKAN_INI" ]]; then
    cp /srv/app/ckan.ini "$CKAN_INI"
fi
ckan config-tool "$CKAN_INI" \
    "SECRET_KEY=${GOVCLOUD_SECRET_KEY}" \
    "WTF_CSRF_SECRET_KEY=${GOVCLOUD_SECRET_KEY}" \
    "api_token.jwt.encode.secret=string:${GOVCLOUD_JWT_SECRET}" \
    "api_token.jwt.decode.secret=string:${GOVCLOUD_JWT_SECRET}"

if [[ "${1:-}" == "config-only" ]]; then
    exit 0
fi

cd /srv/app
python3 prerun.py
exec uwsgi --socket /tmp/uwsgi.sock --wsgi-file /srv/app/wsgi.py --module wsgi:application \
    --http "[::]:5000" --master --enable-threads --lazy-apps -p 2 -L -b 32768 --vacuum \
    --harakiri "${UWSGI_HARAKIRI:-60}"
