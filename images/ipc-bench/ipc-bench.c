/*
 * ipc-bench: exercises System V message queues and semaphores in the IPC namespace it runs in, so
 * that the pod sysctls kernel.msgmax, kernel.msgmnb and kernel.sem show what they change.
 *
 *   ipc-bench msg --sizes 4096,16384 --seconds 2
 *       per size: msgsnd+msgrcv round trips for the time given (EINVAL when size > kernel.msgmax),
 *       then how many messages of that size fit in one queue before it is full (kernel.msgmnb).
 *   ipc-bench sem --nsops 100,500 --seconds 2 [--nsems 32000,32001]
 *       per nsops: semop() calls of that many operations (E2BIG when nsops > SEMOPM, the 3rd field
 *       of kernel.sem); per nsems: whether semget() gives a set that large (EINVAL when > SEMMSL).
 *
 * Every call is IPC_NOWAIT, so a full queue or a blocked semaphore never hangs the run; every
 * object is created IPC_PRIVATE and removed before exit. Prints one JSON object on stdout.
 * Exit status: 0 when the run happened (failed calls are results, not failures), 2 on bad arguments.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/msg.h>
#include <sys/sem.h>
#include <time.h>

#define MAX_CASES 32
#define MAX_SECONDS 60.0
#define MAX_MSG_SIZE (16 * 1024 * 1024)
#define MAX_NSOPS 65536
/* A case whose calls all fail stops after this many, so that an error case does not spin for the
 * whole duration and the counts stay readable. */
#define GIVE_UP_AFTER 1000
#define MAX_FILL 1000000L

struct errors { long einval, e2big, enospc, eagain, other; };

static void count_error(struct errors *e, int err) {
    switch (err) {
    case EINVAL: e->einval++; break;
    case E2BIG: e->e2big++; break;
    case ENOSPC: e->enospc++; break;
    case EAGAIN: e->eagain++; break;
    default: e->other++; break;
    }
}

static long total_errors(const struct errors *e) { return e->einval + e->e2big + e->enospc + e->eagain + e->other; }

static void print_errors(const struct errors *e) {
    printf("{\"EINVAL\":%ld,\"E2BIG\":%ld,\"ENOSPC\":%ld,\"EAGAIN\":%ld,\"other\":%ld}",
           e->einval, e->e2big, e->enospc, e->eagain, e->other);
}

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void usage(const char *why) {
    fprintf(stderr, "ipc-bench: %s\n"
                    "usage: ipc-bench msg [--sizes N,N...] [--seconds S]\n"
                    "       ipc-bench sem [--nsops N,N...] [--nsems N,N...] [--seconds S]\n", why);
    exit(2);
}

/* Parses "4096,16384" into out[]; returns the count. */
static int parse_list(const char *s, long *out, long lo, long hi, const char *what) {
    int n = 0;
    const char *p = s;
    while (*p) {
        char *end;
        errno = 0;
        long v = strtol(p, &end, 10);
        if (end == p || errno || v < lo || v > hi) {
            char msg[160];
            snprintf(msg, sizeof msg, "%s: each value must be an integer in [%ld, %ld]", what, lo, hi);
            usage(msg);
        }
        if (n == MAX_CASES) usage("too many values in a list");
        out[n++] = v;
        if (*end == ',') end++;
        else if (*end) usage("lists are comma-separated integers");
        p = end;
    }
    if (n == 0) usage("empty list");
    return n;
}

/* Reads /proc/sys/<path> into up to max longs; returns how many were read, 0 when unreadable. */
static int read_limits(const char *path, long *out, int max) {
    FILE *f = fopen(path, "r");
    if (!f) return 0;
    int n = 0;
    while (n < max && fscanf(f, "%ld", &out[n]) == 1) n++;
    fclose(f);
    return n;
}

static void print_limit(const char *name, const char *path, int *first) {
    long v[4];
    int n = read_limits(path, v, 4);
    printf("%s\"%s\":", *first ? "" : ",", name);
    *first = 0;
    if (n == 0) { printf("null"); return; }
    if (n == 1) { printf("%ld", v[0]); return; }
    printf("\"");
    for (int i = 0; i < n; i++) printf("%s%ld", i ? " " : "", v[i]);
    printf("\"");
}

