/* Internal helpers of the cnetlink shim (not part of the public header). */
#ifndef CNETLINK_COMMON_H
#define CNETLINK_COMMON_H

#include <netlink/netlink.h>
#include <stddef.h>

/* Writes the message into err and returns code (a negative errno). */
int cnl_fail(char *err, size_t errlen, int code, const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/* A libnl error code (-NLE_*) as a negative errno. */
int cnl_nlerr_to_errno(int nlerr);
/* Sends msg (adding NLM_F_REQUEST) and receives until the ACK, the end of a dump, or an error. Valid replies go
 * to on_valid(msg, arg) when given. Returns 0 or the kernel's negative errno. */
int cnl_transact(struct nl_sock *sock, struct nl_msg *msg, int (*on_valid)(struct nl_msg *, void *), void *arg);

#endif
