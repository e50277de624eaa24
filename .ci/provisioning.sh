#!/usr/bin/env bash
# Offline checks for the provisioning content (packer/ and ansible/), called by .ci/run.
#
# Installs Debian's ansible, ansible-lint, yamllint, packer, debootstrap, shellcheck and
# python3-jsonschema, then runs every check from the repository root:
#   yamllint, ansible-playbook --syntax-check, ansible-lint (production profile),
#   packer fmt/validate, autoinstall user-data schema, shellcheck,
#   promtool check config/rules + rule unit tests (promtool from Debian's prometheus .deb),
#   and an idempotency test that applies the base role (tag 1a.4) twice to a debootstrapped
#   Debian chroot and requires changed=0 on the second run (and in a --check run), that the
#   admin can `sudo -n true` afterwards, and (with dummy NVIDIA .debs in a local repository)
#   that the driver role's pin + hold leave nothing NVIDIA upgradable; plus the Secure Boot check.
# A current ansible-core and community.general (from Debian trixie/sid .debs, unpacked, not
# installed: PyPI is not reachable here) run --syntax-check, a local playbook and a --check run
# against the chroot, because Debian 12's ansible 7 hides plugins that newer releases removed.
# Every check runs; the script exits 1 if any of them failed. Needs root (apt, chroot).
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$REPO_ROOT"

export DEBIAN_FRONTEND=noninteractive
export ANSIBLE_FORCE_COLOR=0
export ANSIBLE_NOCOLOR=1
export PY_COLORS=0
export ANSIBLE_CONFIG="$REPO_ROOT/ansible/ansible.cfg"

WORK_DIR="$(mktemp -d "${TMPDIR:-/tmp}/critpath-provisioning.XXXXXX")"
CHROOT_DIR="$WORK_DIR/chroot"
START_TS=$(date +%s)
declare -a RESULTS=()
FAILED=0

cleanup() {
  if mountpoint -q "$CHROOT_DIR/proc" 2>/dev/null; then
    umount "$CHROOT_DIR/proc" || umount -l "$CHROOT_DIR/proc" || true
  fi
  if mountpoint -q "$CHROOT_DIR/proc" 2>/dev/null; then
    echo "WARNING: $CHROOT_DIR/proc is still mounted; leaving $WORK_DIR in place" >&2
  else
    rm -rf --one-file-system "$WORK_DIR"
  fi
}
trap cleanup EXIT

section() {
  printf '\n==============================================================================\n'
  printf '== %s\n' "$1"
  printf '==============================================================================\n'
}

# run_step NAME FUNCTION: runs FUNCTION in a subshell with errexit, records PASS/FAIL/SKIP.
# A step reports SKIP by exiting 3.
run_step() {
  local name="$1" fn="$2" rc t0
  section "$name"
  t0=$(date +%s)
  set +e
  (set -euo pipefail; "$fn")
  rc=$?
  set -e
  local took=$(($(date +%s) - t0))
  case "$rc" in
    0) RESULTS+=("PASS  $name (${took}s)") ;;
    3) RESULTS+=("SKIP  $name (${took}s)") ;;
    *) RESULTS+=("FAIL  $name (${took}s, exit $rc)"); FAILED=1 ;;
  esac
}

# ---------------------------------------------------------------------------
step_install() {
  if [ "$(id -u)" -ne 0 ]; then
    echo "This script needs root (apt-get, debootstrap, chroot)." >&2
    exit 1
  fi
  apt-get update -q
  apt-get install -y -q --no-install-recommends \
    ansible ansible-lint yamllint packer debootstrap shellcheck \
    python3-jsonschema python3-yaml ca-certificates
  # promtool without installing (and starting) the prometheus daemon.
  mkdir -p "$WORK_DIR/prometheus"
  if (cd "$WORK_DIR/prometheus" && apt-get download -q prometheus); then
    dpkg-deb -x "$WORK_DIR"/prometheus/prometheus_*.deb "$WORK_DIR/prometheus/root"
  else
    echo "Debian's prometheus package is unavailable: the promtool step will be skipped."
  fi
  ansible --version | head -n 1
  ansible-lint --version 2>/dev/null | head -n 1 || true
  yamllint --version
  packer version
}

