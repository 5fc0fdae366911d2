/* The IPVS generic-netlink family through libnl-genl-3 (the calls moby/ipvs makes for kube-proxy). */
#include "cnetlink.h"
#include "common.h"

#include <arpa/inet.h>
#include <errno.h>
#include <linux/ip_vs.h>
#include <linux/netfilter.h>
#include <netinet/in.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>
#include <netlink/netlink.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

struct cnl_ipvs {
    struct nl_sock *sock;
    int family;
};

void cnl_free(void *p) { free(p); }

int cnl_ipvs_family(const cnl_ipvs *h) { return h ? h->family : -1; }

int cnl_ipvs_open(cnl_ipvs **out, char *err, size_t errlen) {
    *out = NULL;
    struct nl_sock *sock = nl_socket_alloc();
    if (!sock) return cnl_fail(err, errlen, -ENOMEM, "IPVS: cannot allocate a netlink socket");
    int rc = genl_connect(sock);
    if (rc < 0) {
        int e = cnl_nlerr_to_errno(rc);
        nl_socket_free(sock);
        return cnl_fail(err, errlen, e, "IPVS: cannot open a generic netlink socket: %s", nl_geterror(rc));
    }
    nl_socket_disable_auto_ack(sock);
    nl_socket_set_buffer_size(sock, 4 << 20, 4 << 20);
    int family = genl_ctrl_resolve(sock, IPVS_GENL_NAME);
    if (family < 0) {
        nl_socket_free(sock);
        return cnl_fail(err, errlen, -ENOENT,
                        "IPVS: the kernel has no IPVS generic netlink family (ip_vs not loaded or not built): %s",
                        nl_geterror(family));
    }
    cnl_ipvs *h = calloc(1, sizeof(*h));
    if (!h) {
        nl_socket_free(sock);
        return cnl_fail(err, errlen, -ENOMEM, "IPVS: out of memory");
    }
    h->sock = sock;
    h->family = family;
    *out = h;
    return 0;
}

void cnl_ipvs_close(cnl_ipvs *h) {
    if (!h) return;
    nl_socket_free(h->sock);
    free(h);
}

static int put_service(struct nl_msg *msg, const cnl_ipvs_service *s, int full) {
    struct nlattr *nest = nla_nest_start(msg, IPVS_CMD_ATTR_SERVICE);
    if (!nest) return -ENOMEM;
    if (s->fwmark) {
        NLA_PUT_U32(msg, IPVS_SVC_ATTR_FWMARK, s->fwmark);
        NLA_PUT_U16(msg, IPVS_SVC_ATTR_AF, s->af ? s->af : AF_INET);
    } else {
        union nf_inet_addr a;
        memset(&a, 0, sizeof(a));
        a.ip = htonl(s->addr);
        NLA_PUT_U16(msg, IPVS_SVC_ATTR_AF, s->af ? s->af : AF_INET);
        NLA_PUT_U16(msg, IPVS_SVC_ATTR_PROTOCOL, s->protocol);
        NLA_PUT(msg, IPVS_SVC_ATTR_ADDR, sizeof(a), &a);
        NLA_PUT_U16(msg, IPVS_SVC_ATTR_PORT, htons(s->port));
    }
    if (full) {
        struct ip_vs_flags flags = {.flags = s->flags, .mask = 0xffffffff};
        char sched[IP_VS_SCHEDNAME_MAXLEN];
        memset(sched, 0, sizeof(sched));
        strncpy(sched, s->sched_name[0] ? s->sched_name : "rr", sizeof(sched) - 1);
        NLA_PUT_STRING(msg, IPVS_SVC_ATTR_SCHED_NAME, sched);
        NLA_PUT(msg, IPVS_SVC_ATTR_FLAGS, sizeof(flags), &flags);
        NLA_PUT_U32(msg, IPVS_SVC_ATTR_TIMEOUT, s->timeout);
        NLA_PUT_U32(msg, IPVS_SVC_ATTR_NETMASK, s->netmask ? s->netmask : 0xffffffff);
    }
    nla_nest_end(msg, nest);
    return 0;
nla_put_failure:
    return -EMSGSIZE;
}

