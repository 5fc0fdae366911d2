/* The members of one ipset read by a raw nfnetlink dump (IPSET_CMD_LIST), formatted as `ipset save` prints them.
 * libipset's own listing resolves every element's protocol with getprotobynumber(), which opens and reads
 * /etc/protocols once per element: 10k members meant 10k opens on every sync. */
#include "cnetlink.h"
#include "common.h"

#include <arpa/inet.h>
#include <errno.h>
#include <linux/netfilter/ipset/ip_set.h>
#include <linux/netfilter/nfnetlink.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netlink/msg.h>
#include <netlink/netlink.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct member_text {
    char *text;
    size_t len, cap;
    int count;
    int failed;
};

static void put_text(struct member_text *m, const char *s, size_t n) {
    if (m->failed) return;
    if (m->len + n + 1 > m->cap) {
        size_t cap = m->cap ? m->cap : 4096;
        while (cap < m->len + n + 1) cap *= 2;
        char *text = realloc(m->text, cap);
        if (!text) {
            m->failed = 1;
            return;
        }
        m->text = text;
        m->cap = cap;
    }
    memcpy(m->text + m->len, s, n);
    m->len += n;
    m->text[m->len] = 0;
}

/* `10.0.0.1` or `10.0.0.0/24` (no suffix for /32, as ipset prints it). */
static int format_ip(char *buf, size_t len, struct nlattr *nested, struct nlattr *cidr) {
    struct nlattr *tb[IPSET_ATTR_IPADDR_MAX + 1];
    if (nla_parse_nested(tb, IPSET_ATTR_IPADDR_MAX, nested, NULL) < 0 || !tb[IPSET_ATTR_IPADDR_IPV4] ||
        nla_len(tb[IPSET_ATTR_IPADDR_IPV4]) < 4)
        return -1;
    char text[INET_ADDRSTRLEN];
    if (!inet_ntop(AF_INET, nla_data(tb[IPSET_ATTR_IPADDR_IPV4]), text, sizeof(text))) return -1;
    unsigned prefix = cidr ? nla_get_u8(cidr) : 32;
    return prefix == 32 ? snprintf(buf, len, "%s", text) : snprintf(buf, len, "%s/%u", text, prefix);
}

static const char *protocol_name(uint8_t proto, char *buf, size_t len) {
    switch (proto) {
    case IPPROTO_TCP: return "tcp";
    case IPPROTO_UDP: return "udp";
    case IPPROTO_SCTP: return "sctp";
    case IPPROTO_UDPLITE: return "udplite";
    case IPPROTO_ICMP: return "icmp";
    default: {
        struct protoent *entry = getprotobynumber(proto);
        if (entry) return entry->p_name;
        snprintf(buf, len, "%u", proto);
        return buf;
    }
    }
}

/* One element: [ip[/cidr]] [,proto:port | port] [,ip2[/cidr2]]. */
static void format_member(struct member_text *m, struct nlattr *data) {
    struct nlattr *tb[IPSET_ATTR_ADT_MAX + 1];
    if (nla_parse_nested(tb, IPSET_ATTR_ADT_MAX, data, NULL) < 0) return;
    char line[160];
    size_t n = 0;
    if (tb[IPSET_ATTR_IP]) {
        int w = format_ip(line, sizeof(line), tb[IPSET_ATTR_IP], tb[IPSET_ATTR_CIDR]);
        if (w < 0) return;
        n = (size_t)w;
    }
    if (tb[IPSET_ATTR_PORT]) {
        unsigned port = ntohs(nla_get_u16(tb[IPSET_ATTR_PORT]));
        if (n > 0) {
            char pbuf[8];
            const char *proto = protocol_name(tb[IPSET_ATTR_PROTO] ? nla_get_u8(tb[IPSET_ATTR_PROTO]) : 0, pbuf,
                                              sizeof(pbuf));
            n += (size_t)snprintf(line + n, sizeof(line) - n, ",%s:%u", proto, port);
        } else {
            n = (size_t)snprintf(line, sizeof(line), "%u", port);
        }
    }
    if (tb[IPSET_ATTR_IP2] && n < sizeof(line) - 2) {
        line[n++] = ',';
        int w = format_ip(line + n, sizeof(line) - n, tb[IPSET_ATTR_IP2], tb[IPSET_ATTR_CIDR2]);
        if (w < 0) return;
        n += (size_t)w;
    }
    if (n == 0 || n >= sizeof(line) - 1) return;
    line[n++] = '\n';
    put_text(m, line, n);
    m->count++;
}

static int on_list(struct nl_msg *msg, void *arg) {
    struct member_text *m = arg;
    struct nlattr *tb[IPSET_ATTR_CMD_MAX + 1];
    if (nlmsg_parse(nlmsg_hdr(msg), sizeof(struct nfgenmsg), tb, IPSET_ATTR_CMD_MAX, NULL) < 0) return NL_SKIP;
    if (!tb[IPSET_ATTR_ADT]) return NL_OK;
    struct nlattr *data;
    int rem;
    nla_for_each_nested(data, tb[IPSET_ATTR_ADT], rem) {
        if (nla_type(data) == IPSET_ATTR_DATA) format_member(m, data);
    }
    return m->failed ? NL_STOP : NL_OK;
}

int cnl_ipset_list_members(const char *name, char **out, char *err, size_t errlen) {
    *out = NULL;
    struct nl_sock *sock = nl_socket_alloc();
    if (!sock) return cnl_fail(err, errlen, -ENOMEM, "ipset list %s: cannot allocate a socket", name);
    int rc = nl_connect(sock, NETLINK_NETFILTER);
    if (rc < 0) {
        nl_socket_free(sock);
        return cnl_fail(err, errlen, cnl_nlerr_to_errno(rc), "ipset list %s: cannot connect: %s", name,
                        nl_geterror(rc));
    }
    nl_socket_disable_auto_ack(sock);
    nl_socket_set_buffer_size(sock, 4 << 20, 4 << 20);
    struct nl_msg *msg = nlmsg_alloc_simple((NFNL_SUBSYS_IPSET << 8) | IPSET_CMD_LIST, NLM_F_DUMP);
    struct nfgenmsg nfg = {.nfgen_family = AF_INET, .version = NFNETLINK_V0, .res_id = htons(0)};
    if (!msg || nlmsg_append(msg, &nfg, sizeof(nfg), NLMSG_ALIGNTO) < 0 ||
        nla_put_u8(msg, IPSET_ATTR_PROTOCOL, IPSET_PROTOCOL) < 0 || nla_put_string(msg, IPSET_ATTR_SETNAME, name) < 0) {
        if (msg) nlmsg_free(msg);
        nl_socket_free(sock);
        return cnl_fail(err, errlen, -ENOMEM, "ipset list %s: cannot build the message", name);
    }
    struct member_text m = {0};
    rc = cnl_transact(sock, msg, on_list, &m);
    nlmsg_free(msg);
    nl_socket_free(sock);
    if (rc == 0 && m.failed) rc = -ENOMEM;
    if (rc < 0) {
        free(m.text);
        const char *why = rc == -ENOENT ? "The set with the given name does not exist" : strerror(-rc);
        return cnl_fail(err, errlen, rc, "ipset list %s: %s", name, why);
    }
    *out = m.text;
    return m.count;
}