# A current ansible-core (Debian trixie) and the current `ansible` collection bundle (Debian sid,
# community.general >= 12), unpacked with dpkg-deb into $CURRENT_ANSIBLE and run with Debian 12's
# python3 (ansible-core 2.19 supports controller Python 3.11). PyPI cannot be reached from this
# machine or CI, so these .debs stand in for `pip install ansible-core ansible`.
CURRENT_ANSIBLE="$WORK_DIR/ansible-current"
current_ansible_apt() {
  apt-get -o Dir::Etc::SourceList="$CURRENT_ANSIBLE/sources.list" -o Dir::Etc::SourceParts=/dev/null \
    -o Dir::State::Lists="$CURRENT_ANSIBLE/lists" -o Dir::Cache="$CURRENT_ANSIBLE/cache" \
    -o Dir::State::status=/var/lib/dpkg/status -o APT::Sandbox::User=root "$@"
}
step_install_current_ansible() {
  local mirror root="$CURRENT_ANSIBLE/root" cg tool deb
  mirror="$(debian_mirror)"
  mkdir -p "$CURRENT_ANSIBLE"/{lists/partial,cache/archives/partial,debs} "$root"
  printf 'deb %s trixie main\ndeb %s sid main\n' "$mirror" "$mirror" > "$CURRENT_ANSIBLE/sources.list"
  current_ansible_apt update -q
  # ansible-core from trixie (2.19: Python 3.11 controller); the collections from sid.
  (cd "$CURRENT_ANSIBLE/debs" &&
    current_ansible_apt download -q "ansible-core/trixie" "ansible/sid")
  for deb in "$CURRENT_ANSIBLE"/debs/*.deb; do dpkg-deb -x "$deb" "$root"; done
  mkdir -p "$CURRENT_ANSIBLE/bin"
  for tool in ansible ansible-playbook ansible-galaxy; do
    cat > "$CURRENT_ANSIBLE/bin/$tool" <<EOF
#!/bin/sh
export PYTHONPATH="$root/usr/lib/python3/dist-packages"
export ANSIBLE_COLLECTIONS_PATH="$root/usr/lib/python3/dist-packages"
export ANSIBLE_COLLECTIONS_SCAN_SYS_PATH=False
exec /usr/bin/python3 "$root/usr/bin/$tool" "\$@"
EOF
    chmod 0755 "$CURRENT_ANSIBLE/bin/$tool"
  done
  "$CURRENT_ANSIBLE/bin/ansible-playbook" --version | sed -n 1p
  cg=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["collection_info"]["version"])' \
    "$root/usr/lib/python3/dist-packages/ansible_collections/community/general/MANIFEST.json")
  echo "community.general $cg"
  python3 -c 'import sys; v = tuple(int(x) for x in sys.argv[1].split(".")[:2]); sys.exit(0 if v >= (12, 0) else 1)' "$cg" \
    || { echo "FAIL: community.general $cg is older than 12 (the release that removed the yaml callback)"; exit 1; }
}

# --syntax-check does not load the stdout callback, so also run a real (local) playbook: a
# callback that current community.general removed fails every run before its first task.
step_current_ansible() {
  local pb out="$WORK_DIR/current-ansible-render"
  mkdir -p "$out"
  for pb in ansible/site.yml ansible/tests/*.yml; do
    "$CURRENT_ANSIBLE/bin/ansible-playbook" --syntax-check -i ansible/inventory/example.yml "$pb"
  done
  "$CURRENT_ANSIBLE/bin/ansible-playbook" -i localhost, -c local ansible/tests/render-monitoring.yml \
    -e "render_dir=$out" -e ansible_python_interpreter=/usr/bin/python3 > "$out.log" 2>&1 || { cat "$out.log"; exit 1; }
  if grep -E '^\[(ERROR|DEPRECATION WARNING)\]' "$out.log"; then
    echo "FAIL: the current ansible-core reported errors or deprecations (above)"; exit 1
  fi
  grep -E ': ok=' "$out.log"
}

step_yamllint() {
  yamllint -s -c .yamllint ansible packer/http/user-data packer/http/meta-data \
    packer/bare-metal/user-data packer/bare-metal/meta-data .yamllint
  echo "yamllint: no findings"
}

step_syntax_check() {
  local pb
  for pb in ansible/site.yml ansible/tests/*.yml; do
    ansible-playbook --syntax-check -i ansible/inventory/example.yml "$pb"
  done
  echo "tags in site.yml:"
  ansible-playbook --list-tags -i ansible/inventory/example.yml ansible/site.yml | grep 'TASK TAGS'
}

step_ansible_lint() {
  (cd ansible && ansible-lint -c .ansible-lint --profile production)
}

step_packer() {
  packer fmt -check -diff packer/
  packer fmt -check -diff packer/plugins/
  packer validate -syntax-only packer/
  packer validate -var-file=packer/ubuntu-24.04.pkrvars.hcl packer/
  grep -Eq '^iso_checksum *= *"sha256:[0-9a-f]{64}"' packer/ubuntu-24.04.pkrvars.hcl \
    || { echo "iso_checksum must be a literal sha256:<hex>"; exit 1; }
  if grep -qE '^[[:space:]]*required_plugins[[:space:]]*\{' packer/*.pkr.hcl; then
    echo "required_plugins in packer/*.pkr.hcl breaks Packer 1.6.6; keep it in packer/plugins/"
    exit 1
  fi
  # Packer 1.6.6's SSH proxy offers only ssh-rsa (SHA-1), which OpenSSH >= 8.8 refuses: the
  # ansible provisioner must either skip the proxy or re-enable ssh-rsa for that connection.
  if ! grep -qE '^[[:space:]]*use_proxy[[:space:]]*=[[:space:]]*false' packer/ubuntu-24.04.pkr.hcl; then
    if ! grep -qE 'HostKeyAlgorithms=\+ssh-rsa' packer/ubuntu-24.04.pkr.hcl ||
      ! grep -qE 'PubkeyAcceptedAlgorithms=\+ssh-rsa' packer/ubuntu-24.04.pkr.hcl; then
      echo "FAIL: the ansible provisioner uses Packer's ssh-rsa proxy without the OpenSSH >= 8.8 workaround"; exit 1
    fi
  fi
  echo "packer: fmt, validate -syntax-only and validate passed"
}

step_autoinstall() {
  python3 -m py_compile test/provisioning/check_autoinstall.py
  python3 test/provisioning/check_autoinstall.py packer/http/user-data packer/variables.pkr.hcl
  # The bare-metal user-data: no password or hash, key-only SSH, no sudoers late-command.
  python3 test/provisioning/check_autoinstall.py --bare-metal packer/bare-metal/user-data
}

step_shellcheck() {
  shellcheck .ci/provisioning.sh packer/scripts/*.sh ansible/roles/base/files/gpus.fact
  # Templates: render the Jinja placeholders away, then check the shell.
  sed -e 's/{{[^}]*}}/placeholder/g' ansible/roles/tensorflow/templates/tf-gpu.sh.j2 > "$WORK_DIR/tf-gpu.sh"
  shellcheck -s sh "$WORK_DIR/tf-gpu.sh"
  echo "shellcheck: no findings"
}

step_promtool() {
  local promtool="$WORK_DIR/prometheus/root/usr/bin/promtool" out="$WORK_DIR/prometheus/rendered"
  if [ ! -x "$promtool" ]; then
    echo "SKIP: promtool is not available (Debian's prometheus package could not be downloaded)."
    exit 3
  fi
  mkdir -p "$out"
  ansible-playbook -i localhost, -c local ansible/tests/render-monitoring.yml -e "render_dir=$out"
  "$promtool" check config "$out/prometheus.yml"
  "$promtool" check rules "$out/workstation-alerts.rules.yml"
  (cd "$out" && "$promtool" test rules workstation-alerts.test.yml)
  # Every alert needs a test in which it fires and one in which it stays quiet.
  python3 - "$out/workstation-alerts.rules.yml" "$out/workstation-alerts.test.yml" <<'PY'
import sys, yaml
rules = yaml.safe_load(open(sys.argv[1]))
tests = yaml.safe_load(open(sys.argv[2]))["tests"]
alerts = [r["alert"] for g in rules["groups"] for r in g["rules"] if "alert" in r]
fires = {t["alertname"] for case in tests for t in case.get("alert_rule_test", []) if t.get("exp_alerts")}
quiet = {t["alertname"] for case in tests for t in case.get("alert_rule_test", []) if not t.get("exp_alerts")}
missing = [a for a in alerts if a not in fires or a not in quiet]
if missing:
    sys.exit(f"FAIL: alerts without a firing and a quiet promtool test: {', '.join(missing)}")
print(f"promtool tests cover all {len(alerts)} alerts (firing and quiet): {', '.join(alerts)}")
PY
}

# The Debian mirror apt on this machine uses (first non-security entry).
debian_mirror() {
  local uri
  uri=$(grep -rhE '^(URIs:|deb )' /etc/apt/sources.list /etc/apt/sources.list.d/ 2>/dev/null \
    | grep -v -- '-security' | grep -m1 -oE 'https?://[^ ]*/debian/?' || true)
  echo "${uri:-http://deb.debian.org/debian}"
}

