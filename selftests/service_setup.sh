# SPDX-License-Identifier: GPL-2.0
#
# Sourced by pl-vm --setup in the guest's new root, before systemd starts
# (see service.sh): install pl-tools as apt would, install the pl.ko that
# DKMS built on the host for this kernel (tools/deb-test) with DKMS's own
# install step, write /etc/pl/pl.conf and enable pl.service, so that the
# boot applies it. Without the packages, leave a note for service.sh.

v=$(cat VERSION)
k=$(uname -r)
tree=build/deb-test/dkms
if [ -f "build/deb/pl-tools_${v}_amd64.deb" ] && [ -d "$tree/pl/$v/$k" ]; then
	dpkg -i "build/deb/pl-tools_${v}_amd64.deb" >/var/tmp/pl-setup.log 2>&1 &&
	cp -a "$tree" /var/lib/pl-dkms &&
	dkms install -m pl -v "$v" -k "$k" --dkmstree /var/lib/pl-dkms \
		--sourcetree "$PWD/build/deb-test/dkms-src/usr/src" \
		>>/var/tmp/pl-setup.log 2>&1 &&
	cat >/etc/pl/pl.conf <<'CONF' &&
az add a id use1-az1
subnet add boot-a prefix 10.50.0.0/24 az a
service add web port 80 acceptance auto
backend add web 10.60.0.11 az a weight 1
backend add web 10.60.0.12 az a weight 1
endpoint add vpce-boot service web subnet boot-a ip 10.50.0.10
CONF
	systemctl enable pl.service >>/var/tmp/pl-setup.log 2>&1 ||
		echo "setup failed: see /var/tmp/pl-setup.log" >/var/tmp/pl-setup.skip
else
	echo "no packages (build/deb) or DKMS tree for $k (build/deb-test): run tools/deb-test first" \
		>/var/tmp/pl-setup.skip
fi
