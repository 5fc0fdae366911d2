/* rtnetlink through libnl-3's core: the dummy link kube-ipvs0 and its addresses (what kube-proxy does with
 * vishvananda/netlink in pkg/proxy/ipvs/netlink_linux.go). */
#include "cnetlink.h"
#include "common.h"

#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_addr.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <netlink/msg.h>
#include <netlink/netlink.h>
#include <stdlib.h>
#include <string.h>

static int route_socket(struct nl_sock **out, char *err, size_t errlen) {
    struct nl_sock *sock = nl_socket_alloc();
    if (!sock) return cnl_fail(err, errlen, -ENOMEM, "rtnetlink: cannot allocate a socket");
    int rc = nl_connect(sock, NETLINK_ROUTE);
    if (rc < 0) {
        nl_socket_free(sock);
        return cnl_fail(err, errlen, cnl_nlerr_to_errno(rc), "rtnetlink: cannot connect: %s", nl_geterror(rc));
    }
    nl_socket_disable_auto_ack(sock);
    *out = sock;
    return 0;
}

int cnl_link_index(const char *name, char *err, size_t errlen) {
    unsigned int index = if_nametoindex(name);
    if (index == 0) return cnl_fail(err, errlen, -errno, "link %s: %s", name, strerror(errno));
    return (int)index;
}

int cnl_link_ensure_dummy(const char *name, int *created, char *err, size_t errlen) {
    if (created) *created = 0;
    if (if_nametoindex(name) != 0) return 0;
    struct nl_sock *sock;
    int rc = route_socket(&sock, err, errlen);
    if (rc < 0) return rc;
    struct nl_msg *msg = nlmsg_alloc_simple(RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL | NLM_F_ACK);
    struct ifinfomsg ifi = {.ifi_family = AF_UNSPEC};
    struct nlattr *info;
    if (!msg || nlmsg_append(msg, &ifi, sizeof(ifi), NLMSG_ALIGNTO) < 0) goto nomem;
    if (nla_put_string(msg, IFLA_IFNAME, name) < 0) goto nomem;
    if (!(info = nla_nest_start(msg, IFLA_LINKINFO))) goto nomem;
    if (nla_put_string(msg, IFLA_INFO_KIND, "dummy") < 0) goto nomem;
    nla_nest_end(msg, info);
    rc = cnl_transact(sock, msg, NULL, NULL);
    nlmsg_free(msg);
    nl_socket_free(sock);
    if (rc == -EEXIST) return 0;
    if (rc < 0) return cnl_fail(err, errlen, rc, "create dummy link %s: %s", name, strerror(-rc));
    if (created) *created = 1;
    return 0;
nomem:
    if (msg) nlmsg_free(msg);
    nl_socket_free(sock);
    return cnl_fail(err, errlen, -ENOMEM, "create dummy link %s: cannot build the message", name);
}

int cnl_link_delete(const char *name, char *err, size_t errlen) {
    int index = cnl_link_index(name, err, errlen);
    if (index < 0) return index;
    struct nl_sock *sock;
    int rc = route_socket(&sock, err, errlen);
    if (rc < 0) return rc;
    struct nl_msg *msg = nlmsg_alloc_simple(RTM_DELLINK, NLM_F_ACK);
    struct ifinfomsg ifi = {.ifi_family = AF_UNSPEC, .ifi_index = index};
    if (!msg || nlmsg_append(msg, &ifi, sizeof(ifi), NLMSG_ALIGNTO) < 0) {
        if (msg) nlmsg_free(msg);
        nl_socket_free(sock);
        return cnl_fail(err, errlen, -ENOMEM, "delete link %s: cannot build the message", name);
    }
    rc = cnl_transact(sock, msg, NULL, NULL);
    nlmsg_free(msg);
    nl_socket_free(sock);
    if (rc < 0) return cnl_fail(err, errlen, rc, "delete link %s: %s", name, strerror(-rc));
    return 0;
}

