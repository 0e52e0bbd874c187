# Shared by the scripts: pick a JDK, install Debian packages. Source it.

# Sets JAVA_HOME to a JDK >= 25 ($JAVA_HOME first, then /usr/lib/jvm), or exits.
select_jdk() {
  local candidate version
  for candidate in "${JAVA_HOME:-}" /usr/lib/jvm/temurin-25-jdk-amd64 /usr/lib/jvm/*; do
    [ -n "$candidate" ] && [ -x "$candidate/bin/javac" ] || continue
    version=$("$candidate/bin/java" -XshowSettings:properties -version 2>&1 \
      | awk -F'= ' '/java.specification.version/ {print $2}')
    if [ -n "$version" ] && [ "${version%%.*}" -ge 25 ] 2>/dev/null; then
      export JAVA_HOME=$candidate
      export PATH=$JAVA_HOME/bin:$PATH
      return 0
    fi
  done
  echo "error: no JDK 25 or newer found (looked at \$JAVA_HOME and /usr/lib/jvm)." >&2
  echo "  xdp-ip-counter needs java.lang.foreign (final since 22) and builds for Java 25:" >&2
  echo "  install one (e.g. Temurin 25) and set JAVA_HOME to it." >&2
  exit 1
}

# Installs the Debian packages that are missing, when we may (root and apt-get).
ensure_packages() {
  local missing=() pkg
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null; then
    echo "warning: missing packages ${missing[*]} (not root: install them yourself)" >&2
    return 0
  fi
  echo "installing ${missing[*]}" >&2
  # We want programs, not services: package prometheus would otherwise start a
  # server on :9090 where init scripts run. policy-rc.d says "do not start".
  local policy=/usr/sbin/policy-rc.d added_policy=
  if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\nexit 101\n' > "$policy" && chmod +x "$policy" && added_policy=1
  fi
  apt-get update -q >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null || {
    [ -n "$added_policy" ] && rm -f "$policy"
    echo "error: could not install ${missing[*]}" >&2
    return 1
  }
  [ -n "$added_policy" ] && rm -f "$policy"
  return 0
}

# Prints the directory where Debian keeps the kernel's asm/ headers for this
# machine (/usr/include/x86_64-linux-gnu, /usr/include/aarch64-linux-gnu, ...),
# or nothing where there is none (distributions that put asm/ in /usr/include).
# The triplet comes from the compiler ($1, default clang), gcc, then dpkg.
multiarch_include() {
  local triplet
  triplet=$("${1:-clang}" -print-multiarch 2>/dev/null || true)
  [ -n "$triplet" ] || triplet=$(gcc -print-multiarch 2>/dev/null || true)
  [ -n "$triplet" ] || triplet=$(dpkg-architecture -qDEB_HOST_MULTIARCH 2>/dev/null || true)
  if [ -n "$triplet" ] && [ -d "/usr/include/$triplet" ]; then
    echo "/usr/include/$triplet"
  fi
  return 0
}

# What building and testing needs: clang and libbpf headers to build the
# BPF object, libbpf1 to run it, iproute2 for the namespace tests, Maven.
BUILD_PACKAGES=(clang llvm libbpf-dev libbpf1 iproute2 maven python3)
# What the tests add: promtool and a Prometheus server (package prometheus), ping (FiltersIT), setpriv (util-linux),
# the real clients and tools of the web security tests: curl, openssl, htpasswd (apache2-utils),
# and what PackageIT needs to build and check the .deb (scripts/package): asciidoctor (the man
# page), dpkg-dev (dpkg-shlibdeps), systemd (systemd-analyze), and tcpreplay (FloodIT's spoofed-source flood).
TEST_PACKAGES=(prometheus iputils-ping util-linux curl openssl apache2-utils asciidoctor dpkg-dev systemd tcpreplay)
