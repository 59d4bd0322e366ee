/*
 * qcqmi-cuse: a /dev/qcqmiN character device served through CUSE (the kernel's character
 * devices in user space), so that the GobiNet transport's open/ioctl/poll/read/write are the
 * real system calls. The emulator's GobiNet driver (modemflash emulate --gobinet SOCK) is
 * reached through one stream, a virtio-serial port that QEMU joins to SOCK on the host (or a
 * unix socket): every open file, ioctl, write, read and input poll goes there as a request
 * naming its file (protocol in GobiNetBridge.java), one at a time, none of them held long. As
 * the vendor driver does, read blocks whatever O_NONBLOCK says: it waits for input.
 *
 *   qcqmi-cuse --name qcqmi0 --port /dev/virtio-ports/NAME|SOCK [-f]   (needs /dev/cuse)
 *
 * Built by the bench (bench/vbench/lib.sh) with: gcc -O2 -Wall -o qcqmi-cuse qcqmi-cuse.c
 * $(pkg-config --cflags --libs fuse3)
 */
#define FUSE_USE_VERSION 31
#include <cuse_lowlevel.h>
#include <fuse_opt.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

enum { OP_OPEN = 0, OP_IOCTL_VALUE = 1, OP_IOCTL_BUFFER = 2, OP_WRITE = 3, OP_POLL = 4, OP_READ = 5,
       OP_CLOSE = 6 };

/* ioctls of the GobiNet driver and how much user memory each fills (0: the argument is a value) */
static size_t ioctl_out_size(unsigned int cmd)
{
	switch (cmd) {
	case 0x8BE2: return 4;   /* VID:PID */
	case 0x8BE3: return 14;  /* MEID */
	case 0x8BF3: return 512; /* Sierra: CTL Get Version Info list */
	default: return 0;
	}
}

static int link_fd = -1;                                   /* the stream to the emulator */
static pthread_mutex_t link_lock = PTHREAD_MUTEX_INITIALIZER; /* one request/reply at a time */

struct file {
	uint32_t id;                 /* the emulator's number for this open file */
	pthread_t watcher;
	pthread_mutex_t ph_lock;
	struct fuse_pollhandle *ph;  /* a poll waiting for input, notified by the watcher */
	int closing;
};