static int put_dest(struct nl_msg *msg, const cnl_ipvs_dest *d, int full) {
    struct nlattr *nest = nla_nest_start(msg, IPVS_CMD_ATTR_DEST);
    if (!nest) return -ENOMEM;
    union nf_inet_addr a;
    memset(&a, 0, sizeof(a));
    a.ip = htonl(d->addr);
    NLA_PUT(msg, IPVS_DEST_ATTR_ADDR, sizeof(a), &a);
    NLA_PUT_U16(msg, IPVS_DEST_ATTR_PORT, htons(d->port));
    NLA_PUT_U16(msg, IPVS_DEST_ATTR_ADDR_FAMILY, AF_INET);
    if (full) {
        NLA_PUT_U32(msg, IPVS_DEST_ATTR_FWD_METHOD, d->fwd_method);
        NLA_PUT_U32(msg, IPVS_DEST_ATTR_WEIGHT, d->weight);
        NLA_PUT_U32(msg, IPVS_DEST_ATTR_U_THRESH, d->u_thresh);
        NLA_PUT_U32(msg, IPVS_DEST_ATTR_L_THRESH, d->l_thresh);
    }
    nla_nest_end(msg, nest);
    return 0;
nla_put_failure:
    return -EMSGSIZE;
}

static struct nl_msg *new_msg(cnl_ipvs *h, uint8_t cmd, int flags) {
    struct nl_msg *msg = nlmsg_alloc();
    if (!msg) return NULL;
    if (!genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, h->family, 0, flags, cmd, IPVS_GENL_VERSION)) {
        nlmsg_free(msg);
        return NULL;
    }
    return msg;
}

static int service_command(cnl_ipvs *h, uint8_t cmd, const cnl_ipvs_service *s, const cnl_ipvs_dest *d, int full,
                           const char *what, char *err, size_t errlen) {
    struct nl_msg *msg = new_msg(h, cmd, NLM_F_ACK);
    if (!msg) return cnl_fail(err, errlen, -ENOMEM, "IPVS %s: out of memory", what);
    int rc = put_service(msg, s, d ? 0 : full);
    if (rc == 0 && d) rc = put_dest(msg, d, full);
    if (rc < 0) {
        nlmsg_free(msg);
        return cnl_fail(err, errlen, rc, "IPVS %s: cannot build the message", what);
    }
    rc = cnl_transact(h->sock, msg, NULL, NULL);
    nlmsg_free(msg);
    if (rc < 0) {
        char addr[INET_ADDRSTRLEN];
        struct in_addr ia = {.s_addr = htonl(s->addr)};
        inet_ntop(AF_INET, &ia, addr, sizeof(addr));
        if (d) {
            char daddr[INET_ADDRSTRLEN];
            struct in_addr da = {.s_addr = htonl(d->addr)};
            inet_ntop(AF_INET, &da, daddr, sizeof(daddr));
            return cnl_fail(err, errlen, rc, "IPVS %s %s:%u -> %s:%u: %s", what, addr, s->port, daddr, d->port,
                            strerror(-rc));
        }
        return cnl_fail(err, errlen, rc, "IPVS %s %s:%u/%u: %s", what, addr, s->port, s->protocol, strerror(-rc));
    }
    return 0;
}

int cnl_ipvs_add_service(cnl_ipvs *h, const cnl_ipvs_service *s, char *err, size_t errlen) {
    return service_command(h, IPVS_CMD_NEW_SERVICE, s, NULL, 1, "add service", err, errlen);
}
int cnl_ipvs_update_service(cnl_ipvs *h, const cnl_ipvs_service *s, char *err, size_t errlen) {
    return service_command(h, IPVS_CMD_SET_SERVICE, s, NULL, 1, "update service", err, errlen);
}
int cnl_ipvs_delete_service(cnl_ipvs *h, const cnl_ipvs_service *s, char *err, size_t errlen) {
    return service_command(h, IPVS_CMD_DEL_SERVICE, s, NULL, 0, "delete service", err, errlen);
}
int cnl_ipvs_add_dest(cnl_ipvs *h, const cnl_ipvs_service *s, const cnl_ipvs_dest *d, char *err, size_t errlen) {
    return service_command(h, IPVS_CMD_NEW_DEST, s, d, 1, "add destination", err, errlen);
}
int cnl_ipvs_update_dest(cnl_ipvs *h, const cnl_ipvs_service *s, const cnl_ipvs_dest *d, char *err, size_t errlen) {
    return service_command(h, IPVS_CMD_SET_DEST, s, d, 1, "update destination", err, errlen);
}
int cnl_ipvs_delete_dest(cnl_ipvs *h, const cnl_ipvs_service *s, const cnl_ipvs_dest *d, char *err, size_t errlen) {
    return service_command(h, IPVS_CMD_DEL_DEST, s, d, 0, "delete destination", err, errlen);
}