step_chroot_idempotency() {
  local mirror suite inv out
  mirror="$(debian_mirror)"
  # shellcheck source=/dev/null
  suite="$(. /etc/os-release && echo "${VERSION_CODENAME:-bookworm}")"
  echo "mirror: $mirror  suite: $suite  chroot: $CHROOT_DIR"
  if ! python3 - "$mirror" "$suite" <<'PY'
import sys, urllib.request
url = f"{sys.argv[1].rstrip('/')}/dists/{sys.argv[2]}/Release"
try:
    urllib.request.urlopen(url, timeout=20).read(1)
except Exception as exc:  # any network failure means: cannot reach the mirror
    print(f"cannot reach {url}: {exc}")
    sys.exit(1)
PY
  then
    echo "SKIP: debootstrap cannot reach its mirror ($mirror); the chroot idempotency test did not run."
    exit 3
  fi

  SECONDS=0
  debootstrap --variant=minbase --include=python3,python3-apt,apt-utils \
    "$suite" "$CHROOT_DIR" "$mirror" > "$WORK_DIR/debootstrap.log" 2>&1 \
    || { tail -n 30 "$WORK_DIR/debootstrap.log"; exit 1; }
  echo "debootstrap: done in ${SECONDS}s"
  # Never start daemons inside the chroot (package postinst scripts would try).
  printf '#!/bin/sh\nexit 101\n' > "$CHROOT_DIR/usr/sbin/policy-rc.d"
  chmod 0755 "$CHROOT_DIR/usr/sbin/policy-rc.d"
  # Throw-away chroot: skip dpkg's fsyncs (much faster on a busy CI disk).
  echo force-unsafe-io > "$CHROOT_DIR/etc/dpkg/dpkg.cfg.d/99-ci-unsafe-io"
  mount -t proc proc "$CHROOT_DIR/proc"

  inv="$WORK_DIR/chroot-inventory.yml"
  cat > "$inv" <<EOF
all:
  children:
    workstation:
      hosts:
        "$CHROOT_DIR":
          ansible_connection: community.general.chroot
          ansible_become: false
          ansible_python_interpreter: /usr/bin/python3
          base_users:
            - name: ciadmin
              comment: CI administrator
              sudo: true
              ssh_keys:
                - "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl ci@example"
EOF
  out="$WORK_DIR/ansible-run"
  SECONDS=0
  echo "--- run 1: apply the base role (tag 1a.4)"
  ansible-playbook -i "$inv" ansible/site.yml --tags 1a.4 | tee "$out-1.log" | grep -E '^(TASK|changed|fatal|PLAY RECAP)|: ok=' || true
  grep -qE ' failed=0 ' "$out-1.log" || { tail -n 40 "$out-1.log"; exit 1; }
  echo "    run 1 took ${SECONDS}s"; SECONDS=0
  echo "--- run 2: apply again, expect changed=0"
  ansible-playbook -i "$inv" ansible/site.yml --tags 1a.4 > "$out-2.log" 2>&1 || { tail -n 40 "$out-2.log"; exit 1; }
  grep -E ': ok=' "$out-2.log"
  if ! grep -qE ' changed=0 +unreachable=0 +failed=0 ' "$out-2.log"; then
    echo "FAIL: the second run of the base role reported changes:"
    grep -E '^(changed|TASK)' "$out-2.log" | grep -B1 '^changed' || true
    exit 1
  fi
  echo "    run 2 took ${SECONDS}s"; SECONDS=0
  echo "--- run 3: --check on the converged chroot, expect changed=0"
  ansible-playbook -i "$inv" ansible/site.yml --tags 1a.4 --check > "$out-3.log" 2>&1 || { tail -n 40 "$out-3.log"; exit 1; }
  grep -E ': ok=' "$out-3.log"
  grep -qE ' changed=0 +unreachable=0 +failed=0 ' "$out-3.log" || { echo "FAIL: --check reported changes"; exit 1; }
  chroot "$CHROOT_DIR" sh -c 'grep -q "^CUDA_DEVICE_ORDER=PCI_BUS_ID$" /etc/environment' \
    || { echo "FAIL: CUDA_DEVICE_ORDER missing from /etc/environment"; exit 1; }
  echo "idempotency: second run changed=0, check mode changed=0"

  echo "--- the admin can become root without a password (key-only account, 1a.8 onwards)"
  chroot "$CHROOT_DIR" runuser -u ciadmin -- sudo -n true \
    || { echo "FAIL: ciadmin cannot 'sudo -n true' after the base role"; exit 1; }
  echo "    ciadmin: sudo -n true ok"
  echo "--- base_sudo_nopasswd=false with a password-less sudo user must stop the role"
  if ansible-playbook -i "$inv" ansible/site.yml --tags 1a.4 --check -e '{"base_sudo_nopasswd": false}' \
    > "$out-4.log" 2>&1; then
    echo "FAIL: the base role accepted sudo users that could never become root"; exit 1
  fi
  grep -q 'sudo would ask them for a password' "$out-4.log" \
    || { tail -n 30 "$out-4.log"; echo "FAIL: the run failed for another reason"; exit 1; }
  echo "    refused, as it should"

  echo "--- current ansible-core + community.general: --check on the converged chroot, expect changed=0"
  "$CURRENT_ANSIBLE/bin/ansible-playbook" -i "$inv" ansible/site.yml --tags 1a.4 --check > "$out-5.log" 2>&1 \
    || { tail -n 40 "$out-5.log"; exit 1; }
  grep -E ': ok=' "$out-5.log"
  grep -qE ' changed=0 +unreachable=0 +failed=0 ' "$out-5.log" \
    || { grep -E '^(changed|TASK)' "$out-5.log" | grep -B1 '^changed' || true; echo "FAIL: --check with the current ansible-core reported changes"; exit 1; }
  cp "$inv" "$WORK_DIR/chroot-ready.yml"
}

