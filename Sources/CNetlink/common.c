#include "common.h"

#include <errno.h>
#include <netlink/errno.h>
#include <netlink/msg.h>
#include <stdarg.h>
#include <stdio.h>

int cnl_fail(char *err, size_t errlen, int code, const char *fmt, ...) {
    if (err && errlen > 0) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err, errlen, fmt, ap);
        va_end(ap);
    }
    return code < 0 ? code : -EIO;
}

int cnl_nlerr_to_errno(int nlerr) {
    switch (nlerr < 0 ? -nlerr : nlerr) {
    case 0: return 0;
    case NLE_INTR: return -EINTR;
    case NLE_BAD_SOCK: return -EBADF;
    case NLE_AGAIN: return -EAGAIN;
    case NLE_NOMEM: return -ENOMEM;
    case NLE_EXIST: return -EEXIST;
    case NLE_INVAL: return -EINVAL;
    case NLE_RANGE: return -ERANGE;
    case NLE_MSGSIZE: return -EMSGSIZE;
    case NLE_OPNOTSUPP: return -EOPNOTSUPP;
    case NLE_AF_NOSUPPORT: return -EAFNOSUPPORT;
    case NLE_OBJ_NOTFOUND: return -ENOENT;
    case NLE_NOACCESS: return -EACCES;
    case NLE_PERM: return -EPERM;
    case NLE_NODEV: return -ENODEV;
    case NLE_BUSY: return -EBUSY;
    case NLE_PROTO_MISMATCH: return -EPROTONOSUPPORT;
    default: return -EIO;
    }
}

struct transact_state {
    int error;
    int done;
    int (*on_valid)(struct nl_msg *, void *);
    void *arg;
};

static int on_error(struct sockaddr_nl *nla, struct nlmsgerr *e, void *arg) {
    (void)nla;
    struct transact_state *st = arg;
    st->error = e->error;
    st->done = 1;
    return NL_STOP;
}

static int on_finish(struct nl_msg *msg, void *arg) {
    (void)msg;
    ((struct transact_state *)arg)->done = 1;
    return NL_STOP;
}

static int on_valid(struct nl_msg *msg, void *arg) {
    struct transact_state *st = arg;
    int rc = st->on_valid ? st->on_valid(msg, st->arg) : NL_OK;
    if (rc == NL_STOP) {
        st->error = -ENOMEM;
        st->done = 1;
    }
    return rc;
}

int cnl_transact(struct nl_sock *sock, struct nl_msg *msg, int (*valid)(struct nl_msg *, void *), void *arg) {
    struct transact_state st = {.on_valid = valid, .arg = arg};
    struct nl_cb *cb = nl_cb_alloc(NL_CB_DEFAULT);
    if (!cb) return -ENOMEM;
    nl_cb_err(cb, NL_CB_CUSTOM, on_error, &st);
    nl_cb_set(cb, NL_CB_ACK, NL_CB_CUSTOM, on_finish, &st);
    nl_cb_set(cb, NL_CB_FINISH, NL_CB_CUSTOM, on_finish, &st);
    nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, on_valid, &st);
    int rc = nl_send_auto(sock, msg);
    if (rc < 0) {
        nl_cb_put(cb);
        return cnl_nlerr_to_errno(rc);
    }
    while (!st.done) {
        rc = nl_recvmsgs(sock, cb);
        if (rc < 0 && st.error == 0) {
            nl_cb_put(cb);
            return cnl_nlerr_to_errno(rc);
        }
        if (st.error != 0) break;
    }
    nl_cb_put(cb);
    return st.error < 0 ? st.error : 0;
}
