#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright (c) 2026 The srv6d authors
#
# Bind NICs to vfio-pci for srv6d, with dpdk-devbind.py from Debian's `dpdk`
# package, after checking what usually goes wrong.
#
#   drivers-config/vfio-bind.sh [--force] [--noiommu] PCI_ADDR...
#   drivers-config/vfio-bind.sh --status
#
#   PCI_ADDR   0000:3b:00.0 or 3b:00.0
#   --force    bind even when the kernel interface is up or carries addresses
#              or routes (you lose whatever it carried, e.g. your SSH session)
#   --noiommu  allow vfio without an IOMMU (VMs without a virtual IOMMU); this
#              turns on vfio's unsafe no-IOMMU mode: the device can DMA anywhere
#
# mlx5 (ConnectX) devices are refused on purpose: they stay on their kernel
# driver (see mlx5.md). The script prints how to give each device back to the
# driver it had.

set -euo pipefail

force=()
noiommu=0
addrs=()

die() { printf 'vfio-bind.sh: %s\n' "$*" >&2; exit 1; }
say() { printf 'vfio-bind.sh: %s\n' "$*"; }

usage() {
	sed -n '8,19p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
	exit "${1:-0}"
}

devbind=$(command -v dpdk-devbind.py || true)
[[ -n $devbind ]] || die "dpdk-devbind.py not found: apt-get install dpdk"

while (($#)); do
	case $1 in
	--force) force=(--force) ;;
	--noiommu) noiommu=1 ;;
	--status)
		exec "$devbind" --status-dev net
		;;
	-h | --help) usage 0 ;;
	-*) usage 2 >&2 ;;
	*) addrs+=("$1") ;;
	esac
	shift
done
((${#addrs[@]})) || usage 2 >&2
[[ $(id -u) -eq 0 ]] || die "must run as root"

# --- addresses first, so a typo fails before anything changes ------------------
norm=()
for a in "${addrs[@]}"; do
	[[ $a =~ ^[0-9a-fA-F]{2}:[0-9a-fA-F]{2}\.[0-7]$ ]] && a=0000:$a
	[[ $a =~ ^[0-9a-fA-F]{4}:[0-9a-fA-F]{2}:[0-9a-fA-F]{2}\.[0-7]$ ]] ||
		die "$a: not a PCI address (want DDDD:BB:DD.F, e.g. 0000:3b:00.0)"
	a=${a,,}
	[[ -e /sys/bus/pci/devices/$a ]] || die "$a: no such PCI device (lspci -D lists them)"
	norm+=("$a")
done

# --- IOMMU -------------------------------------------------------------------
iommu_on=0
if compgen -G '/sys/kernel/iommu_groups/*' >/dev/null; then
	iommu_on=1
fi

modprobe vfio-pci 2>/dev/null || true
[[ -d /sys/bus/pci/drivers/vfio-pci ]] ||
	die "the vfio-pci driver is not available (modprobe vfio-pci failed; is kmod installed?)"

if ((!iommu_on)); then
	if ((noiommu)); then
		noiommu_param=/sys/module/vfio/parameters/enable_unsafe_noiommu_mode
		[[ -w $noiommu_param ]] || die "this kernel's vfio has no no-IOMMU mode"
		echo 1 >"$noiommu_param"
		say "IOMMU off: vfio's unsafe no-IOMMU mode is now on"
	else
		die "no IOMMU groups: boot with intel_iommu=on iommu=pt (Intel) or amd_iommu=on" \
			"iommu=pt (AMD) and enable VT-d/AMD-Vi in the firmware; in a VM without a" \
			"virtual IOMMU use --noiommu"
	fi
fi

# --- per device -----------------------------------------------------------------
restore=()
for a in "${norm[@]}"; do
	sys=/sys/bus/pci/devices/$a

	class=$(cat "$sys/class")
	[[ $class == 0x02* ]] || say "$a: warning: PCI class $class is not a network controller"

	drv=
	[[ -e $sys/driver ]] && drv=$(basename "$(readlink -f "$sys/driver")")
	case $drv in
	vfio-pci)
		say "$a: already bound to vfio-pci"
		continue
		;;
	mlx5_core | mlx4_core)
		die "$a: $drv is a bifurcated driver: keep it on the kernel driver and name" \
			"the PCI address in srv6d's config (drivers-config/mlx5.md)"
		;;
	esac

	# Kernel interfaces on this function: dpdk-devbind.py refuses active ones.
	for n in "$sys"/net/*; do
		[[ -e $n ]] || continue
		ifc=${n##*/}
		busy=()
		link=$(ip -o link show dev "$ifc" 2>/dev/null || true)
		[[ $link =~ [\<,]UP[,\>] ]] && busy+=(up)
		[[ -n $(ip -o addr show dev "$ifc" scope global 2>/dev/null) ]] && busy+=(addresses)
		routes=$(ip route show dev "$ifc" 2>/dev/null
			ip -6 route show dev "$ifc" 2>/dev/null | grep -v '^fe80::/64' || true)
		[[ -n $routes ]] && busy+=(routes)
		if ((${#busy[@]})); then
			if ((${#force[@]})); then
				say "$a: $ifc is in use (${busy[*]}); binding anyway (--force)"
			else
				die "$a: interface $ifc is in use (${busy[*]}):" \
					"'ip link set $ifc down' and remove its addresses," \
					"or pass --force"
			fi
		fi
	done

	# Every device of an IOMMU group must be given to vfio (or left driverless).
	if ((iommu_on)) && [[ -e $sys/iommu_group ]]; then
		group=$(basename "$(readlink -f "$sys/iommu_group")")
		for other in /sys/kernel/iommu_groups/"$group"/devices/*; do
			o=${other##*/}
			[[ $o == "$a" ]] && continue
			od=
			[[ -e $other/driver ]] && od=$(basename "$(readlink -f "$other/driver")")
			case $od in
			'' | vfio-pci | pcieport) ;;
			*) say "$a: warning: $o in the same IOMMU group $group is on" \
				"$od; vfio needs the whole group (bind it too, or move" \
				"the card to another slot)" ;;
			esac
		done
	fi

	say "$a: ${drv:-no driver} -> vfio-pci"
	"$devbind" "${force[@]}" -b vfio-pci "$a"
	now=
	[[ -e $sys/driver ]] && now=$(basename "$(readlink -f "$sys/driver")")
	[[ $now == vfio-pci ]] || die "$a: still on ${now:-no driver} after dpdk-devbind.py"
	if [[ -e $sys/iommu_group ]]; then
		grp=$(basename "$(readlink -f "$sys/iommu_group")")
		say "$a: bound; its group device is /dev/vfio/$grp"
	else
		say "$a: bound"
	fi
	[[ -n $drv ]] && restore+=("$devbind -b $drv $a")
done

if ((${#restore[@]})); then
	say "to give the devices back to their kernel drivers:"
	printf '    %s\n' "${restore[@]}"
fi
