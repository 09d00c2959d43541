/* SPDX-License-Identifier: BSD-3-Clause
 * Unit tests for lib/pci: address parsing, the sysfs scan against a fake
 * tree (SL_SYSFS_ROOT), device selection and its messages, the EAL hook's
 * failures, the UIO backend against fake sysfs files (resourceN and config
 * are plain files here, /dev/uioN too), and the IOVA allocator as pure
 * functions. VFIO itself needs a guest with an IOMMU: test/vm covers it. */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sl_eal.h"
#include "sl_pci.h"
#include "pci_private.h"
#include "sl_test.h"

/* ---- a driver for the selection tests ---------------------------------- */

static int fake_probed;
static int fake_probe(struct sl_pci_device *dev)
{
	(void)dev;
	fake_probed++;
	return 0;
}

/* what the command register said when the bus called quiesce */
static int fake_quiesced;
static uint16_t fake_quiesce_command;
static void fake_quiesce(struct sl_pci_device *dev)
{
	fake_quiesced++;
	ck_assert_int_eq(sl_pci_config_read(dev, &fake_quiesce_command, 2, SL_PCI_COMMAND), 2);
}

static const struct sl_pci_id fake_ids[] = {
	{ 0x8086, 0x100e },
	{ 0x8086, 0x100f },
	{ 0, 0 },
};
static struct sl_pci_driver fake_drv = {
	.name = "net_fake",
	.id_table = fake_ids,
	.probe = fake_probe,
	.quiesce = fake_quiesce,
};
SL_PCI_REGISTER(fake_drv)

/* ---- fake sysfs ------------------------------------------------------------ */

static char fake_root[PATH_MAX];

/* snprintf that fails the test instead of truncating a path */
static void __attribute__((format(printf, 3, 4))) fmt(char *buf, size_t size, const char *f, ...)
{
	va_list ap;
	int n;

	va_start(ap, f);
	n = vsnprintf(buf, size, f, ap);
	va_end(ap);
	ck_assert_msg(n >= 0 && (size_t)n < size, "path too long: %s", buf);
}

