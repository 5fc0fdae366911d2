/*
 * cnetlink: a small C shim over libnl-3 / libnl-genl-3 (the IPVS generic-netlink family, rtnetlink links and
 * addresses) and libipset, for the service proxy's IPVS mode.
 *
 * Conventions: every function returns 0 (or a count) on success and a negative errno on failure, and then writes
 * a NUL-terminated message into `err` (at most `errlen` bytes). Addresses are IPv4 in host byte order; ports are
 * host byte order. Memory returned through out-pointers is released with cnl_free().
 * The public header names no libnl type, so Swift importers need no libnl include path.
 */
#ifndef CNETLINK_H
#define CNETLINK_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

void cnl_free(void *p);

/* ---- IPVS (generic netlink family "IPVS") ---- */

typedef struct cnl_ipvs cnl_ipvs;

/* A virtual server. protocol is IPPROTO_TCP/UDP/SCTP; flags are IP_VS_SVC_F_* (1 = persistent);
 * timeout is the persistence timeout in seconds; netmask the persistence netmask (0xffffffff for /32). */
typedef struct cnl_ipvs_service {
    uint16_t af;
    uint16_t protocol;
    uint32_t addr;
    uint16_t port;
    uint32_t fwmark;
    char sched_name[16];
    uint32_t flags;
    uint32_t timeout;
    uint32_t netmask;
} cnl_ipvs_service;

/* A real server. fwd_method is IP_VS_CONN_F_* (0 = masquerade). The connection counts are read-only. */
typedef struct cnl_ipvs_dest {
    uint32_t addr;
    uint16_t port;
    uint32_t fwd_method;
    uint32_t weight;
    uint32_t u_thresh;
    uint32_t l_thresh;
    uint32_t active_conns;
    uint32_t inact_conns;
    uint32_t persist_conns;
} cnl_ipvs_dest;

/* Opens a generic-netlink socket and resolves the IPVS family; -ENOENT when the kernel has no IPVS. */
int cnl_ipvs_open(cnl_ipvs **out, char *err, size_t errlen);
void cnl_ipvs_close(cnl_ipvs *h);
int cnl_ipvs_family(const cnl_ipvs *h);

int cnl_ipvs_add_service(cnl_ipvs *h, const cnl_ipvs_service *svc, char *err, size_t errlen);
int cnl_ipvs_update_service(cnl_ipvs *h, const cnl_ipvs_service *svc, char *err, size_t errlen);
int cnl_ipvs_delete_service(cnl_ipvs *h, const cnl_ipvs_service *svc, char *err, size_t errlen);
/* Every virtual server (IPv4); *out is malloc'ed, the return value is the count. */
int cnl_ipvs_list_services(cnl_ipvs *h, cnl_ipvs_service **out, char *err, size_t errlen);
int cnl_ipvs_add_dest(cnl_ipvs *h, const cnl_ipvs_service *svc, const cnl_ipvs_dest *d, char *err, size_t errlen);
int cnl_ipvs_update_dest(cnl_ipvs *h, const cnl_ipvs_service *svc, const cnl_ipvs_dest *d, char *err, size_t errlen);
int cnl_ipvs_delete_dest(cnl_ipvs *h, const cnl_ipvs_service *svc, const cnl_ipvs_dest *d, char *err, size_t errlen);
int cnl_ipvs_list_dests(cnl_ipvs *h, const cnl_ipvs_service *svc, cnl_ipvs_dest **out, char *err, size_t errlen);
/* Deletes every virtual server. */
int cnl_ipvs_flush(cnl_ipvs *h, char *err, size_t errlen);

/* ---- rtnetlink: the dummy link and its addresses ---- */

/* Creates a dummy link named `name`; 0 also when it exists already (then *created = 0). */
int cnl_link_ensure_dummy(const char *name, int *created, char *err, size_t errlen);
int cnl_link_delete(const char *name, char *err, size_t errlen);
/* The interface index of `name`, or -ENODEV. */
int cnl_link_index(const char *name, char *err, size_t errlen);
/* Adds `addr`/prefix to link `name`; 0 also when it is there already. */
int cnl_addr_add(const char *name, uint32_t addr, int prefix, char *err, size_t errlen);
/* Deletes `addr`/prefix from link `name`; 0 also when it was not there. */
int cnl_addr_delete(const char *name, uint32_t addr, int prefix, char *err, size_t errlen);
/* The IPv4 addresses of link `name`; *out is malloc'ed, the return value is the count. */
int cnl_addr_list(const char *name, uint32_t **out, char *err, size_t errlen);

/* ---- ipset (libipset) ---- */

/* Runs one ipset command given as argv without the program name, e.g. {"create", "S", "hash:ip", "-exist"}.
 * Output (list/save) is returned in *out (malloc'ed, may be NULL when empty). */
int cnl_ipset_command(int argc, const char *const *argv, char **out, char *err, size_t errlen);
/* Runs `ipset restore` on `script` (lines like "add S 10.0.0.1,tcp:80"), all in one session. */
int cnl_ipset_restore(const char *script, char *err, size_t errlen);
/* The members of set `name` as `ipset save` prints them ("10.96.0.1,tcp:80"), one per line, read by one
 * nfnetlink dump (not through libipset's printing, which opens /etc/protocols once per element). *out is
 * malloc'ed (NULL when empty); the return value is the count; -ENOENT when the set does not exist. */
int cnl_ipset_list_members(const char *name, char **out, char *err, size_t errlen);

#ifdef __cplusplus
}
#endif

#endif