static int io_all(int fd, void *buf, size_t n, int writing)
{
	char *p = buf;
	while (n > 0) {
		ssize_t r = writing ? write(fd, p, n) : read(fd, p, n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return -EIO;
		p += r;
		n -= (size_t)r;
	}
	return 0;
}

/* one request and its reply; returns the result (>= 0 or -errno), reply data in out (up to out_max) */
static int call_file(uint32_t file, uint8_t op, uint32_t a, uint64_t b, const void *data, uint32_t len,
		     void *out, uint32_t out_max, uint32_t *out_len)
{
	unsigned char head[21];
	int32_t result;
	uint32_t n;
	int rc = 0;

	head[0] = op;
	memcpy(head + 1, &file, 4); /* x86-64: little-endian, as the protocol */
	memcpy(head + 5, &a, 4);
	memcpy(head + 9, &b, 8);
	memcpy(head + 17, &len, 4);
	pthread_mutex_lock(&link_lock);
	if (io_all(link_fd, head, sizeof head, 1) || (len && io_all(link_fd, (void *)data, len, 1))
	    || io_all(link_fd, &result, 4, 0) || io_all(link_fd, &n, 4, 0)) {
		rc = -EIO;
	} else if (n > 0) {
		char *tmp = malloc(n);
		if (!tmp || io_all(link_fd, tmp, n, 0)) {
			rc = -EIO;
		} else if (out) {
			memcpy(out, tmp, n < out_max ? n : out_max);
			if (out_len)
				*out_len = n < out_max ? n : out_max;
		}
		free(tmp);
	} else if (out_len) {
		*out_len = 0;
	}
	pthread_mutex_unlock(&link_lock);
	return rc ? rc : result;
}

static int call(struct file *f, uint8_t op, uint32_t a, uint64_t b, const void *data, uint32_t len,
		void *out, uint32_t out_max, uint32_t *out_len)
{
	return call_file(f->id, op, a, b, data, len, out, out_max, out_len);
}

/* wakes a waiting poll(2) once the emulated driver has input for this file */
static void *watch(void *arg)
{
	struct file *f = arg;
	while (!f->closing) {
		struct fuse_pollhandle *ph;
		pthread_mutex_lock(&f->ph_lock);
		ph = f->ph;
		pthread_mutex_unlock(&f->ph_lock);
		if (ph && call(f, OP_POLL, 0, 0, NULL, 0, NULL, 0, NULL) == 1) {
			pthread_mutex_lock(&f->ph_lock);
			if (f->ph == ph) {
				f->ph = NULL;
				fuse_lowlevel_notify_poll(ph);
				fuse_pollhandle_destroy(ph);
			}
			pthread_mutex_unlock(&f->ph_lock);
		} else {
			usleep(10000);
		}
	}
	return NULL;
}

static void q_open(fuse_req_t req, struct fuse_file_info *fi)
{
	struct file *f = calloc(1, sizeof *f);
	int id;
	if (!f) {
		fuse_reply_err(req, ENOMEM);
		return;
	}
	id = call_file(0, OP_OPEN, 0, 0, NULL, 0, NULL, 0, NULL);
	if (id <= 0) {
		free(f);
		fuse_reply_err(req, ENODEV); /* the emulator is not there */
		return;
	}
	f->id = (uint32_t)id;
	pthread_mutex_init(&f->ph_lock, NULL);
	pthread_create(&f->watcher, NULL, watch, f);
	fi->fh = (uintptr_t)f;
	fi->direct_io = 1;
	fi->nonseekable = 1;
	fuse_reply_open(req, fi);
}

static void q_release(fuse_req_t req, struct fuse_file_info *fi)
{
	struct file *f = (struct file *)(uintptr_t)fi->fh;
	f->closing = 1;
	pthread_join(f->watcher, NULL);
	if (f->ph)
		fuse_pollhandle_destroy(f->ph);
	call(f, OP_CLOSE, 0, 0, NULL, 0, NULL, 0, NULL); /* the emulated driver releases the client id */
	free(f);
	fuse_reply_err(req, 0);
}

static void q_read(fuse_req_t req, size_t size, off_t off, struct fuse_file_info *fi)
{
	struct file *f = (struct file *)(uintptr_t)fi->fh;
	char *buf;
	uint32_t n = 0;
	int r;
	(void)off;
	for (;;) { /* block like the vendor driver, O_NONBLOCK or not */
		r = call(f, OP_POLL, 0, 0, NULL, 0, NULL, 0, NULL);
		if (r < 0) {
			fuse_reply_err(req, -r);
			return;
		}
		if (r == 1)
			break;
		usleep(10000);
		if (fuse_req_interrupted(req)) {
			fuse_reply_err(req, EINTR);
			return;
		}
	}
	buf = malloc(size ? size : 1);
	r = call(f, OP_READ, (uint32_t)size, 0, NULL, 0, buf, (uint32_t)size, &n);
	if (r < 0)
		fuse_reply_err(req, -r);
	else
		fuse_reply_buf(req, buf, n);
	free(buf);
}

static void q_write(fuse_req_t req, const char *buf, size_t size, off_t off, struct fuse_file_info *fi)
{
	struct file *f = (struct file *)(uintptr_t)fi->fh;
	int r = call(f, OP_WRITE, 0, 0, buf, (uint32_t)size, NULL, 0, NULL);
	(void)off;
	if (r < 0)
		fuse_reply_err(req, -r);
	else
		fuse_reply_write(req, size);
}

static void q_ioctl(fuse_req_t req, int cmd, void *arg, struct fuse_file_info *fi, unsigned flags,
		    const void *in_buf, size_t in_bufsz, size_t out_bufsz)
{
	struct file *f = (struct file *)(uintptr_t)fi->fh;
	unsigned int c = (unsigned int)cmd;
	size_t want = ioctl_out_size(c);
	(void)flags; (void)in_buf; (void)in_bufsz;
	if (c == 0x8BE1) { /* service by value: the argument itself */
		int r = call(f, OP_IOCTL_VALUE, c, (uint64_t)(uintptr_t)arg, NULL, 0, NULL, 0, NULL);
		if (r < 0)
			fuse_reply_err(req, -r);
		else
			fuse_reply_ioctl(req, r, NULL, 0);
		return;
	}
	if (want == 0) {
		fuse_reply_err(req, ENOTTY);
		return;
	}
	if (out_bufsz < want) { /* ask the kernel for the caller's buffer first */
		struct iovec iov = { arg, want };
		fuse_reply_ioctl_retry(req, NULL, 0, &iov, 1);
		return;
	}
	{
		char *buf = calloc(1, want);
		uint32_t n = 0;
		int r = call(f, OP_IOCTL_BUFFER, c, 0, buf, (uint32_t)want, buf, (uint32_t)want, &n);
		if (r < 0)
			fuse_reply_err(req, -r);
		else
			fuse_reply_ioctl(req, r, buf, want);
		free(buf);
	}
}

static void q_poll(fuse_req_t req, struct fuse_file_info *fi, struct fuse_pollhandle *ph)
{
	struct file *f = (struct file *)(uintptr_t)fi->fh;
	int r = call(f, OP_POLL, 0, 0, NULL, 0, NULL, 0, NULL);
	unsigned revents = POLLOUT | POLLWRNORM;
	if (r == 1)
		revents |= POLLIN | POLLRDNORM;
	if (ph) {
		pthread_mutex_lock(&f->ph_lock);
		if (f->ph)
			fuse_pollhandle_destroy(f->ph);
		f->ph = r == 1 ? NULL : ph;
		pthread_mutex_unlock(&f->ph_lock);
		if (r == 1)
			fuse_pollhandle_destroy(ph);
	}
	if (r < 0)
		revents = POLLERR;
	fuse_reply_poll(req, revents);
}

static const struct cuse_lowlevel_ops ops = {
	.open = q_open, .release = q_release, .read = q_read, .write = q_write,
	.ioctl = q_ioctl, .poll = q_poll,
};

struct opts { char *name; char *port; };
static const struct fuse_opt spec[] = {
	{ "--name %s", offsetof(struct opts, name), 0 },
	{ "--port %s", offsetof(struct opts, port), 0 },
	FUSE_OPT_END
};

/* the stream: a virtio-serial port (a character device), or a unix socket to connect to */
static int open_link(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd = open(path, O_RDWR | O_CLOEXEC | O_NOCTTY);
	if (fd >= 0 || errno != ENXIO)
		return fd;
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	strncpy(sa.sun_path, path, sizeof sa.sun_path - 1);
	if (fd >= 0 && connect(fd, (struct sockaddr *)&sa, sizeof sa) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

int main(int argc, char **argv)
{
	struct fuse_args args = FUSE_ARGS_INIT(argc, argv);
	struct opts o = { 0 };
	char devname[128];
	const char *info[] = { devname };
	struct cuse_info ci = { 0 };

	if (fuse_opt_parse(&args, &o, spec, NULL) || !o.name || !o.port) {
		fprintf(stderr, "usage: %s --name qcqmi0 --port /dev/virtio-ports/NAME|SOCK [-f] [-d]\n", argv[0]);
		return 2;
	}
	link_fd = open_link(o.port);
	if (link_fd < 0) {
		perror(o.port);
		return 1;
	}
	snprintf(devname, sizeof devname, "DEVNAME=%s", o.name);
	ci.dev_info_argc = 1;
	ci.dev_info_argv = info;
	ci.flags = CUSE_UNRESTRICTED_IOCTL;
	return cuse_lowlevel_main(args.argc, args.argv, &ci, &ops, NULL);
}