int cnl_ipvs_flush(cnl_ipvs *h, char *err, size_t errlen) {
    struct nl_msg *msg = new_msg(h, IPVS_CMD_FLUSH, NLM_F_ACK);
    if (!msg) return cnl_fail(err, errlen, -ENOMEM, "IPVS flush: out of memory");
    int rc = cnl_transact(h->sock, msg, NULL, NULL);
    nlmsg_free(msg);
    if (rc < 0) return cnl_fail(err, errlen, rc, "IPVS flush: %s", strerror(-rc));
    return 0;
}

/* ---- dumps ---- */

struct growable {
    void *items;
    size_t count, cap, size;
    int failed;
};

static void *grow(struct growable *g) {
    if (g->count == g->cap) {
        size_t cap = g->cap ? g->cap * 2 : 64;
        void *items = realloc(g->items, cap * g->size);
        if (!items) {
            g->failed = 1;
            return NULL;
        }
        g->items = items;
        g->cap = cap;
    }
    void *slot = (char *)g->items + g->count * g->size;
    memset(slot, 0, g->size);
    g->count++;
    return slot;
}

static uint32_t attr_addr(struct nlattr *a) {
    if (!a || nla_len(a) < 4) return 0;
    uint32_t v;
    memcpy(&v, nla_data(a), 4);
    return ntohl(v);
}

static int on_service(struct nl_msg *msg, void *arg) {
    struct growable *g = arg;
    struct nlattr *top[IPVS_CMD_ATTR_MAX + 1];
    struct nlattr *sa[IPVS_SVC_ATTR_MAX + 1];
    if (genlmsg_parse(nlmsg_hdr(msg), 0, top, IPVS_CMD_ATTR_MAX, NULL) < 0 || !top[IPVS_CMD_ATTR_SERVICE])
        return NL_SKIP;
    if (nla_parse_nested(sa, IPVS_SVC_ATTR_MAX, top[IPVS_CMD_ATTR_SERVICE], NULL) < 0) return NL_SKIP;
    if (sa[IPVS_SVC_ATTR_AF] && nla_get_u16(sa[IPVS_SVC_ATTR_AF]) != AF_INET) return NL_SKIP;
    cnl_ipvs_service *s = grow(g);
    if (!s) return NL_STOP;
    s->af = AF_INET;
    if (sa[IPVS_SVC_ATTR_PROTOCOL]) s->protocol = nla_get_u16(sa[IPVS_SVC_ATTR_PROTOCOL]);
    s->addr = attr_addr(sa[IPVS_SVC_ATTR_ADDR]);
    if (sa[IPVS_SVC_ATTR_PORT]) s->port = ntohs(nla_get_u16(sa[IPVS_SVC_ATTR_PORT]));
    if (sa[IPVS_SVC_ATTR_FWMARK]) s->fwmark = nla_get_u32(sa[IPVS_SVC_ATTR_FWMARK]);
    if (sa[IPVS_SVC_ATTR_SCHED_NAME]) strncpy(s->sched_name, nla_get_string(sa[IPVS_SVC_ATTR_SCHED_NAME]), 15);
    if (sa[IPVS_SVC_ATTR_FLAGS] && nla_len(sa[IPVS_SVC_ATTR_FLAGS]) >= (int)sizeof(struct ip_vs_flags)) {
        struct ip_vs_flags f;
        memcpy(&f, nla_data(sa[IPVS_SVC_ATTR_FLAGS]), sizeof(f));
        s->flags = f.flags;
    }
    if (sa[IPVS_SVC_ATTR_TIMEOUT]) s->timeout = nla_get_u32(sa[IPVS_SVC_ATTR_TIMEOUT]);
    if (sa[IPVS_SVC_ATTR_NETMASK]) s->netmask = nla_get_u32(sa[IPVS_SVC_ATTR_NETMASK]);
    return NL_OK;
}