static void write_file(const char *dir, const char *name, const char *text)
{
	char path[PATH_MAX * 2];
	FILE *f;

	fmt(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	ck_assert_msg(f != NULL, "cannot create %s", path);
	fputs(text, f);
	fclose(f);
}

/* Adds a device as the kernel shows it: hex ids with 0x and a newline,
 * numa_node, and driver/iommu_group symlinks to elsewhere in sysfs. */
static void fake_device(const char *bdf, const char *vendor, const char *device,
			const char *numa, const char *kdrv, int group)
{
	char dir[PATH_MAX * 2], link[PATH_MAX * 3], target[PATH_MAX];

	fmt(dir, sizeof(dir), "%s/bus/pci/devices/%s", fake_root, bdf);
	ck_assert_int_eq(mkdir(dir, 0755), 0);
	write_file(dir, "vendor", vendor);
	write_file(dir, "device", device);
	write_file(dir, "subsystem_vendor", "0x1af4\n");
	write_file(dir, "subsystem_device", "0x1100\n");
	write_file(dir, "class", "0x020000\n");
	write_file(dir, "numa_node", numa);
	if (kdrv != NULL) {
		fmt(target, sizeof(target), "../../../../bus/pci/drivers/%s", kdrv);
		fmt(link, sizeof(link), "%s/driver", dir);
		ck_assert_int_eq(symlink(target, link), 0);
	}
	if (group >= 0) {
		fmt(target, sizeof(target), "../../../../kernel/iommu_groups/%d", group);
		fmt(link, sizeof(link), "%s/iommu_group", dir);
		ck_assert_int_eq(symlink(target, link), 0);
	}
}

static void fake_sysfs_create(void)
{
	char dir[PATH_MAX * 2];

	fmt(fake_root, sizeof(fake_root), "/tmp/sl_test_pci.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(fake_root));
	fmt(dir, sizeof(dir), "%s/bus", fake_root);
	mkdir(dir, 0755);
	fmt(dir, sizeof(dir), "%s/bus/pci", fake_root);
	mkdir(dir, 0755);
	fmt(dir, sizeof(dir), "%s/bus/pci/devices", fake_root);
	ck_assert_int_eq(mkdir(dir, 0755), 0);
	fmt(dir, sizeof(dir), "%s/class", fake_root);
	mkdir(dir, 0755);
	fmt(dir, sizeof(dir), "%s/class/iommu", fake_root);
	mkdir(dir, 0755);
	setenv("SL_SYSFS_ROOT", fake_root, 1);
}

static void fake_sysfs_remove(void)
{
	char cmd[PATH_MAX + 16];

	if (fake_root[0] == '\0')
		return;
	fmt(cmd, sizeof(cmd), "rm -rf '%s'", fake_root);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", fake_root);
	fake_root[0] = '\0';
	unsetenv("SL_SYSFS_ROOT");
}

/* The standard tree: an e1000 on the kernel driver, one on vfio-pci, a
 * virtio device nobody here drives, an unbound 82545EM, a device on
 * another domain and NUMA node, and a directory entry that is no address. */
static void fake_sysfs_standard(void)
{
	char dir[PATH_MAX * 2];

	fake_sysfs_create();
	fake_device("0000:00:03.0", "0x8086\n", "0x100e\n", "-1\n", "e1000", 3);
	fake_device("0000:00:04.0", "0x8086\n", "0x100e\n", "0\n", "vfio-pci", 4);
	fake_device("0000:00:05.0", "0x1af4\n", "0x1041\n", "0\n", "vfio-pci", 5);
	fake_device("0000:00:06.0", "0x8086\n", "0x100f\n", "0\n", NULL, 6);
	fake_device("0001:80:00.1", "0x8086\n", "0x1008\n", "1\n", "e1000", -1);
	fmt(dir, sizeof(dir), "%s/bus/pci/devices/not-a-device", fake_root);
	mkdir(dir, 0755);
}

static struct sl_pci_device *find(const char *bdf)
{
	struct sl_pci_addr a;

	ck_assert_int_eq(sl_pci_addr_parse(bdf, &a), 0);
	return sl_pci_device_find(&a);
}

/* ---- addresses ---------------------------------------------------------------- */

START_TEST(addr_parse_forms)
{
	struct sl_pci_addr a, b;
	char buf[SL_PCI_ADDR_STRLEN];

	ck_assert_int_eq(sl_pci_addr_parse("0000:00:03.0", &a), 0);
	ck_assert_uint_eq(a.domain, 0);
	ck_assert_uint_eq(a.bus, 0);
	ck_assert_uint_eq(a.devid, 3);
	ck_assert_uint_eq(a.function, 0);

	/* short form: domain 0 */
	ck_assert_int_eq(sl_pci_addr_parse("00:03.0", &b), 0);
	ck_assert_int_eq(sl_pci_addr_cmp(&a, &b), 0);

	ck_assert_int_eq(sl_pci_addr_parse("0001:Af:1F.7", &a), 0);
	ck_assert_uint_eq(a.domain, 1);
	ck_assert_uint_eq(a.bus, 0xaf);
	ck_assert_uint_eq(a.devid, 0x1f);
	ck_assert_uint_eq(a.function, 7);
	sl_pci_addr_format(&a, buf, sizeof(buf));
	ck_assert_str_eq(buf, "0001:af:1f.7");
	ck_assert_int_gt(sl_pci_addr_cmp(&a, &b), 0);
	ck_assert_int_lt(sl_pci_addr_cmp(&b, &a), 0);
}
END_TEST

START_TEST(addr_parse_rejects)
{
	static const char *bad[] = {
		"", "00:03", "00:03.", "0000:00:03.8", "0000:00:20.0", "0000:100:03.0",
		"0000:00:03.0x", "zz:03.0", "00-03.0", "0000:00:03:0", ":00:03.0",
		"00:03.0 ", "12345678901:00:03.0",
	};
	struct sl_pci_addr a;
	unsigned i;

	for (i = 0; i < SL_DIM(bad); i++)
		ck_assert_msg(sl_pci_addr_parse(bad[i], &a) == -EINVAL, "'%s' was accepted", bad[i]);
	ck_assert_int_eq(sl_pci_addr_parse(NULL, &a), -EINVAL);
}
END_TEST

/* ---- scan ----------------------------------------------------------------------- */

START_TEST(scan_fake_tree)
{
	struct sl_pci_device *d;
	const char *order[] = { "0000:00:03.0", "0000:00:04.0", "0000:00:05.0", "0000:00:06.0",
				"0001:80:00.1" };
	unsigned i = 0;

	fake_sysfs_standard();
	ck_assert_int_eq(sl_pci_scan(), 5);
	SL_PCI_FOREACH_DEVICE(d) {
		ck_assert_uint_lt(i, SL_DIM(order));
		ck_assert_str_eq(d->name, order[i]);
		ck_assert_ptr_nonnull(d->priv);
		ck_assert(!sl_pci_device_is_open(d));
		ck_assert_ptr_null(d->mem_resource[0].addr);
		i++;
	}
	ck_assert_uint_eq(i, 5);

	d = find("00:03.0");
	ck_assert_ptr_nonnull(d);
	ck_assert_uint_eq(d->id.vendor, 0x8086);
	ck_assert_uint_eq(d->id.device, 0x100e);
	ck_assert_uint_eq(d->subsystem_id.vendor, 0x1af4);
	ck_assert_uint_eq(d->subsystem_id.device, 0x1100);
	ck_assert_uint_eq(d->class_id, 0x020000);
	ck_assert_int_eq(d->numa_node, SL_SOCKET_ID_ANY);
	ck_assert_str_eq(d->kdrv, "e1000");
	ck_assert_int_eq(d->priv->iommu_group, 3);

	d = find("0000:00:06.0");
	ck_assert_str_eq(d->kdrv, "");
	ck_assert_int_eq(d->numa_node, 0);

	d = find("0001:80:00.1");
	ck_assert_uint_eq(d->id.device, 0x1008);
	ck_assert_int_eq(d->numa_node, 1);
	ck_assert_int_eq(d->priv->iommu_group, -1);

	/* A rescan sees a device that appeared and one that left. */
	fake_device("0000:00:02.0", "0x1234\n", "0x1111\n", "0\n", "bochs-drm", 2);
	{
		char cmd[PATH_MAX + 64];

		fmt(cmd, sizeof(cmd), "rm -rf '%s/bus/pci/devices/0000:00:05.0'", fake_root);
		ck_assert_int_eq(system(cmd), 0);
	}
	ck_assert_int_eq(sl_pci_scan(), 5);
	ck_assert_str_eq(sl_pci_device_next(NULL)->name, "0000:00:02.0");
	ck_assert_ptr_null(find("00:05.0"));
	fake_sysfs_remove();
}
END_TEST

START_TEST(scan_missing_root)
{
	setenv("SL_SYSFS_ROOT", "/nonexistent/sl_test_pci", 1);
	ck_assert_int_eq(sl_pci_scan(), -ENOENT);
	ck_assert_ptr_null(sl_pci_device_next(NULL));
	unsetenv("SL_SYSFS_ROOT");
	ck_assert_str_eq(sl_pci_sysfs_root(), "/sys");
}
END_TEST

/* ---- selection and messages ----------------------------------------------------- */

START_TEST(match_driver_ids)
{
	struct sl_pci_id e1000 = { 0x8086, 0x100f }, other = { 0x8086, 0x10d3 };

	ck_assert_ptr_eq(sl_pci_match_driver(&e1000), &fake_drv);
	ck_assert_ptr_null(sl_pci_match_driver(&other));
}
END_TEST

START_TEST(decide_without_allow_list)
{
	const struct sl_pci_driver *drv;
	char msg[512];

	fake_sysfs_standard();
	ck_assert_int_eq(sl_pci_scan(), 5);

	/* on vfio-pci and ours: open */
	ck_assert_int_eq(sl_pci_decide(find("00:04.0"), NULL, 0, &drv, msg, sizeof(msg)),
			 SL_PCI_ACTION_OPEN);
	ck_assert_ptr_eq(drv, &fake_drv);
	ck_assert_str_eq(msg, "");

	/* on the kernel driver, not asked for: skipped with a notice */
	ck_assert_int_eq(sl_pci_decide(find("00:03.0"), NULL, 0, &drv, msg, sizeof(msg)),
			 SL_PCI_ACTION_SKIP);
	ck_assert_str_eq(msg, "0000:00:03.0 (8086:100e, net_fake) skipped: bound to e1000, not "
			      "vfio-pci (usertools/sl-devbind --bind vfio-pci 0000:00:03.0 to use it, "
			      "or uio_pci_generic without an IOMMU)");

	/* unbound: skipped, saying so */
	ck_assert_int_eq(sl_pci_decide(find("00:06.0"), NULL, 0, &drv, msg, sizeof(msg)),
			 SL_PCI_ACTION_SKIP);
	ck_assert_ptr_nonnull(strstr(msg, "not bound to any driver"));

	/* nobody's device: skipped silently */
	ck_assert_int_eq(sl_pci_decide(find("00:05.0"), NULL, 0, &drv, msg, sizeof(msg)),
			 SL_PCI_ACTION_SKIP);
	ck_assert_ptr_null(drv);
	ck_assert_str_eq(msg, "");
	fake_sysfs_remove();
}
END_TEST

START_TEST(decide_with_allow_list)
{
	const struct sl_pci_driver *drv;
	struct sl_pci_addr allow[2];
	char msg[512];

	fake_sysfs_standard();
	ck_assert_int_eq(sl_pci_scan(), 5);
	ck_assert_int_eq(sl_pci_addr_parse("00:03.0", &allow[0]), 0);
	ck_assert_int_eq(sl_pci_addr_parse("0000:00:05.0", &allow[1]), 0);

	/* asked for but on the kernel driver: the documented error */
	ck_assert_int_eq(sl_pci_decide(find("00:03.0"), allow, 2, &drv, msg, sizeof(msg)),
			 SL_PCI_ACTION_FAIL);
	ck_assert_str_eq(msg, "0000:00:03.0 is bound to e1000 (kernel driver), not vfio-pci: run "
			      "usertools/sl-devbind --bind vfio-pci 0000:00:03.0 (without an IOMMU: "
			      "--bind uio_pci_generic 0000:00:03.0 and --iova-mode pa)");

	/* on vfio-pci, but not in the allow list: skipped silently */
	ck_assert_int_eq(sl_pci_decide(find("00:04.0"), allow, 2, &drv, msg, sizeof(msg)),
			 SL_PCI_ACTION_SKIP);
	ck_assert_str_eq(msg, "");

	/* asked for, but no driver for its id */
	ck_assert_int_eq(sl_pci_decide(find("00:05.0"), allow, 2, &drv, msg, sizeof(msg)),
			 SL_PCI_ACTION_FAIL);
	ck_assert_ptr_nonnull(strstr(msg, "0000:00:05.0 (1af4:1041) was given with -a but no driver"));

	/* asked for and unbound */
	ck_assert_int_eq(sl_pci_addr_parse("00:06.0", &allow[0]), 0);
	ck_assert_int_eq(sl_pci_decide(find("00:06.0"), allow, 1, &drv, msg, sizeof(msg)),
			 SL_PCI_ACTION_FAIL);
	ck_assert_str_eq(msg, "0000:00:06.0 is not bound to any driver, not vfio-pci: run "
			      "usertools/sl-devbind --bind vfio-pci 0000:00:06.0 (without an IOMMU: "
			      "--bind uio_pci_generic 0000:00:06.0 and --iova-mode pa)");
	fake_sysfs_remove();
}
END_TEST

/* ---- the EAL hook, through sl_eal_init --------------------------------------- */

/* sl_eal_init on --no-huge -l 0 plus the NULL-ended args (up to 7), its
 * log captured. */
static int eal_init_captured(const char *const *args)
{
	char *argv[12];
	int argc = 0, ret;

	argv[argc++] = (char *)"test_pci";
	argv[argc++] = (char *)"--no-huge";
	argv[argc++] = (char *)"-l";
	argv[argc++] = (char *)"0";
	for (; *args != NULL && argc < (int)SL_DIM(argv) - 1; args++)
		argv[argc++] = (char *)*args;
	argv[argc] = NULL;
	sl_test_capture_begin(false);
	ret = sl_eal_init(argc, argv);
	sl_test_capture_end();
	return ret;
}

/* A tree without vfio-pci devices our driver matches, so nothing needs
 * /dev/vfio on the build machine. */
static void fake_sysfs_no_vfio(void)
{
	fake_sysfs_create();
	fake_device("0000:00:03.0", "0x8086\n", "0x100e\n", "0\n", "e1000", 3);
	fake_device("0000:00:05.0", "0x1af4\n", "0x1041\n", "0\n", "vfio-pci", 5);
}

START_TEST(eal_allowed_device_on_kernel_driver_fails)
{
	int ret;

	fake_sysfs_no_vfio();
	ret = eal_init_captured((const char *[]){ "-a", "00:03.0", NULL });
	ck_assert_int_lt(ret, 0);
	ck_assert_msg(strstr(sl_test_captured, "0000:00:03.0 is bound to e1000 (kernel driver), not "
				       "vfio-pci: run usertools/sl-devbind --bind vfio-pci "
				       "0000:00:03.0") != NULL,
		      "message missing from: %s", sl_test_captured);
	ck_assert_int_eq(fake_probed, 0);
	fake_sysfs_remove();
}
END_TEST

START_TEST(eal_skips_kernel_bound_device)
{
	int ret;

	fake_sysfs_no_vfio();
	ret = eal_init_captured((const char *[]){ "--log-level", "notice", NULL });
	ck_assert_msg(ret >= 0, "sl_eal_init failed: %s", sl_test_captured);
	ck_assert_ptr_nonnull(strstr(sl_test_captured, "0000:00:03.0 (8086:100e, net_fake) skipped"));
	ck_assert_int_eq(fake_probed, 0);
	/* the scan is visible to the application */
	ck_assert_ptr_nonnull(find("00:05.0"));
	sl_eal_cleanup();
	ck_assert_ptr_null(sl_pci_device_next(NULL));
	fake_sysfs_remove();
}
END_TEST

START_TEST(eal_allowed_device_missing)
{
	int ret;

	fake_sysfs_no_vfio();
	ret = eal_init_captured((const char *[]){ "-a", "0000:00:09.0", NULL });
	ck_assert_int_eq(ret, -ENODEV);
	ck_assert_ptr_nonnull(strstr(sl_test_captured, "-a 0000:00:09.0: no such PCI device"));
	fake_sysfs_remove();
}
END_TEST

START_TEST(eal_no_pci_skips_scan)
{
	int ret;

	/* a root that does not exist: with --no-pci it is never read */
	setenv("SL_SYSFS_ROOT", "/nonexistent/sl_test_pci", 1);
	ret = eal_init_captured((const char *[]){ "--no-pci", NULL });
	ck_assert_msg(ret >= 0, "sl_eal_init failed: %s", sl_test_captured);
	ck_assert_ptr_null(sl_pci_device_next(NULL));
	sl_eal_cleanup();
	unsetenv("SL_SYSFS_ROOT");
}
END_TEST

START_TEST(eal_vfio_missing_message)
{
	int ret;

	if (access("/dev/vfio/vfio", F_OK) == 0) {
		fprintf(stderr, "this machine has /dev/vfio/vfio: missing-VFIO message not tested\n");
		return;
	}
	fake_sysfs_create();
	fake_device("0000:00:04.0", "0x8086\n", "0x100e\n", "0\n", "vfio-pci", 4);
	ret = eal_init_captured((const char *[]){ NULL });
	ck_assert_int_eq(ret, -ENOENT);
	/* fake class/iommu is empty: the message points at the kernel command line */
	ck_assert_msg(strstr(sl_test_captured, "/dev/vfio/vfio is missing and no IOMMU is active") != NULL &&
			      strstr(sl_test_captured, "intel_iommu=on") != NULL,
		      "message missing from: %s", sl_test_captured);
	ck_assert_int_eq(fake_probed, 0);
	fake_sysfs_remove();
}
END_TEST

/* ---- the UIO backend, on fake sysfs files ------------------------------------ */

#define UIO_BDF "0000:00:07.0"
#define UIO_BAR0_LEN (128 * 1024)
#define UIO_BAR1_LEN 64
#define UIO_CMD_LEFT_ON 0x0007	/* a killed owner's: I/O, memory, bus master */

static void write_bytes(const char *path, const void *buf, size_t len, off_t off)
{
	int fd = open(path, O_RDWR | O_CREAT, 0600);

	ck_assert_msg(fd >= 0, "cannot create %s", path);
	ck_assert_int_eq(pwrite(fd, buf, len, off), (ssize_t)len);
	close(fd);
}

static void read_bytes(const char *file, void *buf, size_t len, off_t off)
{
	char path[PATH_MAX * 2];
	int fd;

	fmt(path, sizeof(path), "%s/bus/pci/devices/" UIO_BDF "/%s", fake_root, file);
	fd = open(path, O_RDONLY);
	ck_assert_msg(fd >= 0, "cannot open %s", path);
	ck_assert_int_eq(pread(fd, buf, len, off), (ssize_t)len);
	close(fd);
}

static uint16_t uio_command(void)
{
	uint16_t cmd;

	read_bytes("config", &cmd, sizeof(cmd), SL_PCI_COMMAND);
	return cmd;
}

/* An 82540EM on uio_pci_generic as the kernel shows it: uio/uio0, the
 * "resource" table (BAR0 memory, BAR1 I/O ports), resourceN files of the
 * BAR sizes, a 256-byte config space with bus mastering left on, a reset
 * file, and /dev/uio0 (SL_DEVFS_ROOT). with_uio 0 leaves out uio/. */
static void fake_sysfs_uio(int with_uio)
{
	char dir[PATH_MAX * 2], path[PATH_MAX * 3];
	uint8_t config[256] = { 0 };
	const uint32_t bar1 = 0xc001;
	const uint16_t cmd = UIO_CMD_LEFT_ON;

	fake_sysfs_create();
	fake_device(UIO_BDF, "0x8086\n", "0x100e\n", "0\n", "uio_pci_generic", -1);
	fmt(dir, sizeof(dir), "%s/bus/pci/devices/" UIO_BDF, fake_root);
	if (with_uio) {
		fmt(path, sizeof(path), "%s/uio", dir);
		ck_assert_int_eq(mkdir(path, 0755), 0);
		fmt(path, sizeof(path), "%s/uio/uio0", dir);
		ck_assert_int_eq(mkdir(path, 0755), 0);
	}
	write_file(dir, "resource",
		   "0x00000000febc0000 0x00000000febdffff 0x0000000000040200\n"
		   "0x000000000000c000 0x000000000000c03f 0x0000000000040101\n"
		   "0x0000000000000000 0x0000000000000000 0x0000000000000000\n"
		   "0x0000000000000000 0x0000000000000000 0x0000000000000000\n"
		   "0x0000000000000000 0x0000000000000000 0x0000000000000000\n"
		   "0x0000000000000000 0x0000000000000000 0x0000000000000000\n"
		   "0x0000000000000000 0x0000000000000000 0x0000000000000000\n");
	fmt(path, sizeof(path), "%s/resource0", dir);
	write_bytes(path, "", 1, UIO_BAR0_LEN - 1);
	fmt(path, sizeof(path), "%s/resource1", dir);
	write_bytes(path, "", 1, UIO_BAR1_LEN - 1);
	config[0] = 0x86, config[1] = 0x80, config[2] = 0x0e, config[3] = 0x10;
	memcpy(&config[SL_PCI_COMMAND], &cmd, sizeof(cmd));
	memcpy(&config[0x14], &bar1, sizeof(bar1));
	fmt(path, sizeof(path), "%s/config", dir);
	write_bytes(path, config, sizeof(config), 0);
	write_file(dir, "reset", "");
	fmt(path, sizeof(path), "%s/dev", fake_root);
	ck_assert_int_eq(mkdir(path, 0755), 0);
	write_file(path, "uio0", "");
	setenv("SL_DEVFS_ROOT", path, 1);
}

static void fake_sysfs_uio_remove(void)
{
	unsetenv("SL_DEVFS_ROOT");
	fake_sysfs_remove();
}

START_TEST(uio_backend_follows_driver)
{
	const struct sl_pci_driver *drv;
	char msg[512];

	ck_assert_ptr_eq(sl_pci_backend_for("vfio-pci"), &sl_pci_vfio_backend);
	ck_assert_ptr_eq(sl_pci_backend_for("uio_pci_generic"), &sl_pci_uio_backend);
	ck_assert_ptr_null(sl_pci_backend_for("e1000"));
	ck_assert_ptr_null(sl_pci_backend_for(""));

	fake_sysfs_uio(1);
	ck_assert_int_eq(sl_pci_scan(), 1);
	ck_assert_int_eq(sl_pci_decide(find(UIO_BDF), NULL, 0, &drv, msg, sizeof(msg)),
			 SL_PCI_ACTION_OPEN);
	ck_assert_ptr_eq(drv, &fake_drv);
	ck_assert_str_eq(msg, "");
	fake_sysfs_uio_remove();
}
END_TEST

START_TEST(uio_open_maps_bars_and_config)
{
	struct sl_pci_device *dev;
	struct sl_pci_ioport io;
	uint32_t v = 0, mark = 0x5a5aa5a5;
	uint16_t vendor = 0;
	char reset[4] = "";

	fake_sysfs_uio(1);
	ck_assert_int_eq(sl_pci_scan(), 1);
	dev = find(UIO_BDF);
	ck_assert_int_eq(sl_pci_device_open(dev), 0);
	ck_assert(sl_pci_device_is_open(dev));
	ck_assert_ptr_eq(dev->priv->backend, &sl_pci_uio_backend);
	ck_assert_int_eq(dev->priv->uio.uio_index, 0);
	ck_assert_int_ge(dev->priv->uio.uio_fd, 0);
	/* a reset went through sysfs */
	read_bytes("reset", reset, 1, 0);
	ck_assert_str_eq(reset, "1");

	/* BAR0 is the resource0 file, shared */
	ck_assert_ptr_nonnull(dev->mem_resource[0].addr);
	ck_assert_uint_eq(dev->mem_resource[0].len, UIO_BAR0_LEN);
	ck_assert_int_eq(sl_pci_map_bar(dev, 0), 0);
	sl_pci_write32(dev, 0, 0x100, 0xdeadbeef);
	read_bytes("resource0", &v, sizeof(v), 0x100);
	ck_assert_uint_eq(v, 0xdeadbeef);

	/* BAR1 is I/O ports: not mmapped, reached by pread/pwrite */
	ck_assert_ptr_null(dev->mem_resource[1].addr);
	ck_assert_int_eq(sl_pci_map_bar(dev, 1), -ENOTSUP);
	ck_assert_int_eq(sl_pci_map_bar(dev, 2), -ENOENT);
	ck_assert_int_eq(sl_pci_ioport_map(dev, 1, &io), 0);
	ck_assert_uint_eq(io.len, UIO_BAR1_LEN);
	ck_assert_int_eq(sl_pci_ioport_write(&io, &mark, 4, 8), 0);
	read_bytes("resource1", &v, sizeof(v), 8);
	ck_assert_uint_eq(v, mark);
	ck_assert_int_eq(sl_pci_ioport_read(&io, &v, 4, 60), 0);
	ck_assert_int_lt(sl_pci_ioport_read(&io, &v, 4, 62), 0);
	ck_assert_int_eq(sl_pci_ioport_map(dev, 0, &io), -EINVAL);

	/* config space is the config file */
	ck_assert_int_eq(sl_pci_config_read(dev, &vendor, 2, 0), 2);
	ck_assert_uint_eq(vendor, 0x8086);
	ck_assert_int_eq(sl_pci_config_write(dev, &mark, 4, 0x40), 4);
	read_bytes("config", &v, sizeof(v), 0x40);
	ck_assert_uint_eq(v, mark);
	ck_assert_int_eq(sl_pci_config_read(dev, &v, 4, 254), -EINVAL);

	/* open left memory decoding on and the previous owner's bus
	 * mastering off */
	ck_assert_uint_eq(uio_command(), UIO_CMD_LEFT_ON & ~SL_PCI_COMMAND_MASTER);
	sl_pci_device_close(dev);
	ck_assert(!sl_pci_device_is_open(dev));
	ck_assert_ptr_null(dev->mem_resource[0].addr);
	ck_assert_int_eq(dev->priv->uio.uio_fd, -1);
	ck_assert_int_eq(sl_pci_config_read(dev, &vendor, 2, 0), -ENODEV);
	fake_sysfs_uio_remove();
}
END_TEST

START_TEST(uio_close_clears_bus_master)
{
	struct sl_pci_device *dev;

	fake_sysfs_uio(1);
	ck_assert_int_eq(sl_pci_scan(), 1);
	dev = find(UIO_BDF);
	ck_assert_int_eq(sl_pci_device_open(dev), 0);
	ck_assert_int_eq(sl_pci_set_bus_master(dev, 1), 0);
	ck_assert_uint_eq(uio_command() & SL_PCI_COMMAND_MASTER, SL_PCI_COMMAND_MASTER);
	sl_pci_device_close(dev);
	ck_assert_uint_eq(uio_command() & SL_PCI_COMMAND_MASTER, 0);
	ck_assert_uint_eq(uio_command() & SL_PCI_COMMAND_MEMORY, SL_PCI_COMMAND_MEMORY);
	fake_sysfs_uio_remove();
}
END_TEST

START_TEST(uio_without_uio_device_refused)
{
	struct sl_pci_device *dev;
	int ret;

	fake_sysfs_uio(0);
	ck_assert_int_eq(sl_pci_scan(), 1);
	dev = find(UIO_BDF);
	sl_test_capture_begin(false);
	ret = sl_pci_device_open(dev);
	sl_test_capture_end();
	ck_assert_int_eq(ret, -ENODEV);
	ck_assert_msg(strstr(sl_test_captured, UIO_BDF " is bound to uio_pci_generic but has no UIO "
					       "device") != NULL &&
			      strstr(sl_test_captured, "sl-devbind --bind uio_pci_generic " UIO_BDF) != NULL,
		      "message missing from: %s", sl_test_captured);
	ck_assert(!sl_pci_device_is_open(dev));
	/* nothing touched the device */
	ck_assert_uint_eq(uio_command(), UIO_CMD_LEFT_ON);
	fake_sysfs_uio_remove();
}
END_TEST

/* The UIO device behind an IOMMU (group 7 of the given domain type): only
 * an identity domain lets its physical-address DMA through. _i == 0: DMA
 * (refused, device untouched), 1: identity (opens). */
START_TEST(uio_behind_iommu_needs_identity_domain)
{
	char dir[PATH_MAX * 2], link[PATH_MAX * 3];
	struct sl_pci_device *dev;
	int ret;

	fake_sysfs_uio(1);
	fmt(dir, sizeof(dir), "%s/kernel", fake_root);
	ck_assert_int_eq(mkdir(dir, 0755), 0);
	fmt(dir, sizeof(dir), "%s/kernel/iommu_groups", fake_root);
	ck_assert_int_eq(mkdir(dir, 0755), 0);
	fmt(dir, sizeof(dir), "%s/kernel/iommu_groups/7", fake_root);
	ck_assert_int_eq(mkdir(dir, 0755), 0);
	write_file(dir, "type", _i == 0 ? "DMA\n" : "identity\n");
	fmt(link, sizeof(link), "%s/bus/pci/devices/" UIO_BDF "/iommu_group", fake_root);
	ck_assert_int_eq(symlink("../../../../kernel/iommu_groups/7", link), 0);
	ck_assert_int_eq(sl_pci_scan(), 1);
	dev = find(UIO_BDF);
	sl_test_capture_begin(false);
	ret = sl_pci_device_open(dev);
	sl_test_capture_end();
	if (_i == 1) {
		ck_assert_int_eq(ret, 0);
		sl_pci_device_close(dev);
	} else {
		ck_assert_int_eq(ret, -EPERM);
		ck_assert_msg(strstr(sl_test_captured, UIO_BDF " is on uio_pci_generic but its IOMMU "
						       "group 7 translates DMA (type DMA)") != NULL &&
				      strstr(sl_test_captured, "--bind vfio-pci " UIO_BDF) != NULL &&
				      strstr(sl_test_captured, "iommu=pt") != NULL,
			      "message missing from: %s", sl_test_captured);
		ck_assert(!sl_pci_device_is_open(dev));
		ck_assert_uint_eq(uio_command(), UIO_CMD_LEFT_ON);
	}
	fake_sysfs_uio_remove();
}
END_TEST

START_TEST(uio_needs_pa_mode)
{
	int ret;

	fake_sysfs_uio(1);
	ret = eal_init_captured((const char *[]){ "-a", UIO_BDF, "--iova-mode", "va", NULL });
	ck_assert_int_lt(ret, 0);
	ck_assert_msg(strstr(sl_test_captured, UIO_BDF " is on uio_pci_generic (no IOMMU): its DMA "
					       "addresses are physical, but --iova-mode va was "
					       "given: drop it") != NULL,
		      "message missing from: %s", sl_test_captured);
	ck_assert_int_eq(fake_probed, 0);
	ck_assert_int_eq(fake_quiesced, 0);
	ck_assert_uint_eq(uio_command(), UIO_CMD_LEFT_ON);
	fake_sysfs_uio_remove();
}
END_TEST

START_TEST(uio_refuses_no_huge)
{
	int ret;

	fake_sysfs_uio(1);
	/* _i == 0: --iova-mode pa given; 1: auto, which must choose pa */
	ret = _i == 0 ? eal_init_captured((const char *[]){ "--iova-mode", "pa", NULL })
		      : eal_init_captured((const char *[]){ NULL });
	if (ret < 0 && strstr(sl_test_captured, "uio_pci_generic") == NULL) {
		fprintf(stderr, "no physical addresses here (not root?): --no-huge refusal not "
				"tested (%s)\n", sl_test_captured);
		fake_sysfs_uio_remove();
		return;
	}
	ck_assert_int_lt(ret, 0);
	ck_assert_msg(strstr(sl_test_captured, UIO_BDF " is on uio_pci_generic (no IOMMU): --no-huge "
					       "memory can be moved by the kernel") != NULL,
		      "message missing from: %s", sl_test_captured);
	ck_assert_int_eq(fake_probed, 0);
	ck_assert_uint_eq(uio_command(), UIO_CMD_LEFT_ON);
	fake_sysfs_uio_remove();
}
END_TEST

/* The whole path on hugepages: open, quiesce with mastering off, probe
 * with it on, and sl_eal_cleanup turning it off. */
START_TEST(uio_probe_and_cleanup)
{
	/* no --iova-mode: auto must choose pa for the device without an IOMMU */
	char *argv[] = { (char *)"test_pci", (char *)"-l", (char *)"0", (char *)"-m", (char *)"8",
			 NULL };
	int ret;

	fake_sysfs_uio(1);
	sl_test_capture_begin(false);
	ret = sl_eal_init((int)SL_DIM(argv) - 1, argv);
	sl_test_capture_end();
	if (ret < 0 && strstr(sl_test_captured, "uio") == NULL) {
		fprintf(stderr, "no hugepages or physical addresses here: UIO probe not tested (%s)\n",
			sl_test_captured);
		fake_sysfs_uio_remove();
		return;
	}
	ck_assert_msg(ret >= 0, "sl_eal_init failed: %s", sl_test_captured);
	ck_assert_int_eq(sl_eal_iova_mode(), SL_IOVA_MODE_PA);
	ck_assert_msg(strstr(sl_test_captured, "IOVA mode pa: " UIO_BDF " on uio_pci_generic has "
					       "no IOMMU, so devices get physical addresses") != NULL &&
			      strstr(strstr(sl_test_captured, "IOVA mode pa:") + 1,
				     "IOVA mode pa:") == NULL,
		      "one auto-pa warning expected in: %s", sl_test_captured);
	ck_assert_int_eq(fake_quiesced, 1);
	ck_assert_uint_eq(fake_quiesce_command & SL_PCI_COMMAND_MASTER, 0);
	ck_assert_int_eq(fake_probed, 1);
	ck_assert_uint_eq(uio_command() & SL_PCI_COMMAND_MASTER, SL_PCI_COMMAND_MASTER);
	sl_eal_cleanup();
	ck_assert_uint_eq(uio_command() & SL_PCI_COMMAND_MASTER, 0);
	fake_sysfs_uio_remove();
}
END_TEST

/* ---- IOVA allocator ----------------------------------------------------------------- */

#define MiB (UINT64_C(1) << 20)

/* QEMU intel-iommu, 39 bits, minus the MSI window */
static const struct sl_pci_iova_range q35_ranges[] = {
	{ 0xfef00000, (UINT64_C(1) << 39) - 1 },
	{ 0, 0xfedfffff },
};

START_TEST(iova_init_sorts_clips_merges)
{
	struct sl_pci_iova_space s;
	const struct sl_pci_iova_range overlapping[] = {
		{ 8 * MiB, 12 * MiB - 1 }, { 0, 4 * MiB - 1 }, { 10 * MiB, 16 * MiB - 1 },
		{ 16 * MiB, 20 * MiB - 1 }, { 0x1234, 0x1fff },
	};
	const struct sl_pci_iova_range below_floor[] = { { 0, MiB - 1 } };

	ck_assert_int_eq(sl_pci_iova_space_init(&s, q35_ranges, 2, SL_PCI_IOVA_FLOOR), 2);
	ck_assert_uint_eq(s.range[0].start, MiB);
	ck_assert_uint_eq(s.range[0].end, 0xfedfffff);
	ck_assert_uint_eq(s.range[1].start, 0xfef00000);
	ck_assert_uint_eq(sl_pci_iova_space_avail(&s),
			  (0xfee00000 - MiB) + ((UINT64_C(1) << 39) - 0xfef00000));

	ck_assert_int_eq(sl_pci_iova_space_init(&s, overlapping, SL_DIM(overlapping), MiB), 2);
	ck_assert_uint_eq(s.range[0].start, MiB);
	ck_assert_uint_eq(s.range[0].end, 4 * MiB - 1);
	ck_assert_uint_eq(s.range[1].start, 8 * MiB);
	ck_assert_uint_eq(s.range[1].end, 20 * MiB - 1);

	ck_assert_int_eq(sl_pci_iova_space_init(&s, below_floor, 1, MiB), -EINVAL);
	ck_assert_int_eq(sl_pci_iova_space_init(&s, q35_ranges, 0, MiB), -EINVAL);
}
END_TEST

START_TEST(iova_alignment_and_floor)
{
	struct sl_pci_iova_space s;
	uint64_t a, b, c;

	ck_assert_int_eq(sl_pci_iova_space_init(&s, q35_ranges, 2, SL_PCI_IOVA_FLOOR), 2);
	/* a hugepage: 2 MiB aligned, never below the floor */
	a = sl_pci_iova_space_alloc(&s, 2 * MiB, 0);
	ck_assert_uint_eq(a, 2 * MiB);
	/* the alignment gap [1 MiB, 2 MiB) is used by small blocks */
	b = sl_pci_iova_space_alloc(&s, 100, 0);
	ck_assert_uint_eq(b, MiB);
	c = sl_pci_iova_space_alloc(&s, 4096, 4096);
	ck_assert_uint_eq(c, MiB + 4096);
	/* explicit big alignment */
	a = sl_pci_iova_space_alloc(&s, 4096, 1 << 30);
	ck_assert_uint_eq(a, UINT64_C(1) << 30);
	/* 2 MiB-or-more blocks are 2 MiB aligned even if asked for 4 KiB;
	 * this one reuses the gap [4 MiB, 1 GiB) the big alignment left */
	a = sl_pci_iova_space_alloc(&s, 6 * MiB + 1, 4096);
	ck_assert_uint_eq(a, 4 * MiB);
	a = sl_pci_iova_space_alloc(&s, 2 * MiB, 4096);
	ck_assert_uint_eq(a, 12 * MiB);
	/* invalid requests */
	ck_assert_uint_eq(sl_pci_iova_space_alloc(&s, 0, 0), SL_BAD_IOVA);
	ck_assert_uint_eq(sl_pci_iova_space_alloc(&s, 4096, 3 * 4096), SL_BAD_IOVA);
}
END_TEST

START_TEST(iova_never_in_holes)
{
	struct sl_pci_iova_space s;
	const struct sl_pci_iova_range r[] = { { 0, 8 * MiB - 1 }, { 16 * MiB, 32 * MiB - 1 } };
	uint64_t a;

	ck_assert_int_eq(sl_pci_iova_space_init(&s, r, 2, MiB), 2);
	ck_assert_uint_eq(sl_pci_iova_space_alloc(&s, 6 * MiB, 0), 2 * MiB);
	/* does not fit in what is left of the first range: next range, not
	 * across the reserved [8, 16) MiB */
	a = sl_pci_iova_space_alloc(&s, 4 * MiB, 0);
	ck_assert_uint_eq(a, 16 * MiB);
	ck_assert_uint_eq(sl_pci_iova_space_alloc(&s, 12 * MiB, 0), 20 * MiB);
	/* exhausted for big blocks, small ones still fit the 1-2 MiB gap */
	ck_assert_uint_eq(sl_pci_iova_space_alloc(&s, 2 * MiB, 0), SL_BAD_IOVA);
	ck_assert_uint_eq(sl_pci_iova_space_alloc(&s, MiB, 0), MiB);
	ck_assert_uint_eq(sl_pci_iova_space_alloc(&s, 4096, 0), SL_BAD_IOVA);
	ck_assert_uint_eq(sl_pci_iova_space_avail(&s), 0);

	/* a freed block is reused, the same size fits exactly */
	sl_pci_iova_space_free(&s, 16 * MiB, 4 * MiB);
	ck_assert_uint_eq(sl_pci_iova_space_avail(&s), 4 * MiB);
	ck_assert_uint_eq(sl_pci_iova_space_alloc(&s, 4 * MiB, 0), 16 * MiB);
	/* freeing the top of a range gives it back to the bump pointer */
	sl_pci_iova_space_free(&s, 20 * MiB, 12 * MiB);
	ck_assert_uint_eq(s.range[1].next, 20 * MiB);
	ck_assert_uint_eq(s.nb_holes, 0);
	/* ... and holes that then touch the top follow it */
	sl_pci_iova_space_free(&s, 2 * MiB, 6 * MiB);
	sl_pci_iova_space_free(&s, MiB, MiB);
	ck_assert_uint_eq(s.range[0].next, MiB);
	ck_assert_uint_eq(s.nb_holes, 0);
	ck_assert_uint_eq(sl_pci_iova_space_avail(&s), 7 * MiB + 12 * MiB);
}
END_TEST

struct live_block {
	uint64_t iova;
	uint64_t len;	/* as allocated: rounded to 4 KiB */
};

static int in_ranges(const struct sl_pci_iova_range *r, unsigned n, uint64_t a, uint64_t len)
{
	unsigned i;

	for (i = 0; i < n; i++)
		if (a >= r[i].start && a + len - 1 <= r[i].end)
			return 1;
	return 0;
}

START_TEST(iova_random_alloc_free_accounting)
{
	const struct sl_pci_iova_range r[] = {
		{ 0, 64 * MiB - 1 }, { 80 * MiB, 81 * MiB - 1 }, { 96 * MiB, 200 * MiB - 1 },
	};
	struct sl_pci_iova_space s;
	struct live_block live[64];
	unsigned nb_live = 0, i, j, iter;
	uint64_t total, used = 0;

	srand(12345);
	ck_assert_int_eq(sl_pci_iova_space_init(&s, r, SL_DIM(r), MiB), 3);
	total = sl_pci_iova_space_avail(&s);
	for (iter = 0; iter < 20000; iter++) {
		if (nb_live < SL_DIM(live) && (nb_live == 0 || rand() % 3 != 0)) {
			static const uint64_t sizes[] = { 4096, 12288, 65536, 2 * MiB, 4 * MiB + 4096 };
			uint64_t len = sizes[rand() % SL_DIM(sizes)];
			uint64_t align = (rand() % 4 == 0) ? 65536 : 0;
			uint64_t a = sl_pci_iova_space_alloc(&s, len, align);

			if (a == SL_BAD_IOVA)
				continue;
			ck_assert(in_ranges(r, SL_DIM(r), a, len));
			ck_assert_uint_ge(a, MiB);
			ck_assert_uint_eq(a % (len >= 2 * MiB ? 2 * MiB : align ? align : 4096), 0);
			for (j = 0; j < nb_live; j++)
				ck_assert_msg(a + len <= live[j].iova || live[j].iova + live[j].len <= a,
					      "overlap 0x%llx+0x%llx with 0x%llx+0x%llx",
					      (unsigned long long)a, (unsigned long long)len,
					      (unsigned long long)live[j].iova,
					      (unsigned long long)live[j].len);
			live[nb_live].iova = a;
			live[nb_live].len = len;
			nb_live++;
			used += len;
		} else {
			i = (unsigned)rand() % nb_live;
			sl_pci_iova_space_free(&s, live[i].iova, live[i].len);
			used -= live[i].len;
			live[i] = live[--nb_live];
		}
		/* Holes are separated by live blocks, so with at most 64 live
		 * the hole list never overflows and nothing is leaked. */
		ck_assert_uint_eq(sl_pci_iova_space_avail(&s) + used, total);
	}
	while (nb_live > 0) {
		sl_pci_iova_space_free(&s, live[nb_live - 1].iova, live[nb_live - 1].len);
		nb_live--;
	}
	ck_assert_uint_eq(sl_pci_iova_space_avail(&s), total);
	ck_assert_uint_eq(s.nb_holes, 0);
}
END_TEST

static Suite *pci_suite(void)
{
	Suite *s = suite_create("pci");
	TCase *tc;

	tc = tcase_create("addr");
	tcase_add_test(tc, addr_parse_forms);
	tcase_add_test(tc, addr_parse_rejects);
	suite_add_tcase(s, tc);

	tc = tcase_create("scan");
	tcase_add_test(tc, scan_fake_tree);
	tcase_add_test(tc, scan_missing_root);
	tcase_add_test(tc, match_driver_ids);
	tcase_add_test(tc, decide_without_allow_list);
	tcase_add_test(tc, decide_with_allow_list);
	suite_add_tcase(s, tc);

	tc = tcase_create("eal_hook");
	tcase_add_test(tc, eal_allowed_device_on_kernel_driver_fails);
	tcase_add_test(tc, eal_skips_kernel_bound_device);
	tcase_add_test(tc, eal_allowed_device_missing);
	tcase_add_test(tc, eal_no_pci_skips_scan);
	tcase_add_test(tc, eal_vfio_missing_message);
	suite_add_tcase(s, tc);

	tc = tcase_create("uio");
	tcase_add_test(tc, uio_backend_follows_driver);
	tcase_add_test(tc, uio_open_maps_bars_and_config);
	tcase_add_test(tc, uio_close_clears_bus_master);
	tcase_add_test(tc, uio_without_uio_device_refused);
	tcase_add_test(tc, uio_needs_pa_mode);
	tcase_add_loop_test(tc, uio_behind_iommu_needs_identity_domain, 0, 2);
	tcase_add_loop_test(tc, uio_refuses_no_huge, 0, 2);
	tcase_add_test(tc, uio_probe_and_cleanup);
	suite_add_tcase(s, tc);

	tc = tcase_create("iova");
	tcase_add_test(tc, iova_init_sorts_clips_merges);
	tcase_add_test(tc, iova_alignment_and_floor);
	tcase_add_test(tc, iova_never_in_holes);
	tcase_add_test(tc, iova_random_alloc_free_accounting);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(pci_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
