#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright (c) 2026 The srv6d authors
#
# The Debian packages, built, checked, installed and run under systemd:
#
# 1. dpkg-buildpackage -us -uc -b on a copy of the tree: srv6d_*.deb and
#    srv6-bgp_*.deb; lintian with --fail-on error,warning (pedantic and info
#    tags shown; the overrides in debian/*.lintian-overrides say why).
# 2. apt-get install of both .debs on this machine: the files, the socket
#    group from sysusers.d, the man pages through man(1).
# 3. systemd 252 of this machine as PID 1 of private namespaces (PID 1 here
#    is not systemd, so the machine's own manager cannot be used: see
#    sdboot.sh), reading the installed package's unit files:
#    - srv6d.service starts from /etc/srv6d/srv6d.json and eal.conf, its
#      socket has group srv6d, its capability bounding set is the unit's,
#      locked memory unlimited;
#    - kill -9 of srv6d: systemd starts it again (Restart=on-failure), the
#      socket answers within 10 s, the configuration is the file's;
#    - systemctl reload: an edited file applied in place (same PID); a bad
#      file makes the reload fail with the reason in the journal, srv6d
#      keeps running unchanged;
#    - srv6-bgp.service after srv6d and gobgpd (gobgpd.service of Debian's
#      package): started after both, connected to both;
#    - dpdk-telemetry.py reads srv6d's /srv6d/info from the service;
#    - systemctl stop: srv6d exits cleanly and stays stopped.
# 4. Cleanup: the namespaces' systemd (and all under it) killed, its cgroups
#    removed, the packages purged unless they were installed before.
#
# Root only; exit 77 without dpkg-buildpackage, the build dependencies,
# lintian, unshare or systemd. PKG_DEBS=DIR reuses .debs built before.

set -uo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
WORK=$(mktemp -d /var/tmp/srv6d-package-test.XXXXXX)
FAILS=0
SD_PID=
CG=srv6d-package-test-$$
INSTALLED_BEFORE=
GOBGPD_CONF_MADE=
ETC_BACKUP=