static int on_dest(struct nl_msg *msg, void *arg) {
    struct growable *g = arg;
    struct nlattr *top[IPVS_CMD_ATTR_MAX + 1];
    struct nlattr *da[IPVS_DEST_ATTR_MAX + 1];
    if (genlmsg_parse(nlmsg_hdr(msg), 0, top, IPVS_CMD_ATTR_MAX, NULL) < 0 || !top[IPVS_CMD_ATTR_DEST])
        return NL_SKIP;
    if (nla_parse_nested(da, IPVS_DEST_ATTR_MAX, top[IPVS_CMD_ATTR_DEST], NULL) < 0) return NL_SKIP;
    cnl_ipvs_dest *d = grow(g);
    if (!d) return NL_STOP;
    d->addr = attr_addr(da[IPVS_DEST_ATTR_ADDR]);
    if (da[IPVS_DEST_ATTR_PORT]) d->port = ntohs(nla_get_u16(da[IPVS_DEST_ATTR_PORT]));
    if (da[IPVS_DEST_ATTR_FWD_METHOD]) d->fwd_method = nla_get_u32(da[IPVS_DEST_ATTR_FWD_METHOD]);
    if (da[IPVS_DEST_ATTR_WEIGHT]) d->weight = nla_get_u32(da[IPVS_DEST_ATTR_WEIGHT]);
    if (da[IPVS_DEST_ATTR_U_THRESH]) d->u_thresh = nla_get_u32(da[IPVS_DEST_ATTR_U_THRESH]);
    if (da[IPVS_DEST_ATTR_L_THRESH]) d->l_thresh = nla_get_u32(da[IPVS_DEST_ATTR_L_THRESH]);
    if (da[IPVS_DEST_ATTR_ACTIVE_CONNS]) d->active_conns = nla_get_u32(da[IPVS_DEST_ATTR_ACTIVE_CONNS]);
    if (da[IPVS_DEST_ATTR_INACT_CONNS]) d->inact_conns = nla_get_u32(da[IPVS_DEST_ATTR_INACT_CONNS]);
    if (da[IPVS_DEST_ATTR_PERSIST_CONNS]) d->persist_conns = nla_get_u32(da[IPVS_DEST_ATTR_PERSIST_CONNS]);
    return NL_OK;
}

int cnl_ipvs_list_services(cnl_ipvs *h, cnl_ipvs_service **out, char *err, size_t errlen) {
    *out = NULL;
    struct nl_msg *msg = new_msg(h, IPVS_CMD_GET_SERVICE, NLM_F_DUMP);
    if (!msg) return cnl_fail(err, errlen, -ENOMEM, "IPVS list services: out of memory");
    struct growable g = {.size = sizeof(cnl_ipvs_service)};
    int rc = cnl_transact(h->sock, msg, on_service, &g);
    nlmsg_free(msg);
    if (rc == 0 && g.failed) rc = -ENOMEM;
    if (rc < 0) {
        free(g.items);
        return cnl_fail(err, errlen, rc, "IPVS list services: %s", strerror(-rc));
    }
    *out = g.items;
    return (int)g.count;
}

int cnl_ipvs_list_dests(cnl_ipvs *h, const cnl_ipvs_service *s, cnl_ipvs_dest **out, char *err, size_t errlen) {
    *out = NULL;
    struct nl_msg *msg = new_msg(h, IPVS_CMD_GET_DEST, NLM_F_DUMP);
    if (!msg) return cnl_fail(err, errlen, -ENOMEM, "IPVS list destinations: out of memory");
    if (put_service(msg, s, 0) < 0) {
        nlmsg_free(msg);
        return cnl_fail(err, errlen, -EMSGSIZE, "IPVS list destinations: cannot build the message");
    }
    struct growable g = {.size = sizeof(cnl_ipvs_dest)};
    int rc = cnl_transact(h->sock, msg, on_dest, &g);
    nlmsg_free(msg);
    if (rc == 0 && g.failed) rc = -ENOMEM;
    if (rc < 0) {
        free(g.items);
        return cnl_fail(err, errlen, rc, "IPVS list destinations of %u:%u: %s", s->addr, s->port, strerror(-rc));
    }
    *out = g.items;
    return (int)g.count;
}