# Dummy NVIDIA driver packages (name, depends) at VERSION, built with dpkg-deb into DIR.
fake_nvidia_debs() {
  local dir=$1 version=$2 name depends
  mkdir -p "$dir"
  while IFS='|' read -r name depends; do
    mkdir -p "$dir/$name/DEBIAN"
    {
      echo "Package: $name"
      echo "Version: $version"
      echo "Architecture: all"
      echo "Maintainer: critpath CI <ci@example.invalid>"
      [ -n "$depends" ] && echo "Depends: ${depends//@V@/$version}"
      echo "Description: dummy stand-in for NVIDIA's $name (CI only)"
    } > "$dir/$name/DEBIAN/control"
    dpkg-deb --build --root-owner-group "$dir/$name" "$dir/${name}_${version}_all.deb" > /dev/null
    rm -rf "${dir:?}/$name"
  done <<'PKGS'
nvidia-open|nvidia-driver-580-open (>= @V@)
nvidia-driver-580-open|libnvidia-compute-580 (>= @V@), nvidia-utils-580 (>= @V@), nvidia-kernel-source-580-open (>= @V@)
libnvidia-compute-580|
nvidia-utils-580|libnvidia-compute-580 (>= @V@)
nvidia-kernel-source-580-open|
PKGS
}

