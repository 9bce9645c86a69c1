#!/usr/bin/env bash
# The real Kubernetes control plane the cluster tests run on loopback: etcd, kube-apiserver,
# kube-controller-manager and kubectl, built with the ordinary Go client from the Go module proxy at pinned
# versions into $GOVCLOUD_TOOLS_DIR/<component>-<version>/ (outside the repository, never committed), with
# links in $GOVCLOUD_TOOLS_DIR/bin/. A version already built is not rebuilt; changing a pin builds anew.
#
# Why wrapper modules: both etcd's server module and k8s.io/kubernetes carry `replace` directives pointing
# into their own source trees (etcd: ../api, ../client/...; kubernetes: ./staging/src/k8s.io/...), so
# `go install module@version` refuses them. A throw-away main module requires the pinned module instead and,
# for Kubernetes, replaces every k8s.io/<staging> module with its published v0.<minor>.<patch> release; the
# list of staging modules is read from that Kubernetes version's own go.mod on the proxy, so the pin is one
# variable.
#
# Sources checked: k8s.io/kubernetes@v1.36.5 go.mod (replace block `k8s.io/<m> => ./staging/src/k8s.io/<m>`,
# `go 1.26.0`); go.etcd.io/etcd/server/v3@v3.6.16 go.mod (`module go.etcd.io/etcd/server/v3`, replace
# block); kubernetes hack/lib/version.sh (the -X variables of k8s.io/component-base/version and
# k8s.io/client-go/pkg/version).
set -euo pipefail

KUBERNETES_VERSION="${GOVCLOUD_KUBERNETES_VERSION:-v1.36.5}"
ETCD_VERSION="${GOVCLOUD_ETCD_VERSION:-v3.6.16}"

: "${GOVCLOUD_TOOLS_DIR:?run through tools/build-tools.sh, which sets GOVCLOUD_TOOLS_DIR}"
bin="$GOVCLOUD_TOOLS_DIR/bin"
mkdir -p "$bin"

# The machine's own Go builds (the modules need go >= 1.26.0); never download a toolchain.
export GOTOOLCHAIN=local
export GOFLAGS="-mod=mod"
export CGO_ENABLED=0
proxy="${GOPROXY:-https://proxy.golang.org}"
proxy="${proxy%%,*}"

link() { # link NAME TARGET: expose a built binary under $GOVCLOUD_TOOLS_DIR/bin
  ln -sfn "$2" "$bin/$1"
}

build_etcd() {
  local dest="$GOVCLOUD_TOOLS_DIR/etcd-$ETCD_VERSION"
  if [ -x "$dest/bin/etcd" ] && [ -e "$dest/.built" ]; then
    echo "tools: etcd $ETCD_VERSION already built in $dest"
  else
    echo "tools: building etcd $ETCD_VERSION into $dest"
    rm -rf "$dest" && mkdir -p "$dest/src" "$dest/bin"
    (
      cd "$dest/src"
      printf 'module govcloud.local/etcd-wrapper\n\ngo 1.26.0\n' > go.mod
      go get "go.etcd.io/etcd/server/v3@$ETCD_VERSION"
      go build -trimpath -ldflags='-s -w' -o "$dest/bin/etcd" go.etcd.io/etcd/server/v3
    )
    local said; said=$("$dest/bin/etcd" --version); echo "tools: ${said%%$'\n'*}"
    touch "$dest/.built"
  fi
  link etcd "$dest/bin/etcd"
}

build_kubernetes() {
  local dest="$GOVCLOUD_TOOLS_DIR/kubernetes-$KUBERNETES_VERSION"
  local commands=(kube-apiserver kube-controller-manager kubectl)
  local all=1 c
  for c in "${commands[@]}"; do [ -x "$dest/bin/$c" ] || all=0; done
  if [ "$all" = 1 ] && [ -e "$dest/.built" ]; then
    echo "tools: kubernetes $KUBERNETES_VERSION already built in $dest"
  else
    echo "tools: building kube-apiserver, kube-controller-manager, kubectl $KUBERNETES_VERSION into $dest"
    rm -rf "$dest" && mkdir -p "$dest/src" "$dest/bin"
    local staging="v0.${KUBERNETES_VERSION#v1.}"
    local minor="${KUBERNETES_VERSION#v1.}"; minor="${minor%%.*}"
    (
      cd "$dest/src"
      curl -fsS "$proxy/k8s.io/kubernetes/@v/$KUBERNETES_VERSION.mod" -o kubernetes.mod
      {
        printf 'module govcloud.local/kubernetes-wrapper\n\ngo 1.26.0\n\ngodebug default=go1.26\n\n'
        printf 'require k8s.io/kubernetes %s\n\nreplace (\n' "$KUBERNETES_VERSION"
        # every `k8s.io/<m> => ./staging/src/k8s.io/<m>` line of Kubernetes' own go.mod
        sed -n 's#^[[:space:]]*\(k8s\.io/[^[:space:]]*\) => \./staging/src/.*#\1#p' kubernetes.mod | sort -u \
          | while read -r m; do printf '\t%s => %s %s\n' "$m" "$m" "$staging"; done
        printf ')\n'
      } > go.mod
      grep -c '=> k8s.io' go.mod | sed 's/^/tools: staging modules replaced: /'
      local pkgs=() c
      for c in "${commands[@]}"; do pkgs+=("k8s.io/kubernetes/cmd/$c"); done
      # Each package with its version: a bare path would mean @upgrade, i.e. the newest Kubernetes.
      go get "${pkgs[@]/%/@$KUBERNETES_VERSION}"
      local got
      got=$(go list -m -f '{{.Version}}' k8s.io/kubernetes)
      [ "$got" = "$KUBERNETES_VERSION" ] || { echo "tools: resolved k8s.io/kubernetes $got, pinned $KUBERNETES_VERSION" >&2; exit 1; }
      local ld="-s -w"
      local v
      for v in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
        ld+=" -X $v.gitVersion=$KUBERNETES_VERSION -X $v.gitMajor=1 -X $v.gitMinor=$minor"
        ld+=" -X $v.gitTreeState=clean -X $v.buildDate=1970-01-01T00:00:00Z"
      done
      go build -trimpath -ldflags="$ld" -o "$dest/bin/" "${pkgs[@]}"
    )
    local said; said=$("$dest/bin/kubectl" version --client); echo "tools: kubectl ${said%%$'\n'*}"
    touch "$dest/.built"
  fi
  for c in "${commands[@]}"; do link "$c" "$dest/bin/$c"; done
}

build_etcd
build_kubernetes
