/* bench_null_server.c - the ingest benchmark's baseline: a bare libmicrohttpd server that reads
 * each request body whole, discards it and answers a fixed JSON reply. epoll with a pool of one
 * thread per CPU, which suits a server that never waits (lanternd runs more: its workers wait for
 * their batches' commits); no signature check, no parsing, no storage. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <microhttpd.h>

static const char reply[] = "{\"accepted\":[],\"duplicates\":[],\"conflicts\":[],\"rejected\":[]}";

struct req {
    size_t bytes;
};

static enum MHD_Result on_access(void *cls, struct MHD_Connection *conn, const char *url,
                                 const char *method, const char *version, const char *data,
                                 size_t *size, void **con_cls)
{
    struct req *r = *con_cls;
    struct MHD_Response *resp;
    enum MHD_Result ret;

    (void)cls;
    (void)url;
    (void)method;
    (void)version;
    (void)data;
    if (r == NULL) {
        r = calloc(1, sizeof *r);
        if (r == NULL)
            return MHD_NO;
        *con_cls = r;
        return MHD_YES;
    }
    if (*size != 0) {
        r->bytes += *size; /* read and dropped */
        *size = 0;
        return MHD_YES;
    }
    resp = MHD_create_response_from_buffer(sizeof reply - 1, (void *)(uintptr_t)reply,
                                           MHD_RESPMEM_PERSISTENT);
    if (resp == NULL)
        return MHD_NO;
    MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, "application/json");
    ret = MHD_queue_response(conn, MHD_HTTP_OK, resp);
    MHD_destroy_response(resp);
    return ret;
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
    (void)cls;
    (void)conn;
    (void)toe;
    free(*con_cls);
    *con_cls = NULL;
}

int main(int argc, char **argv)
{
    struct MHD_Daemon *d;
    const union MHD_DaemonInfo *info;
    const char *port_file = argc > 1 ? argv[1] : NULL;
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    struct sockaddr_in addr;
    sigset_t set;
    int sig;

    if (argc > 2 || (argc == 2 && strcmp(argv[1], "--help") == 0)) {
        fputs("usage: bench_null_server [PORT_FILE]\n"
              "  serves on 127.0.0.1 (any free port, written to PORT_FILE) until SIGTERM\n",
              stderr);
        return 2;
    }
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    sigprocmask(SIG_BLOCK, &set, NULL);
    memset(&addr, 0, sizeof addr);
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    d = MHD_start_daemon(MHD_USE_EPOLL_INTERNAL_THREAD | MHD_USE_ERROR_LOG, 0, NULL, NULL,
                         on_access, NULL, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&addr,
                         MHD_OPTION_THREAD_POOL_SIZE, (unsigned)(cpus < 1 ? 1 : cpus),
                         MHD_OPTION_CONNECTION_LIMIT, 1024u, MHD_OPTION_CONNECTION_TIMEOUT, 15u,
                         MHD_OPTION_NOTIFY_COMPLETED, on_completed, (void *)NULL, MHD_OPTION_END);
    if (d == NULL) {
        fputs("bench_null_server: cannot start\n", stderr);
        return 1;
    }
    info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
    if (port_file != NULL) {
        char tmp[4096];
        FILE *f;
        snprintf(tmp, sizeof tmp, "%s.tmp", port_file);
        f = fopen(tmp, "w");
        if (f == NULL || fprintf(f, "%u\n", (unsigned)info->port) < 0 || fclose(f) != 0 ||
            rename(tmp, port_file) != 0) {
            fputs("bench_null_server: cannot write the port file\n", stderr);
            MHD_stop_daemon(d);
            return 1;
        }
    } else {
        printf("%u\n", (unsigned)info->port);
        fflush(stdout);
    }
    sigwait(&set, &sig);
    MHD_stop_daemon(d);
    return 0;
}
