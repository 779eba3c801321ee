#!/bin/sh
# Ensure the Debian packages a stage needs are installed.
# Usage: scripts/system-deps.sh build|test
# As root it installs what is missing with apt-get; otherwise it prints the
# exact command and fails, so nothing half-works later.
set -eu

BUILD_PKGS="libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-noto-cjk"
TEST_PKGS="$BUILD_PKGS chromium poppler-utils nginx"

case "${1:-}" in
  build) wanted=$BUILD_PKGS ;;
  test) wanted=$TEST_PKGS ;;
  *) echo "用法：$0 build|test" >&2; exit 2 ;;
esac

missing=""
for pkg in $wanted; do
  if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
    missing="$missing $pkg"
  fi
done
# npm installs axe-core for the accessibility checks; any npm on PATH will do (Debian's or NodeSource's).
if [ "$1" = "test" ] && ! command -v npm >/dev/null 2>&1; then
  missing="$missing npm"
fi
[ -z "$missing" ] && exit 0

if [ "$(id -u)" = "0" ]; then
  echo "安装缺少的系统软件包：$missing"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  # shellcheck disable=SC2086
  apt-get install -y -qq --no-install-recommends $missing
else
  echo "缺少系统软件包：$missing" >&2
  echo "请以 root 身份运行：" >&2
  echo "  sudo apt-get update && sudo apt-get install -y --no-install-recommends$missing" >&2
  exit 1
fi