static void print_limits(void) {
    int first = 1;
    printf("\"limits\":{");
    print_limit("kernel.msgmax", "/proc/sys/kernel/msgmax", &first);
    print_limit("kernel.msgmnb", "/proc/sys/kernel/msgmnb", &first);
    print_limit("kernel.msgmni", "/proc/sys/kernel/msgmni", &first);
    print_limit("kernel.sem", "/proc/sys/kernel/sem", &first);
    long sem[4];
    if (read_limits("/proc/sys/kernel/sem", sem, 4) == 4)
        printf(",\"semmsl\":%ld,\"semmns\":%ld,\"semopm\":%ld,\"semmni\":%ld", sem[0], sem[1], sem[2], sem[3]);
    printf("}");
}

struct msgbuf_big { long mtype; char mtext[]; };

static int run_msg(const long *sizes, int nsizes, double seconds) {
    long maxsize = 0;
    for (int i = 0; i < nsizes; i++) if (sizes[i] > maxsize) maxsize = sizes[i];
    struct msgbuf_big *buf = malloc(sizeof(long) + (size_t)maxsize);
    if (!buf) { perror("ipc-bench: malloc"); return 1; }
    memset(buf->mtext, 'x', (size_t)maxsize);

    printf("{\"test\":\"msg\",\"seconds\":%g,", seconds);
    print_limits();
    printf(",\"cases\":[");
    for (int c = 0; c < nsizes; c++) {
        long size = sizes[c];
        struct errors e = {0};
        long ops = 0, attempts = 0, fill_msgs = 0, fill_bytes = 0;
        int fill_errno = 0, stopped_early = 0;
        double elapsed = 0;
        int q = msgget(IPC_PRIVATE, IPC_CREAT | 0600);
        if (q < 0) {
            count_error(&e, errno);
        } else {
            /* Throughput: one message sent and received back is one op. */
            double start = now(), end = start + seconds;
            while (1) {
                attempts++;
                buf->mtype = 1;
                if (msgsnd(q, buf, (size_t)size, IPC_NOWAIT) != 0) {
                    count_error(&e, errno);
                } else if (msgrcv(q, buf, (size_t)size, 0, IPC_NOWAIT) < 0) {
                    count_error(&e, errno);
                } else {
                    ops++;
                }
                if ((attempts & 63) == 0 || ops == 0) {
                    double t = now();
                    if (t >= end) break;
                    if (ops == 0 && total_errors(&e) >= GIVE_UP_AFTER) { stopped_early = 1; break; }
                }
            }
            elapsed = now() - start;
            /* Capacity: how many messages of this size the queue holds before msgsnd says EAGAIN
             * (bytes limited by kernel.msgmnb). */
            while (fill_msgs < MAX_FILL) {
                buf->mtype = 1;
                if (msgsnd(q, buf, (size_t)size, IPC_NOWAIT) != 0) { fill_errno = errno; break; }
                fill_msgs++;
                fill_bytes += size;
            }
            msgctl(q, IPC_RMID, NULL);
        }
        printf("%s{\"size\":%ld,\"ops\":%ld,\"attempts\":%ld,\"seconds\":%.3f,\"ops_per_s\":%.1f,\"errors\":",
               c ? "," : "", size, ops, attempts, elapsed, elapsed > 0 ? (double)ops / elapsed : 0.0);
        print_errors(&e);
        printf(",\"stopped_early\":%s,\"queue_fill\":{\"messages\":%ld,\"bytes\":%ld,\"stopped_by\":\"%s\"}}",
               stopped_early ? "true" : "false", fill_msgs, fill_bytes,
               fill_errno == EAGAIN ? "EAGAIN" : fill_errno == EINVAL ? "EINVAL" : fill_errno ? "other" : "cap");
    }
    printf("]}\n");
    free(buf);
    return 0;
}

