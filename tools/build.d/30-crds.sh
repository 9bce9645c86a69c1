#!/usr/bin/env bash
# Upstream CRDs the tests need beyond ../shared/schemas/crds, taken with the ordinary Go client from the
# published Go modules at pinned versions into $GOVCLOUD_TOOLS_DIR/crds-<versions>/ (outside the repository,
# never committed), linked as $GOVCLOUD_TOOLS_DIR/crds. A version already copied is not copied again.
#
#   gateway.envoyproxy.io_envoyproxies.yaml          github.com/envoyproxy/gateway@v1.9.0
#       charts/gateway-helm/charts/crds/crds/generated/ (what the pinned gateway-helm chart installs): the
#       EnvoyProxy each Gateway names in spec.infrastructure.parametersRef (docs/gateway.md)
#   gateway.networking.k8s.io_backendtlspolicies.yaml  sigs.k8s.io/gateway-api@v1.6.1
#       config/crd/standard/ (standard channel, v1): the Trino UI's backend TLS. v1.6.1 is the release of
#       ../shared/schemas/crds/gateway-api (its SOURCES.md); that module's standard gateways.yaml and
#       listenersets.yaml have the same sha256 as the copies there.
#   admission/gateway.networking.k8s.io_vap_safeupgrades.yaml  sigs.k8s.io/gateway-api@v1.6.1
#       config/crd/standard/: the ValidatingAdmissionPolicy that guards Gateway API CRD upgrades (the
#       gateway-helm chart installs it too); the tests run docs/gateway.md's CRD upgrade step against it.
#
# Only these files are copied: every other Gateway API CRD comes from ../shared, and the tests refuse a kind
# defined twice. The pins follow govcloud/charts.py (gateway-helm) and Envoy Gateway's go.mod (gateway-api).
set -euo pipefail

ENVOY_GATEWAY_VERSION="${GOVCLOUD_ENVOY_GATEWAY_VERSION:-v1.9.0}"
GATEWAY_API_VERSION="${GOVCLOUD_GATEWAY_API_VERSION:-v1.6.1}"

: "${GOVCLOUD_TOOLS_DIR:?run through tools/build-tools.sh, which sets GOVCLOUD_TOOLS_DIR}"
FILE_SET=2  # bumped whenever the list of copied files changes, so a warm cache is refreshed
dest="$GOVCLOUD_TOOLS_DIR/crds-envoy-gateway-$ENVOY_GATEWAY_VERSION-gateway-api-$GATEWAY_API_VERSION-files-$FILE_SET"
export GOTOOLCHAIN=local
export GOFLAGS=  # module@version outside any module: no -mod flag applies

# One copy at a time per cache: a second run waits, then finds the stamp.
exec 9>"$GOVCLOUD_TOOLS_DIR/.30-crds.lock"
flock 9

module_dir() { # module_dir MODULE@VERSION: download it into Go's module cache and print its directory
  go mod download -json "$1" | python3 -c 'import json, sys
d = json.load(sys.stdin)
if d.get("Error"):
    sys.exit("tools: " + d["Error"])
print(d["Dir"])'
}

if [ -e "$dest/.built" ]; then
  echo "tools: CRDs (Envoy Gateway $ENVOY_GATEWAY_VERSION, Gateway API $GATEWAY_API_VERSION) already in $dest"
else
  echo "tools: copying CRDs into $dest"
  rm -rf "$dest.partial" && mkdir -p "$dest.partial/envoy-gateway" "$dest.partial/gateway-api" "$dest.partial/admission"
  eg=$(module_dir "github.com/envoyproxy/gateway@$ENVOY_GATEWAY_VERSION")
  gwapi=$(module_dir "sigs.k8s.io/gateway-api@$GATEWAY_API_VERSION")
  install -m 0644 "$eg/charts/gateway-helm/charts/crds/crds/generated/gateway.envoyproxy.io_envoyproxies.yaml" \
    "$dest.partial/envoy-gateway/"
  install -m 0644 "$gwapi/config/crd/standard/gateway.networking.k8s.io_backendtlspolicies.yaml" \
    "$dest.partial/gateway-api/"
  install -m 0644 "$gwapi/config/crd/standard/gateway.networking.k8s.io_vap_safeupgrades.yaml" "$dest.partial/admission/"
  grep -q "bundle-version: $GATEWAY_API_VERSION" "$dest.partial/gateway-api/gateway.networking.k8s.io_backendtlspolicies.yaml"
  grep -q "channel: standard" "$dest.partial/gateway-api/gateway.networking.k8s.io_backendtlspolicies.yaml"
  touch "$dest.partial/.built"
  rm -rf "$dest" && mv "$dest.partial" "$dest"
fi
ln -sfn "$dest" "$GOVCLOUD_TOOLS_DIR/crds"
