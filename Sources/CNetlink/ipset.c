/* ipset through libipset (the library behind the ipset tool): commands as argv and bulk restores, in-process. */
#include "cnetlink.h"
#include "common.h"

#include <errno.h>
#include <libipset/ipset.h>
#include <libipset/session.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct ipset_ctx {
    char *out;
    size_t len, cap;
    char message[1024];
    int failed;
};

static pthread_once_t types_once = PTHREAD_ONCE_INIT;
static void load_types(void) { ipset_load_types(); }

static void append(struct ipset_ctx *ctx, const char *text, size_t n) {
    if (ctx->len + n + 1 > ctx->cap) {
        size_t cap = ctx->cap ? ctx->cap : 4096;
        while (cap < ctx->len + n + 1) cap *= 2;
        char *out = realloc(ctx->out, cap);
        if (!out) return;
        ctx->out = out;
        ctx->cap = cap;
    }
    memcpy(ctx->out + ctx->len, text, n);
    ctx->len += n;
    ctx->out[ctx->len] = 0;
}

static int print_out(struct ipset_session *session, void *p, const char *fmt, ...) {
    (void)session;
    struct ipset_ctx *ctx = p;
    char small[512];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(small, sizeof(small), fmt, ap);
    va_end(ap);
    if (n < 0) return n;
    if ((size_t)n < sizeof(small)) {
        append(ctx, small, (size_t)n);
    } else {
        char *big = malloc((size_t)n + 1);
        if (!big) return -1;
        va_start(ap, fmt);
        vsnprintf(big, (size_t)n + 1, fmt, ap);
        va_end(ap);
        append(ctx, big, (size_t)n);
        free(big);
    }
    return n;
}

static int custom_error(struct ipset *ipset, void *p, int status, const char *msg, ...) {
    (void)ipset;
    struct ipset_ctx *ctx = p;
    va_list ap;
    va_start(ap, msg);
    vsnprintf(ctx->message, sizeof(ctx->message), msg, ap);
    va_end(ap);
    ctx->failed = 1;
    return status;
}

static int standard_error(struct ipset *ipset, void *p) {
    struct ipset_ctx *ctx = p;
    struct ipset_session *session = ipset_session(ipset);
    if (ipset_session_report_type(session) == IPSET_ERROR) {
        snprintf(ctx->message, sizeof(ctx->message), "%s", ipset_session_report_msg(session));
        ctx->failed = 1;
        ipset_session_report_reset(session);
        return -1;
    }
    ipset_session_report_reset(session);
    return 0;
}

/* libipset reports no errno; classify its messages. */
static int classify(const char *message) {
    if (strstr(message, "does not exist")) return -ENOENT;
    if (strstr(message, "already exists") || strstr(message, "already added")) return -EEXIST;
    if (strstr(message, "Kernel support protocol versions") || strstr(message, "Protocol not supported") ||
        strstr(message, "Cannot open session to kernel") || strstr(message, "Protocol not available"))
        return -EPROTONOSUPPORT;
    if (strstr(message, "Operation not permitted")) return -EPERM;
    if (strstr(message, "in use")) return -EBUSY;
    return -EINVAL;
}

static void trim(char *message) {
    size_t n = strlen(message);
    while (n > 0 && (message[n - 1] == '\n' || message[n - 1] == ' ')) message[--n] = 0;
}

static struct ipset *open_ipset(struct ipset_ctx *ctx) {
    pthread_once(&types_once, load_types);
    struct ipset *ipset = ipset_init();
    if (!ipset) return NULL;
    ipset_custom_printf(ipset, custom_error, standard_error, print_out, ctx);
    return ipset;
}

int cnl_ipset_command(int argc, const char *const *argv, char **out, char *err, size_t errlen) {
    if (out) *out = NULL;
    struct ipset_ctx ctx = {0};
    struct ipset *ipset = open_ipset(&ctx);
    if (!ipset) return cnl_fail(err, errlen, -ENOMEM, "ipset %s: cannot start a session", argc > 0 ? argv[0] : "");
    char **copy = calloc((size_t)argc + 2, sizeof(char *));
    copy[0] = strdup("ipset");
    for (int i = 0; i < argc; i++) copy[i + 1] = strdup(argv[i]);
    int rc = ipset_parse_argv(ipset, argc + 1, copy);
    ipset_fini(ipset);
    for (int i = 0; i <= argc; i++) free(copy[i]);
    free(copy);
    if (rc != 0 || ctx.failed) {
        free(ctx.out);
        trim(ctx.message);
        char command[256] = "";
        for (int i = 0; i < argc && i < 3; i++) {
            strncat(command, " ", sizeof(command) - strlen(command) - 1);
            strncat(command, argv[i], sizeof(command) - strlen(command) - 1);
        }
        return cnl_fail(err, errlen, classify(ctx.message), "ipset%s: %s", command,
                        ctx.message[0] ? ctx.message : "failed");
    }
    if (out) *out = ctx.out;
    else free(ctx.out);
    return 0;
}

int cnl_ipset_restore(const char *script, char *err, size_t errlen) {
    struct ipset_ctx ctx = {0};
    struct ipset *ipset = open_ipset(&ctx);
    if (!ipset) return cnl_fail(err, errlen, -ENOMEM, "ipset restore: cannot start a session");
    size_t n = strlen(script);
    if (n == 0) {
        ipset_fini(ipset);
        return 0;
    }
    FILE *f = fmemopen((void *)script, n, "r");
    if (!f) {
        ipset_fini(ipset);
        return cnl_fail(err, errlen, -errno, "ipset restore: %s", strerror(errno));
    }
    int rc = ipset_parse_stream(ipset, f);
    fclose(f);
    ipset_fini(ipset);
    free(ctx.out);
    if (rc != 0 || ctx.failed) {
        trim(ctx.message);
        return cnl_fail(err, errlen, classify(ctx.message), "ipset restore: %s", ctx.message[0] ? ctx.message : "failed");
    }
    return 0;
}