log() { printf '%s [package] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
check() {
	# check "what" command...: ok/FAIL line, failures counted
	local what=$1
	shift
	if "$@"; then
		echo "ok   $what"
	else
		echo "FAIL $what"
		FAILS=$((FAILS + 1))
	fi
}
skip() {
	echo "skip: $*"
	exit 77
}

# ----------------------------------------------------------------- cleanup
cleanup() {
	local h
	if [[ -n $SD_PID ]]; then
		# PID 1 of the namespace: the kernel kills everything in it
		kill -KILL "$SD_PID" 2>/dev/null
		[[ -n ${UNSHARE_PID:-} ]] && wait "$UNSHARE_PID" 2>/dev/null
	fi
	# the cgroups go once their last process has exited
	for _ in $(seq 50); do
		[[ -z $(find "/sys/fs/cgroup/systemd/$CG" -name cgroup.procs -exec cat {} + 2>/dev/null) ]] && break
		sleep 0.1
	done
	for h in systemd unified; do
		[[ -d /sys/fs/cgroup/$h/$CG ]] &&
			find "/sys/fs/cgroup/$h/$CG" -depth -type d -exec rmdir {} + 2>/dev/null
	done
	if [[ -z $INSTALLED_BEFORE ]] && dpkg -s srv6d >/dev/null 2>&1; then
		apt-get purge -y -q srv6-bgp srv6d >"$WORK/purge.log" 2>&1 ||
			log "purge failed: $(tail -3 "$WORK/purge.log")"
		getent group srv6d >/dev/null && groupdel srv6d 2>/dev/null
	fi
	if [[ -n $ETC_BACKUP && -d $ETC_BACKUP ]]; then
		rm -rf /etc/srv6d && cp -a "$ETC_BACKUP" /etc/srv6d
	elif [[ -z $INSTALLED_BEFORE ]]; then
		rm -rf /etc/srv6d
	fi
	[[ -n $GOBGPD_CONF_MADE ]] && rm -f /etc/gobgpd.conf
	if [[ $FAILS -eq 0 && -z ${PKG_KEEP:-} ]]; then
		rm -rf "$WORK"
	else
		log "work folder kept: $WORK"
	fi
}
trap cleanup EXIT

# ----------------------------------------------------------- prerequisites
[[ $(id -u) -eq 0 ]] || skip "needs root (apt-get install, namespaces)"
for t in dpkg-buildpackage lintian unshare nsenter apt-get; do
	command -v "$t" >/dev/null || skip "$t missing (tools/deps.sh installs it)"
done
[[ -x /lib/systemd/systemd ]] || skip "systemd is not installed"
if dpkg -s srv6d >/dev/null 2>&1; then
	INSTALLED_BEFORE=1
	[[ -d /etc/srv6d ]] && ETC_BACKUP=$WORK/etc-srv6d.orig && cp -a /etc/srv6d "$ETC_BACKUP"
	log "srv6d is installed already: it is replaced now and not purged at the end"
fi

# ------------------------------------------------------------------- build
if [[ -n ${PKG_DEBS:-} ]]; then
	debs=$PKG_DEBS
	log "using the packages in $debs"
else
	src=$WORK/src/srv6d
	mkdir -p "$src"
	# The tree as it is (committed or not), without build folders.
	git -C "$REPO" ls-files -co --exclude-standard -z |
		(cd "$REPO" && tar --null -T - -cf -) | tar -xf - -C "$src"
	(cd "$src" && dpkg-checkbuilddeps) >"$WORK/builddeps.log" 2>&1 ||
		skip "build dependencies missing: $(tail -1 "$WORK/builddeps.log")"
	log "dpkg-buildpackage -us -uc -b (log: $WORK/build.log)"
	t0=$(date +%s)
	# nocheck: the unit tests already ran on this tree (suite unit);
	# PKG_CHECK=1 runs them in the package build too (debian/rules).
	opts=nocheck
	[[ -n ${PKG_CHECK:-} ]] && opts=
	(cd "$src" && DEB_BUILD_OPTIONS=$opts dpkg-buildpackage -us -uc -b -j"$(nproc)") \
		>"$WORK/build.log" 2>&1
	rc=$?
	check "dpkg-buildpackage -us -uc -b: exit $rc in $(($(date +%s) - t0)) s" test $rc -eq 0
	[[ $rc -eq 0 ]] || {
		tail -30 "$WORK/build.log"
		exit 1
	}
	grep -E '^(Ok|Fail|Skipped):' "$WORK/build.log" | tr '\n' ' ' >&2
	echo >&2
	debs=$WORK/src
fi
deb_d=$(ls "$debs"/srv6d_*.deb 2>/dev/null | head -1)
deb_b=$(ls "$debs"/srv6-bgp_*.deb 2>/dev/null | head -1)
check "srv6d_*.deb and srv6-bgp_*.deb built ($(basename "${deb_d:-none}") $(basename "${deb_b:-none}"))" \
	test -f "$deb_d" -a -f "$deb_b"
[[ -f $deb_d && -f $deb_b ]] || exit 1
check "srv6d does not depend on gRPC (srv6-bgp does)" \
	bash -c "! dpkg-deb -f '$deb_d' Depends | grep -q grpc && dpkg-deb -f '$deb_b' Depends | grep -q grpc"

changes=$(ls "$debs"/srv6d_*.changes 2>/dev/null | head -1)
lint_in=${changes:-$deb_d $deb_b}
# shellcheck disable=SC2086 # one or two file names
lintian --fail-on error,warning -I --pedantic $lint_in >"$WORK/lintian.log" 2>&1
rc=$?
sed 's/^/  lintian: /' "$WORK/lintian.log" | grep -v "root privileges" >&2
check "lintian --fail-on error,warning: exit $rc, $(grep -c '^[EW]:' "$WORK/lintian.log") errors/warnings" \
	test $rc -eq 0

# ----------------------------------------------------------------- install
log "apt-get install $deb_d $deb_b"
DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
	"$deb_d" "$deb_b" >"$WORK/install.log" 2>&1
rc=$?
check "apt-get install of both packages: exit $rc" test $rc -eq 0
[[ $rc -eq 0 ]] || {
	tail -20 "$WORK/install.log"
	exit 1
}
for f in /usr/bin/srv6d /usr/bin/srv6ctl /usr/bin/srv6-bgp /lib/systemd/system/srv6d.service \
	/lib/systemd/system/srv6-bgp.service /etc/srv6d/eal.conf /usr/libexec/srv6d/srv6d-hugepages \
	/usr/share/bash-completion/completions/srv6ctl; do
	check "installed: $f" test -e "$f"
done
check "the socket group srv6d exists (sysusers.d at install)" bash -c "getent group srv6d >/dev/null"
for page in srv6d srv6ctl srv6-bgp srv6d.json; do
	check "man $page renders" bash -c \
		"MANWIDTH=80 man --warnings -P cat $page 2>&1 >/dev/null | (! grep -q .) && MANWIDTH=80 man -P cat $page | grep -q NAME"
done
check "srv6d.service not started by the install (no /etc/srv6d/srv6d.json yet)" \
	test ! -e /etc/srv6d/srv6d.json
check "/usr/bin/srv6d --version" bash -c "/usr/bin/srv6d --no-huge --no-pci -m 128 --log-level=lib.eal:error -- --version 2>/dev/null | grep -q srv6d"

# ------------------------------------------------------ configuration files
# The operator's steps: a configuration, EAL options for this machine (no
# NICs, no hugepages here: net_null ports and --no-huge).
cat >/etc/srv6d/srv6d.json <<'EOF'
{
  "ports": [
    {"name": "wan0", "device": "net_null0,no-rx=1", "addresses": ["2001:db8::1/64"]},
    {"name": "ce-blue", "device": "net_null1,no-rx=1", "vrf": "BLUE", "addresses": ["10.1.0.1/24"]}
  ],
  "encap": {"source": "2001:db8::1"},
  "locators": [{"name": "VPN", "prefix": "2001:db8:1::/48", "block_len": 32, "node_len": 16, "func_len": 16}],
  "vrfs": [{"name": "BLUE", "table": 10, "rd": "65000:10", "import_rt": ["65000:10"], "export_rt": ["65000:10"]}],
  "routes": [{"vrf": "BLUE", "prefix": "10.2.0.0/24", "nexthops": [{"type": "srv6", "segments": ["2001:db8:2:0:1::"]}]}]
}
EOF
cp /etc/srv6d/srv6d.json "$WORK/srv6d.json.orig"
sed -i 's/^SRV6D_EAL=.*/SRV6D_EAL="-l 0-1 --no-huge -m 512 --no-pci --log-level=lib.eal:notice"/;
	s/^SRV6D_HUGEPAGES=.*/SRV6D_HUGEPAGES=0/' /etc/srv6d/eal.conf
if [[ ! -e /etc/gobgpd.conf ]]; then
	GOBGPD_CONF_MADE=1
	cat >/etc/gobgpd.conf <<'EOF'
[global.config]
  as = 65000
  router-id = "192.0.2.1"
  port = -1
EOF
fi

# ------------------------------------------------------------ boot systemd
# Units: the package's files (symlinks, read as installed) and empty
# stand-ins for the targets they are ordered against.
units=$WORK/units
mkdir -p "$units"
for u in srv6d.service srv6-bgp.service gobgpd.service; do
	ln -s "/lib/systemd/system/$u" "$units/$u"
done
for t in package-test sysinit basic multi-user network network-online sockets paths timers \
	shutdown local-fs remote-fs; do
	printf '[Unit]\nDescription=%s (package test stand-in)\n' "$t" >"$units/$t.target"
done
# journald for the logs of failed reloads: its socket and service units
for u in systemd-journald.socket systemd-journald-dev-log.socket systemd-journald.service; do
	[[ -e /lib/systemd/system/$u ]] && ln -s "/lib/systemd/system/$u" "$units/$u"
done
printf '[Unit]\nDescription=stand-in\n[Install]\n' >"$units/syslog.socket"

# The namespaces' cgroups live under one folder of ours: removed at the end.
for h in systemd unified; do
	[[ -d /sys/fs/cgroup/$h ]] && mkdir -p "/sys/fs/cgroup/$h/$CG"
done
(
	for h in systemd unified; do
		[[ -d /sys/fs/cgroup/$h/$CG ]] && echo $BASHPID >"/sys/fs/cgroup/$h/$CG/cgroup.procs"
	done
	exec unshare --pid --fork --kill-child --mount --uts --ipc --net --cgroup --mount-proc \
		"$HERE/sdboot.sh" "$units"
) >"$WORK/systemd.log" 2>&1 &
UNSHARE_PID=$!
# systemd is the unshare's child: PID 1 inside
for _ in $(seq 100); do
	SD_PID=$(pgrep -P "$UNSHARE_PID" 2>/dev/null | head -1)
	[[ -n $SD_PID ]] && [[ $(readlink "/proc/$SD_PID/exe") == */systemd ]] && break
	sleep 0.1
done
# A machine where systemd cannot boot even so (no cgroup mounts allowed...):
# what ran so far counts, the rest is skipped with systemd's own reason.
systemd_unbootable() {
	local why
	why=$(dmesg 2>/dev/null | grep -E 'systemd\[1\]: (Failed|Freezing|Exiting)' | tail -3 | tr '\n' ' ')
	[[ $FAILS -eq 0 ]] || exit 1
	skip "systemd does not boot in namespaces on this machine: ${why:-see $WORK/systemd.log}"
}
[[ -n $SD_PID ]] || systemd_unbootable
in_ns() { nsenter -t "$SD_PID" -m -p -u -i -n -C -- "$@"; }
state=
for _ in $(seq 100); do
	state=$(in_ns systemctl is-system-running 2>/dev/null)
	[[ $state == running || $state == degraded ]] && break
	sleep 0.2
done
[[ -n $state ]] || systemd_unbootable
check "systemd $(systemctl --version | head -1 | cut -d' ' -f2) runs as PID 1 of the test's namespaces ($state)" \
	test "$state" = running
[[ $state == running ]] || exit 1

ctl() { in_ns srv6ctl --json --timeout 10 "$@"; }
main_pid() { in_ns systemctl show -P MainPID srv6d.service; }
wait_answers() {
	# wait_answers SECONDS: until srv6ctl system info answers
	local i
	for ((i = 0; i < $1 * 10; i++)); do
		ctl system info >/dev/null 2>&1 && return 0
		sleep 0.1
	done
	return 1
}

# journald first: the units' output (a failed reload's reason) goes there
in_ns systemctl start systemd-journald.socket systemd-journald.service

# ---------------------------------------------------------------- srv6d
log "systemctl start srv6d"
in_ns systemctl start srv6d.service
check "systemctl start srv6d: active" bash -c "[[ \$(nsenter -t $SD_PID -m -p -C systemctl is-active srv6d.service) == active ]]"
check "srv6d answers on /run/srv6d/srv6d.sock" wait_answers 20
pid=$(main_pid)
check "srv6d's ports are the file's" bash -c "nsenter -t $SD_PID -m -p srv6ctl --json port list | grep -q '\"ce-blue\"'"
check "the socket belongs to group srv6d (SRV6D_OPTS --socket-group srv6d)" \
	bash -c "[[ \$(nsenter -t $SD_PID -m stat -c %G /run/srv6d/srv6d.sock) == srv6d ]]"
# MainPID is a PID of the namespace: its /proc is the namespace's.
bnd=$(in_ns awk '/^CapBnd:/ {print $2}' "/proc/$pid/status" 2>/dev/null)
caps=$(capsh --decode="$bnd" 2>/dev/null | sed 's/.*=//')
check "capability bounding set = the unit's ($caps)" test "$caps" = \
	"cap_chown,cap_dac_override,cap_net_admin,cap_net_raw,cap_ipc_lock,cap_sys_rawio,cap_sys_admin"
check "LimitMEMLOCK=infinity in the unit as systemd read it" \
	test "$(in_ns systemctl show -P LimitMEMLOCK srv6d.service)" = infinity
# Some machines (this sandbox) forbid raising RLIMIT_MEMLOCK even to root:
# systemd cannot apply it there, and says so in the journal.
if prlimit --pid $$ --memlock=unlimited:unlimited 2>/dev/null; then
	check "  srv6d runs with locked memory unlimited" bash -c \
		"nsenter -t $SD_PID -m -p cat /proc/$pid/limits | grep -Eq '^Max locked memory +unlimited +unlimited'"
else
	log "this machine forbids raising RLIMIT_MEMLOCK (prlimit: EPERM): not checked on the process"
fi

# ------------------------------------------------------------- kill -9
log "kill -9 srv6d (pid $pid)"
t0=$(date +%s.%N)
in_ns kill -KILL "$pid"
back=
for _ in $(seq 200); do
	np=$(main_pid)
	if [[ -n $np && $np != 0 && $np != "$pid" ]] && ctl system info >/dev/null 2>&1; then
		back=$(date +%s.%N)
		break
	fi
	sleep 0.1
done
restarts=$(in_ns systemctl show -P NRestarts srv6d.service)
newpid=$(main_pid)
check "restarted after kill -9: NRestarts $restarts, new PID, answering after $(awk "BEGIN {printf \"%.2f\", ${back:-0} - $t0}") s" \
	test -n "$back" -a "$restarts" = 1
check "  the restarted srv6d has the file's configuration" \
	bash -c "nsenter -t $SD_PID -m -p srv6ctl --json route list vrf BLUE | grep -q 10.2.0.0/24"

# -------------------------------------------------------------- reload
python3 - /etc/srv6d/srv6d.json <<'PYEOF'
import json, sys
p = sys.argv[1]
c = json.load(open(p))
c["vrfs"].append({"name": "RED", "table": 20})
c["routes"].append({"vrf": "RED", "prefix": "10.20.0.0/16", "nexthops": [{"type": "blackhole"}]})
c["routes"][0]["nexthops"][0]["segments"] = ["2001:db8:2:0:2::"]
json.dump(c, open(p, "w"), indent=1)
PYEOF
pid=$(main_pid)
in_ns systemctl reload srv6d.service
rc=$?
check "systemctl reload srv6d (a VRF, a route added, a route changed): exit $rc, same PID" \
	test $rc -eq 0 -a "$(main_pid)" = "$pid"
check "  RED and its route in force" bash -c \
	"nsenter -t $SD_PID -m -p srv6ctl --json route list vrf RED | grep -q 10.20.0.0/16"
check "  BLUE's route changed" bash -c \
	"nsenter -t $SD_PID -m -p srv6ctl --json route list vrf BLUE | grep -q 2001:db8:2:0:2::"
before=$(ctl config get)
cp /etc/srv6d/srv6d.json "$WORK/good.json"
# RED's route now names a VRF that does not exist
sed -i 's/"vrf": "RED"/"vrf": "NOPE"/' /etc/srv6d/srv6d.json
in_ns systemctl reload srv6d.service 2>"$WORK/reload-bad.err"
rc=$?
check "systemctl reload of a bad file fails: exit $rc" test $rc -ne 0
check "  srv6d still active, same PID, configuration unchanged" bash -c \
	"[[ \$(nsenter -t $SD_PID -m -p -C systemctl is-active srv6d.service) == active && \$(nsenter -t $SD_PID -m -p -C systemctl show -P MainPID srv6d.service) == $pid ]] &&
	 [[ \$(nsenter -t $SD_PID -m -p srv6ctl --json config get) == '$before' ]]"
in_ns journalctl -u srv6d.service --no-pager -n 30 >"$WORK/journal.txt" 2>&1
check "  the reason is in the journal (journalctl -u srv6d)" grep -q "unknown VRF" "$WORK/journal.txt"
cp "$WORK/good.json" /etc/srv6d/srv6d.json

# ----------------------------------------------------------- telemetry
echo /srv6d/info | in_ns dpdk-telemetry.py >"$WORK/telemetry.out" 2>&1
tel=$(grep -o '"ports": \[[^]]*\]' "$WORK/telemetry.out")
[[ -n $tel ]] || {
	in_ns ls -la /run/dpdk/rte /var/run/dpdk >&2
	in_ns journalctl -u srv6d.service --no-pager | grep -iE "telemetry|EAL" | tail -5 >&2
}
check "dpdk-telemetry.py reads /srv6d/info from the service: $tel" \
	bash -c "[[ '$tel' == *wan0*ce-blue* ]]"

# ------------------------------------------------------------- srv6-bgp
log "systemctl start gobgpd srv6-bgp"
in_ns systemctl start gobgpd.service srv6-bgp.service
sleep 2
check "srv6-bgp.service active" bash -c "[[ \$(nsenter -t $SD_PID -m -p -C systemctl is-active srv6-bgp.service) == active ]]"
after=$(in_ns systemctl show -P After srv6-bgp.service)
check "srv6-bgp.service ordered after srv6d.service and gobgpd.service" \
	bash -c "[[ '$after' == *srv6d.service* && '$after' == *gobgpd.service* ]]"
t_bgp=$(in_ns systemctl show -P ExecMainStartTimestampMonotonic srv6-bgp.service)
t_gobgp=$(in_ns systemctl show -P ActiveEnterTimestampMonotonic gobgpd.service)
check "  and started after gobgpd was up ($t_gobgp < $t_bgp µs)" test "${t_gobgp:-0}" -gt 0 -a "${t_bgp:-0}" -gt "${t_gobgp:-0}"
stats=
for _ in $(seq 50); do
	stats=$(in_ns srv6-bgp stats 2>/dev/null)
	grep -q '"srv6d_connected": *true' <<<"$stats" && grep -q '"gobgpd_connected": *true' <<<"$stats" && break
	sleep 0.2
done
check "srv6-bgp connected to srv6d and gobgpd (srv6-bgp stats)" bash -c \
	"grep -q '\"srv6d_connected\": *true' <<<'$stats' && grep -q '\"gobgpd_connected\": *true' <<<'$stats'"

# ---------------------------------------------------------------- stop
in_ns systemctl stop srv6-bgp.service gobgpd.service srv6d.service
sleep 1.5
check "systemctl stop srv6d: inactive, result success, not restarted" bash -c \
	"[[ \$(nsenter -t $SD_PID -m -p -C systemctl is-active srv6d.service) == inactive && \$(nsenter -t $SD_PID -m -p -C systemctl show -P Result srv6d.service) == success ]]"

echo "$FAILS failure(s)"
[[ $FAILS -eq 0 ]]
