/*
 * Reads every clock shift_wall_clock interposes, for ShiftedWallClockTest,
 * and measures the cost of a clock_gettime(CLOCK_REALTIME) call.
 *
 *   wall_clock_probe print      one line: name=nanoseconds for each clock
 *   wall_clock_probe bench N    ns per clock_gettime(CLOCK_REALTIME), over N calls
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>

static int64_t nanos(struct timespec ts) {
    return (int64_t) ts.tv_sec * 1000000000L + ts.tv_nsec;
}

static int64_t read_clock(clockid_t clock) {
    struct timespec ts;
    clock_gettime(clock, &ts);
    return nanos(ts);
}

int main(int argc, char **argv) {
    if (argc == 2 && strcmp(argv[1], "print") == 0) {
        struct timeval tv;
        gettimeofday(&tv, NULL);
        struct timespec utc;
        timespec_get(&utc, TIME_UTC);
        printf("realtime=%lld realtime_coarse=%lld gettimeofday=%lld time=%lld timespec_get=%lld monotonic=%lld\n",
               (long long) read_clock(CLOCK_REALTIME), (long long) read_clock(CLOCK_REALTIME_COARSE),
               (long long) tv.tv_sec * 1000000000LL + tv.tv_usec * 1000LL, (long long) time(NULL) * 1000000000LL,
               (long long) nanos(utc), (long long) read_clock(CLOCK_MONOTONIC));
        return 0;
    }
    if (argc == 3 && strcmp(argv[1], "bench") == 0) {
        long calls = atol(argv[2]);
        struct timespec ts;
        int64_t sink = 0;
        int64_t start = read_clock(CLOCK_MONOTONIC);
        for (long i = 0; i < calls; i++) {
            clock_gettime(CLOCK_REALTIME, &ts);
            sink += ts.tv_nsec;
        }
        int64_t elapsed = read_clock(CLOCK_MONOTONIC) - start;
        printf("%.2f ns/call over %ld calls (%lld)\n", (double) elapsed / calls, calls, (long long) (sink & 1));
        return 0;
    }
    fprintf(stderr, "usage: %s print | bench CALLS\n", argv[0]);
    return 2;
}
