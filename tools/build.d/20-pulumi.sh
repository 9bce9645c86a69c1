#!/usr/bin/env bash
# The real Pulumi engine and its plugins, built from their published Go modules with the ordinary Go client
# into the per-machine tools cache, keyed by version (see tools/build-tools.sh). Rebuilt only when a pinned
# version changes. Wrapper modules with the pinned go.mod/go.sum live in tools/pulumi/.
#
#   pulumi                          github.com/pulumi/pulumi/pkg/v3 ./cmd/pulumi, at or just above the `pulumi`
#                                   Python package in use (3.272.0; the proxy's next release is v3.274.0)
#   pulumi-resource-pulumi-python   the dynamic-provider launcher script shipped in github.com/pulumi/pulumi/sdk/v3
#   pulumi-language-python-exec     the program launcher script shipped in the same module
#   pulumi-language-python          its own module (sdk/python/cmd/pulumi-language-python/v3); built only if the
#                                   proxy serves it. It does not (403 "This module version is not available", for
#                                   the release and for @latest), so the tests run the program through the
#                                   Automation API's inline mode, where the Python SDK serves the language protocol.
#   pulumi-resource-kubernetes      github.com/pulumi/pulumi-kubernetes/provider/v4 at the newest commit the proxy
#                                   serves (no tagged provider/v4 release is served), with upstream's generation step
#                                   (cmd/pulumi-resource-kubernetes/generate.go: schema-embed.json and
#                                   terraform-mapping-embed.json from the committed schema) run before the build.
#
# The engine finds pulumi-resource-kubernetes on $PATH: an ambient plugin is used whatever version the program
# asks for (github.com/pulumi/pulumi sdk/go/common/workspace/plugins.go, getPluginInfoAndPath, v3.274.0), and the
# bundled scripts next to the real `pulumi` binary (same function, IsPluginBundled).
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
tools="${GOVCLOUD_TOOLS_DIR:?set by tools/build-tools.sh}"
mkdir -p "$tools/bin"

PULUMI_VERSION=v3.274.0
# The provider commit f47bc2d6f199 (2026-01-15T03:34:56Z) is the one PyPI's pulumi-kubernetes 4.25.0a1768448096
# was built from (the pre-release number is that commit time); semver 4.25.0-alpha.1768448096.
K8S_PROVIDER_MODULE_VERSION=v4.0.0-20260115033456-f47bc2d6f199
K8S_PROVIDER_VERSION=4.25.0-alpha.1768448096
export GOFLAGS="${GOFLAGS:-} -trimpath"

link() { ln -sfn "$1" "$tools/bin/$(basename "$1")"; }

# One build at a time per cache: a second run waits, then finds the outputs there.
exec 9>"$tools/.20-pulumi.lock"
flock 9

# --- the CLI and the Python SDK's scripts ---------------------------------------------------------------------
cli_dir="$tools/pulumi-$PULUMI_VERSION"
if [ ! -x "$cli_dir/bin/pulumi" ]; then
  rm -rf "$cli_dir.partial" && mkdir -p "$cli_dir.partial/bin"
  (cd "$here/pulumi/cli" && go build -ldflags="-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=$PULUMI_VERSION" \
      -o "$cli_dir.partial/bin/pulumi" github.com/pulumi/pulumi/pkg/v3/cmd/pulumi)
  sdk=$(cd "$here/pulumi/cli" && go list -m -f '{{.Dir}}' github.com/pulumi/pulumi/sdk/v3)
  install -m 0755 "$sdk/python/dist/pulumi-resource-pulumi-python" "$cli_dir.partial/bin/"
  install -m 0755 "$sdk/python/cmd/pulumi-language-python-exec" "$cli_dir.partial/bin/"
  langhost=github.com/pulumi/pulumi/sdk/python/cmd/pulumi-language-python/v3
  if (cd "$here/pulumi/cli" && go list -m "$langhost@$PULUMI_VERSION" >/dev/null 2>&1); then
    scratch=$(mktemp -d)
    (cd "$scratch" && go mod init govcloud.local/tools/pulumi-language-python >/dev/null 2>&1 \
      && go get -tool "$langhost@$PULUMI_VERSION" \
      && go build -ldflags="-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=$PULUMI_VERSION" \
           -o "$cli_dir.partial/bin/pulumi-language-python" "$langhost")
    rm -rf "$scratch"
  else
    echo "tools: the Go module proxy does not serve $langhost@$PULUMI_VERSION; the engine tests use the Automation API's inline mode" >&2
  fi
  rm -rf "$cli_dir" && mv "$cli_dir.partial" "$cli_dir"
fi
for f in "$cli_dir"/bin/*; do link "$f"; done

# --- the Kubernetes provider -----------------------------------------------------------------------------------
k8s_dir="$tools/pulumi-kubernetes-$K8S_PROVIDER_VERSION"
if [ ! -x "$k8s_dir/bin/pulumi-resource-kubernetes" ]; then
  scratch=$(mktemp -d)
  trap 'rm -rf "$scratch"' EXIT
  cp "$here/pulumi/kubernetes/go.mod" "$here/pulumi/kubernetes/go.sum" "$scratch/"
  src=$(cd "$scratch" && go mod download -json "github.com/pulumi/pulumi-kubernetes/provider/v4@$K8S_PROVIDER_MODULE_VERSION" \
        | python3 -c 'import json, sys; print(json.load(sys.stdin)["Dir"])')
  pkg="$scratch/cmd/pulumi-resource-kubernetes"
  mkdir -p "$pkg"
  # The upstream main package, unchanged, in a scratch copy of the wrapper module (never in the repository).
  cp "$src/cmd/pulumi-resource-kubernetes/"{main.go,generate.go,schema.json,terraform-mapping.json} "$pkg/"
  chmod -R u+w "$scratch"
  (cd "$pkg" && VERSION="$K8S_PROVIDER_VERSION" go run generate.go)
  rm -rf "$k8s_dir.partial" && mkdir -p "$k8s_dir.partial/bin"
  (cd "$scratch" && go build \
      -ldflags="-s -w -X github.com/pulumi/pulumi-kubernetes/provider/v4/pkg/version.Version=$K8S_PROVIDER_VERSION" \
      -o "$k8s_dir.partial/bin/pulumi-resource-kubernetes" ./cmd/pulumi-resource-kubernetes)
  rm -rf "$k8s_dir" && mv "$k8s_dir.partial" "$k8s_dir"
fi
link "$k8s_dir/bin/pulumi-resource-kubernetes"

"$tools/bin/pulumi" version