static int run_sem(const long *nsops_list, int n, const long *nsems_list, int nnsems, double seconds) {
    long sem[4] = {0};
    read_limits("/proc/sys/kernel/sem", sem, 4);
    printf("{\"test\":\"sem\",\"seconds\":%g,", seconds);
    print_limits();
    printf(",\"cases\":[");
    for (int c = 0; c < n; c++) {
        long nsops = nsops_list[c];
        struct errors e = {0};
        long ops = 0, attempts = 0;
        int stopped_early = 0;
        double elapsed = 0;
        /* One semaphore per operation, as a batch over many resources would do; the set is
         * capped at SEMMSL so that what is measured is the nsops limit (SEMOPM), not SEMMSL. */
        long nsems = nsops;
        if (sem[0] > 0 && nsems > sem[0]) nsems = sem[0];
        int id = semget(IPC_PRIVATE, (int)nsems, IPC_CREAT | 0600);
        struct sembuf *up = calloc((size_t)nsops, sizeof *up), *down = calloc((size_t)nsops, sizeof *down);
        if (!up || !down) { perror("ipc-bench: calloc"); return 1; }
        for (long i = 0; i < nsops; i++) {
            up[i] = (struct sembuf){ .sem_num = (unsigned short)(i % nsems), .sem_op = 1, .sem_flg = IPC_NOWAIT };
            down[i] = (struct sembuf){ .sem_num = (unsigned short)(i % nsems), .sem_op = -1, .sem_flg = IPC_NOWAIT };
        }
        if (id < 0) {
            count_error(&e, errno);
        } else {
            /* One op is one semop() call of nsops operations; up then down keeps values at 0..k. */
            double start = now(), end = start + seconds;
            int going_up = 1;
            while (1) {
                attempts++;
                if (semop(id, going_up ? up : down, (size_t)nsops) != 0) {
                    count_error(&e, errno);
                } else {
                    ops++;
                    going_up = !going_up;
                }
                if ((attempts & 63) == 0 || ops == 0) {
                    double t = now();
                    if (t >= end) break;
                    if (ops == 0 && total_errors(&e) >= GIVE_UP_AFTER) { stopped_early = 1; break; }
                }
            }
            elapsed = now() - start;
            semctl(id, 0, IPC_RMID);
        }
        free(up);
        free(down);
        printf("%s{\"nsops\":%ld,\"nsems\":%ld,\"ops\":%ld,\"attempts\":%ld,\"seconds\":%.3f,\"ops_per_s\":%.1f,\"errors\":",
               c ? "," : "", nsops, nsems, ops, attempts, elapsed, elapsed > 0 ? (double)ops / elapsed : 0.0);
        print_errors(&e);
        printf(",\"stopped_early\":%s}", stopped_early ? "true" : "false");
    }
    printf("],\"sets\":[");
    for (int c = 0; c < nnsems; c++) {
        struct errors e = {0};
        int id = semget(IPC_PRIVATE, (int)nsems_list[c], IPC_CREAT | 0600);
        if (id < 0) count_error(&e, errno);
        else semctl(id, 0, IPC_RMID);
        printf("%s{\"nsems\":%ld,\"ok\":%s,\"errors\":", c ? "," : "", nsems_list[c], id >= 0 ? "true" : "false");
        print_errors(&e);
        printf("}");
    }
    printf("]}\n");
    return 0;
}

int main(int argc, char **argv) {
    if (argc < 2) usage("which test? msg or sem");
    const char *test = argv[1];
    long sizes[MAX_CASES] = {4096, 16384}, nsops[MAX_CASES] = {100, 500}, nsems[MAX_CASES];
    int nsizes = 2, nnsops = 2, nnsems = -1;
    double seconds = 2;
    for (int i = 2; i < argc; i++) {
        const char *a = argv[i];
        if (i + 1 >= argc) usage("every option takes a value");
        const char *v = argv[++i];
        if (!strcmp(a, "--sizes")) nsizes = parse_list(v, sizes, 1, MAX_MSG_SIZE, "--sizes");
        else if (!strcmp(a, "--nsops")) nnsops = parse_list(v, nsops, 1, MAX_NSOPS, "--nsops");
        else if (!strcmp(a, "--nsems")) nnsems = parse_list(v, nsems, 1, 1L << 20, "--nsems");
        else if (!strcmp(a, "--seconds")) {
            char *end;
            seconds = strtod(v, &end);
            if (*end || !(seconds > 0 && seconds <= MAX_SECONDS)) usage("--seconds must be in (0, 60]");
        } else usage("unknown option");
    }
    setvbuf(stdout, NULL, _IOFBF, 1 << 16);
    if (!strcmp(test, "msg")) return run_msg(sizes, nsizes, seconds);
    if (!strcmp(test, "sem")) {
        if (nnsems < 0) {
            /* By default, the boundary: a set of exactly SEMMSL semaphores, and one more. */
            long sem[4] = {0};
            if (read_limits("/proc/sys/kernel/sem", sem, 4) >= 1 && sem[0] > 0) {
                nsems[0] = sem[0];
                nsems[1] = sem[0] + 1;
                nnsems = 2;
            } else {
                nnsems = 0;
            }
        }
        return run_sem(nsops, nnsops, nsems, nnsems, seconds);
    }
    usage("which test? msg or sem");
    return 2;
}
