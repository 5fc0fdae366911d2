/*
 * pause.c — the node-agent's pod sandbox "infra" process (image registry.k8s.io/pause:3.9,
 * built locally by deploy/setup-node.sh because no registry is reachable).
 *
 * It holds the pod's namespaces open and does nothing else:
 *   - blocks in pause() forever;
 *   - reaps every exited child on SIGCHLD (waitpid(-1, WNOHANG) loop), so it can be PID 1 of a
 *     pod whose processes share its PID namespace;
 *   - exits 0 at once on SIGINT or SIGTERM.
 *
 * Build: gcc -static -Os -o pause pause.c && strip pause
 */
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

static void say(const char *msg) {
    ssize_t ignored = write(STDERR_FILENO, msg, strlen(msg));
    (void)ignored;
}

static void on_shutdown(int signo) {
    (void)signo;
    _exit(0);
}

static void on_child(int signo) {
    (void)signo;
    int saved = errno;
    while (waitpid(-1, NULL, WNOHANG) > 0) {
    }
    errno = saved;
}

static int install(int signo, void (*handler)(int), int flags) {
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = handler;
    sa.sa_flags = flags;
    sigemptyset(&sa.sa_mask);
    return sigaction(signo, &sa, NULL);
}

int main(int argc, char **argv) {
    if (argc > 1 && (strcmp(argv[1], "-v") == 0 || strcmp(argv[1], "--version") == 0)) {
        say("pause (node-agent) 3.9\n");
        return 0;
    }
    if (getpid() != 1) {
        say("pause: warning: not running as PID 1\n");
    }
    if (install(SIGINT, on_shutdown, 0) < 0 || install(SIGTERM, on_shutdown, 0) < 0 ||
        install(SIGCHLD, on_child, SA_NOCLDSTOP | SA_RESTART) < 0) {
        say("pause: sigaction failed\n");
        return 1;
    }
    for (;;) {
        pause();
    }
}