static int addr_command(int type, int flags, const char *name, uint32_t addr, int prefix, char *err, size_t errlen) {
    const char *what = type == RTM_NEWADDR ? "add" : "delete";
    char text[INET_ADDRSTRLEN];
    struct in_addr ia = {.s_addr = htonl(addr)};
    inet_ntop(AF_INET, &ia, text, sizeof(text));
    int index = cnl_link_index(name, err, errlen);
    if (index < 0) return cnl_fail(err, errlen, index, "%s address %s/%d on %s: no such link", what, text, prefix, name);
    struct nl_sock *sock;
    int rc = route_socket(&sock, err, errlen);
    if (rc < 0) return rc;
    struct nl_msg *msg = nlmsg_alloc_simple(type, flags | NLM_F_ACK);
    struct ifaddrmsg ifa = {.ifa_family = AF_INET, .ifa_prefixlen = (unsigned char)prefix,
                            .ifa_scope = RT_SCOPE_UNIVERSE, .ifa_index = (unsigned int)index};
    uint32_t be = htonl(addr);
    if (!msg || nlmsg_append(msg, &ifa, sizeof(ifa), NLMSG_ALIGNTO) < 0 || nla_put(msg, IFA_LOCAL, 4, &be) < 0 ||
        nla_put(msg, IFA_ADDRESS, 4, &be) < 0) {
        if (msg) nlmsg_free(msg);
        nl_socket_free(sock);
        return cnl_fail(err, errlen, -ENOMEM, "%s address %s: cannot build the message", what, text);
    }
    rc = cnl_transact(sock, msg, NULL, NULL);
    nlmsg_free(msg);
    nl_socket_free(sock);
    if (type == RTM_NEWADDR && rc == -EEXIST) return 0;
    if (type == RTM_DELADDR && rc == -EADDRNOTAVAIL) return 0;
    if (rc < 0) return cnl_fail(err, errlen, rc, "%s address %s/%d on %s: %s", what, text, prefix, name, strerror(-rc));
    return 0;
}

int cnl_addr_add(const char *name, uint32_t addr, int prefix, char *err, size_t errlen) {
    return addr_command(RTM_NEWADDR, NLM_F_CREATE | NLM_F_EXCL, name, addr, prefix, err, errlen);
}

int cnl_addr_delete(const char *name, uint32_t addr, int prefix, char *err, size_t errlen) {
    return addr_command(RTM_DELADDR, 0, name, addr, prefix, err, errlen);
}

struct addr_list {
    uint32_t *items;
    size_t count, cap;
    int index;
};

static int on_addr(struct nl_msg *msg, void *arg) {
    struct addr_list *list = arg;
    struct nlmsghdr *hdr = nlmsg_hdr(msg);
    if (hdr->nlmsg_type != RTM_NEWADDR) return NL_OK;
    struct ifaddrmsg *ifa = nlmsg_data(hdr);
    if (ifa->ifa_family != AF_INET || (int)ifa->ifa_index != list->index) return NL_OK;
    struct nlattr *tb[IFA_MAX + 1];
    if (nlmsg_parse(hdr, sizeof(*ifa), tb, IFA_MAX, NULL) < 0) return NL_OK;
    struct nlattr *a = tb[IFA_LOCAL] ? tb[IFA_LOCAL] : tb[IFA_ADDRESS];
    if (!a || nla_len(a) < 4) return NL_OK;
    if (list->count == list->cap) {
        size_t cap = list->cap ? list->cap * 2 : 64;
        uint32_t *items = realloc(list->items, cap * sizeof(uint32_t));
        if (!items) return NL_STOP;
        list->items = items;
        list->cap = cap;
    }
    uint32_t be;
    memcpy(&be, nla_data(a), 4);
    list->items[list->count++] = ntohl(be);
    return NL_OK;
}

int cnl_addr_list(const char *name, uint32_t **out, char *err, size_t errlen) {
    *out = NULL;
    int index = cnl_link_index(name, err, errlen);
    if (index < 0) return index;
    struct nl_sock *sock;
    int rc = route_socket(&sock, err, errlen);
    if (rc < 0) return rc;
    nl_socket_set_buffer_size(sock, 4 << 20, 4 << 20);
    struct nl_msg *msg = nlmsg_alloc_simple(RTM_GETADDR, NLM_F_DUMP);
    struct ifaddrmsg ifa = {.ifa_family = AF_INET, .ifa_index = (unsigned int)index};
    if (!msg || nlmsg_append(msg, &ifa, sizeof(ifa), NLMSG_ALIGNTO) < 0) {
        if (msg) nlmsg_free(msg);
        nl_socket_free(sock);
        return cnl_fail(err, errlen, -ENOMEM, "list addresses of %s: cannot build the message", name);
    }
    struct addr_list list = {.index = index};
    rc = cnl_transact(sock, msg, on_addr, &list);
    nlmsg_free(msg);
    nl_socket_free(sock);
    if (rc < 0) {
        free(list.items);
        return cnl_fail(err, errlen, rc, "list addresses of %s: %s", name, strerror(-rc));
    }
    *out = list.items;
    return (int)list.count;
}
