# SPDX-License-Identifier: GPL-2.0
#
# Sourced by pl-vm --setup in the guest's new root, before systemd starts
# (see service.sh): install both packages as the README says, apt install
# ./pl-dkms_*.deb ./pl-tools_*.deb, write /etc/pl/pl.conf and
# /etc/pl/sync.conf and enable pl.service, so that the boot applies them.
# pl-dkms's postinst has DKMS compile pl.ko for both kernels, which takes
# nine minutes under TCG: /etc/dkms/no-autoinstall, DKMS's own switch,
# skips that while apt runs. DKMS's tree then gets the modules DKMS built
# on the host from the same package (tools/deb-test: the compile is
# checked there), and dkms install puts this kernel's in place, as the
# postinst would have. Its depmod, which reads every module over 9p under
# TCG (two minutes), is left out: the index comes from depmod on the host
# over the same tree (tools/deb-test). Without the packages, leave a note
# for service.sh.

v=$(cat VERSION)
k=$(uname -r)
tree=build/deb-test/dkms
if [ -f "build/deb/pl-tools_${v}_amd64.deb" ] && [ -d "$tree/pl/$v/$k" ] &&
	[ -f "build/deb-test/depmod/$k/lib/modules/$k/modules.dep" ]; then
	mkdir -p /etc/dkms /var/lib/dkms &&
	touch /etc/dkms/no-autoinstall &&
	# man-db's switch: no index of every manual page over 9p either.
	rm -f /var/lib/man-db/auto-update &&
	apt install -y "./build/deb/pl-dkms_${v}_all.deb" \
		"./build/deb/pl-tools_${v}_amd64.deb" >/var/tmp/pl-setup.log 2>&1 &&
	rm /etc/dkms/no-autoinstall &&
	cp -a "$tree/pl" /var/lib/dkms/ &&
	ln -sfn "/usr/src/pl-$v" "/var/lib/dkms/pl/$v/source" &&
	dkms install --no-depmod -m pl -v "$v" -k "$k" \
		>>/var/tmp/pl-setup.log 2>&1 &&
	cp "build/deb-test/depmod/$k/lib/modules/$k"/modules.* "/lib/modules/$k/" &&
	cat >/etc/pl/pl.conf <<'CONF' &&
az add a id use1-az1
subnet add boot-a prefix 10.50.0.0/24 az a
service add web port 80 acceptance auto
backend add web 10.60.0.11 az a weight 1
backend add web 10.60.0.12 az a weight 1
endpoint add vpce-boot service web subnet boot-a ip 10.50.0.10
CONF
	# A fleet of one to join: an address for sync on a dummy link that
	# a unit of the test brings up before pl.service, and a key.
	printf '%s\n' '[Unit]' 'Before=pl.service' '[Service]' 'Type=oneshot' \
		'ExecStart=/sbin/ip link add pltest0 type dummy' \
		'ExecStart=/sbin/ip addr add 10.70.0.1/32 dev pltest0' \
		'ExecStart=/sbin/ip link set pltest0 up' \
		'[Install]' 'WantedBy=multi-user.target' \
		>/etc/systemd/system/pl-test-addr.service &&
	openssl rand -base64 32 >/etc/pl/sync.key &&
	chmod 600 /etc/pl/sync.key &&
	printf '%s\n' \
		'sync set node 1 local 10.70.0.1 key-file /etc/pl/sync.key' \
		'sync peer add 10.70.0.2' >/etc/pl/sync.conf &&
	systemctl enable pl-test-addr.service >>/var/tmp/pl-setup.log 2>&1 &&
	systemctl enable pl.service >>/var/tmp/pl-setup.log 2>&1 ||
		echo "the setup failed" >/var/tmp/pl-setup.failed
else
	echo "no packages (build/deb) or DKMS tree for $k (build/deb-test): run tools/deb-test first" \
		>/var/tmp/pl-setup.skip
fi