# The driver role's pin + hold on installed (dummy) NVIDIA packages while the repository offers
# newer ones: afterwards nothing NVIDIA is upgradable, and the base role's apt upgrade keeps them.
step_nvidia_hold() {
  local inv="$WORK_DIR/chroot-ready.yml" repo="$CHROOT_DIR/srv/fake-nvidia" out="$WORK_DIR/nvidia-hold"
  local pinned newer upgradable
  [ -f "$inv" ] || { echo "FAIL: the chroot from the idempotency step is not ready"; exit 1; }
  pinned=$(sed -nE 's/^nvidia_driver_version: *"([^"]+)".*/\1/p' ansible/group_vars/all/versions.yml)
  newer="${pinned%%.*}.999.01"
  echo "pinned: $pinned-1  offered later: $newer-1"
  fake_nvidia_debs "$repo" "$pinned-1"
  echo 'deb [trusted=yes] file:/srv/fake-nvidia ./' > "$CHROOT_DIR/etc/apt/sources.list.d/fake-nvidia.list"
  chroot "$CHROOT_DIR" sh -c 'cd /srv/fake-nvidia && apt-ftparchive packages . > Packages'
  chroot "$CHROOT_DIR" apt-get update -q > /dev/null
  chroot "$CHROOT_DIR" apt-get install -y -q --no-install-recommends nvidia-open > /dev/null
  echo "--- installed the pinned version; now the repository offers $newer"
  fake_nvidia_debs "$repo" "$newer-1"
  chroot "$CHROOT_DIR" sh -c 'cd /srv/fake-nvidia && apt-ftparchive packages . > Packages'
  chroot "$CHROOT_DIR" apt-get update -q > /dev/null
  upgradable=$(chroot "$CHROOT_DIR" apt list --upgradable 2>/dev/null | grep -cE '^(lib)?nvidia-' || true)
  [ "$upgradable" -eq 5 ] || { echo "FAIL: control: expected 5 upgradable dummy packages before the role, got $upgradable"; exit 1; }
  echo "    control: $upgradable NVIDIA packages upgradable before the role"

  echo "--- apply the nvidia_driver role's pin + hold tasks"
  ansible-playbook -i "$inv" ansible/tests/nvidia-pin-hold.yml > "$out-1.log" 2>&1 || { tail -n 40 "$out-1.log"; exit 1; }
  grep -E ': ok=' "$out-1.log"
  echo "--- the base role's apt upgrade afterwards (tag 1a.4)"
  ansible-playbook -i "$inv" ansible/site.yml --tags 1a.4 > "$out-2.log" 2>&1 || { tail -n 40 "$out-2.log"; exit 1; }
  grep -E ': ok=' "$out-2.log"
  chroot "$CHROOT_DIR" apt-get update -q > /dev/null
  if chroot "$CHROOT_DIR" apt list --upgradable 2>/dev/null | grep -E '^(lib)?nvidia-'; then
    echo "FAIL: NVIDIA packages are upgradable after the role (above)"; exit 1
  fi
  if chroot "$CHROOT_DIR" apt-get -s dist-upgrade | grep -E '^Inst (lib)?nvidia-'; then
    echo "FAIL: a dist-upgrade would move NVIDIA packages (above)"; exit 1
  fi
  # shellcheck disable=SC2016 # dpkg-query's own ${...} format fields
  if chroot "$CHROOT_DIR" dpkg-query -W -f '${Package} ${Version}\n' 'nvidia-*' 'libnvidia-*' | grep -v " $pinned-1\$"; then
    echo "FAIL: NVIDIA packages left the pinned version (above)"; exit 1
  fi
  [ "$(chroot "$CHROOT_DIR" apt-mark showhold | grep -cE '^(lib)?nvidia-')" -eq 5 ] \
    || { chroot "$CHROOT_DIR" apt-mark showhold; echo "FAIL: not every NVIDIA package is held"; exit 1; }
  echo "    nothing NVIDIA upgradable; all 5 held and still at $pinned-1"
  echo "--- pin + hold again: expect changed=0"
  ansible-playbook -i "$inv" ansible/tests/nvidia-pin-hold.yml > "$out-3.log" 2>&1 || { tail -n 40 "$out-3.log"; exit 1; }
  grep -qE ' changed=0 +unreachable=0 +failed=0 ' "$out-3.log" || { grep -E ': ok=' "$out-3.log"; echo "FAIL: not idempotent"; exit 1; }

  echo "--- Secure Boot check: on + no DKMS key must fail; off or no EFI variable must pass"
  printf '\006\000\000\000\001' > "$CHROOT_DIR/tmp/sb-on"
  printf '\006\000\000\000\000' > "$CHROOT_DIR/tmp/sb-off"
  if ansible-playbook -i "$inv" ansible/tests/secure-boot.yml -e nvidia_driver_secure_boot_efivar=/tmp/sb-on \
    > "$out-sb-on.log" 2>&1; then
    echo "FAIL: Secure Boot on without an enrolled DKMS key was accepted"; exit 1
  fi
  grep -q 'Secure Boot is on and the DKMS signing key' "$out-sb-on.log" \
    || { tail -n 30 "$out-sb-on.log"; echo "FAIL: the run failed for another reason"; exit 1; }
  local f
  for f in /tmp/sb-off /nonexistent/SecureBoot; do
    ansible-playbook -i "$inv" ansible/tests/secure-boot.yml -e "nvidia_driver_secure_boot_efivar=$f" \
      > "$out-sb.log" 2>&1 || { tail -n 30 "$out-sb.log"; echo "FAIL: Secure Boot check failed for $f"; exit 1; }
  done
  echo "    Secure Boot check: refuses on+no key, passes off and no-EFI"
}

# ---------------------------------------------------------------------------
run_step "install Debian packages" step_install
if [ "$FAILED" -ne 0 ]; then
  echo "Package installation failed; not running the checks." >&2
  exit 1
fi
run_step "current ansible-core + community.general (Debian trixie/sid .debs)" step_install_current_ansible
run_step "yamllint" step_yamllint
run_step "ansible-playbook --syntax-check" step_syntax_check
run_step "current ansible-core: syntax-check + a local run" step_current_ansible
run_step "ansible-lint (production profile)" step_ansible_lint
run_step "packer fmt + validate (1.6.6)" step_packer
run_step "autoinstall user-data schema" step_autoinstall
run_step "shellcheck" step_shellcheck
run_step "promtool check config / rules / test rules" step_promtool
run_step "base role idempotency in a debootstrap chroot (+ sudo -n, current ansible --check)" step_chroot_idempotency
run_step "NVIDIA pin + hold (dummy packages) and Secure Boot check in the chroot" step_nvidia_hold

section "summary ($(($(date +%s) - START_TS))s)"
printf '%s\n' "${RESULTS[@]}"
if [ "$FAILED" -ne 0 ]; then
  echo "provisioning checks: FAILED"
  exit 1
fi
echo "provisioning checks: OK"
