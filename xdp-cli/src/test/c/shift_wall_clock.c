/*
 * shift_wall_clock: an LD_PRELOAD shim that shifts the wall clock of one
 * process (and its children) by an offset a test can change while the
 * process runs. The host's clock is never touched: tests must not step it.
 *
 *   XIC_WALL_CLOCK_OFFSET_FILE=/path/offset LD_PRELOAD=/path/libshift_wall_clock.so java ...
 *
 * The file holds the offset as one signed little-endian 64-bit count of
 * nanoseconds at byte 0. It is mapped once, MAP_SHARED, so that a write by
 * the test (ShiftedWallClock.set) is seen by the next call here without a
 * system call per read. No variable, no file, a file shorter than 8 bytes:
 * no shift.
 *
 * Only the wall clock moves (CLOCK_REALTIME, CLOCK_REALTIME_COARSE and the
 * calls that read it); CLOCK_MONOTONIC*, CLOCK_BOOTTIME and the CPU clocks
 * pass through, as they do when an NTP step or `date -s` moves the real
 * wall clock. CLOCK_TAI and CLOCK_REALTIME_ALARM are left alone too: nothing
 * in the JVM reads them.
 *
 * What it cannot do: the kernel's own idea of real time does not move, so an
 * absolute CLOCK_REALTIME deadline computed from the shifted clock
 * (pthread_cond_timedwait on a realtime condvar, sem_timedwait, timerfd or
 * timer_create with TIMER_ABSTIME) expires early after a backward shift and
 * late after a forward one. Java's timed waits are not such deadlines:
 * Object.wait, LockSupport.parkNanos and parkUntil time out right under a
 * 10-minute shift (checked on Temurin 25).
 *
 * Every interposed call is async-signal-safe and thread-safe: after the
 * constructor (which runs before main, before any thread exists) the state
 * is read-only except the mapped offset, read with one atomic 64-bit load.
 * A call that arrives before the constructor (another library's
 * constructor) goes straight to the kernel, unshifted.
 *
 * Symbols, checked on x86_64 glibc 2.36 (Debian 12) and Temurin 25:
 *  - clock_gettime: what HotSpot reads for System.currentTimeMillis() and
 *    Instant.now() (os::javaTimeMillis, os::javaTimeSystemUTC), and what
 *    coreutils' date reads. libjvm.so imports clock_gettime@GLIBC_2.2.5,
 *    date imports clock_gettime@GLIBC_2.17; an unversioned definition here
 *    satisfies both.
 *  - gettimeofday: libc resolves it straight to the vDSO (an IFUNC), not
 *    through clock_gettime, so it needs its own hook; libnet.so and libjli.so
 *    import it.
 *  - time: also an IFUNC to the vDSO; libjvm.so and libjava.so import it.
 *  - timespec_get: C11; libc implements it with an internal call to
 *    __clock_gettime that no preload can reach, so it needs its own hook.
 *  - Not here: clock_gettime64 and __clock_gettime64 exist only where
 *    time_t is 32 bits (i386, arm), not on x86_64; __clock_gettime is
 *    GLIBC_PRIVATE and only called from inside libc; ftime is obsolete and
 *    imported by nothing in the JDK.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#define NANOS_PER_SECOND 1000000000L

typedef int (*clock_gettime_fn)(clockid_t, struct timespec *);
typedef int (*gettimeofday_fn)(struct timeval *, void *);
typedef time_t (*time_fn)(time_t *);
typedef int (*timespec_get_fn)(struct timespec *, int);

static clock_gettime_fn real_clock_gettime;
static gettimeofday_fn real_gettimeofday;
static time_fn real_time;
static timespec_get_fn real_timespec_get;

/* The mapped offset in nanoseconds, or NULL: no shift. */
static const int64_t *offset_nanos;

__attribute__((constructor)) static void shift_wall_clock_init(void) {
    real_clock_gettime = (clock_gettime_fn) dlsym(RTLD_NEXT, "clock_gettime");
    real_gettimeofday = (gettimeofday_fn) dlsym(RTLD_NEXT, "gettimeofday");
    real_time = (time_fn) dlsym(RTLD_NEXT, "time");
    real_timespec_get = (timespec_get_fn) dlsym(RTLD_NEXT, "timespec_get");

    const char *path = getenv("XIC_WALL_CLOCK_OFFSET_FILE");
    if (path == NULL || *path == '\0') {
        return;
    }
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        return;
    }
    struct stat status;
    /* Reading a mapped page past the end of a file raises SIGBUS. */
    if (fstat(fd, &status) == 0 && status.st_size >= (off_t) sizeof(int64_t)) {
        void *mapped = mmap(NULL, sizeof(int64_t), PROT_READ, MAP_SHARED, fd, 0);
        if (mapped != MAP_FAILED) {
            offset_nanos = (const int64_t *) mapped;
        }
    }
    close(fd); /* the mapping outlives the descriptor */
}

static int64_t current_offset(void) {
    const int64_t *offset = offset_nanos;
    /* Atomic: never half of an old and half of a new offset while the test writes it. */
    return offset == NULL ? 0 : __atomic_load_n(offset, __ATOMIC_RELAXED);
}

static void shift(struct timespec *ts, int64_t offset) {
    ts->tv_sec += offset / NANOS_PER_SECOND;
    ts->tv_nsec += offset % NANOS_PER_SECOND; /* C division truncates: |remainder| < 1 s */
    if (ts->tv_nsec >= NANOS_PER_SECOND) {
        ts->tv_nsec -= NANOS_PER_SECOND;
        ts->tv_sec += 1;
    } else if (ts->tv_nsec < 0) {
        ts->tv_nsec += NANOS_PER_SECOND;
        ts->tv_sec -= 1;
    }
}

int clock_gettime(clockid_t clock, struct timespec *ts) {
    int result = real_clock_gettime != NULL ? real_clock_gettime(clock, ts)
                                            : (int) syscall(SYS_clock_gettime, clock, ts);
    if (result == 0 && (clock == CLOCK_REALTIME || clock == CLOCK_REALTIME_COARSE)) {
        int64_t offset = current_offset();
        if (offset != 0) {
            shift(ts, offset);
        }
    }
    return result;
}

int gettimeofday(struct timeval *restrict tv, void *restrict tz) {
    int result = real_gettimeofday != NULL ? real_gettimeofday(tv, tz)
                                           : (int) syscall(SYS_gettimeofday, tv, tz);
    int64_t offset;
    /* No NULL check on tv: glibc declares it nonnull, so the compiler would drop one. */
    if (result == 0 && (offset = current_offset()) != 0) {
        struct timespec ts = {.tv_sec = tv->tv_sec, .tv_nsec = tv->tv_usec * 1000L};
        shift(&ts, offset);
        tv->tv_sec = ts.tv_sec;
        tv->tv_usec = ts.tv_nsec / 1000L;
    }
    return result;
}

time_t time(time_t *out) {
    int64_t offset = current_offset();
    time_t now;
    if (offset == 0 || real_clock_gettime == NULL) {
        now = real_time != NULL ? real_time(NULL) : (time_t) syscall(SYS_time, NULL);
    } else {
        /* The seconds of the coarse wall clock are what the vDSO's time()
         * returns; reading them with the sub-second part keeps a shift that
         * is not a whole number of seconds consistent with clock_gettime. */
        struct timespec ts;
        real_clock_gettime(CLOCK_REALTIME_COARSE, &ts);
        shift(&ts, offset);
        now = ts.tv_sec;
    }
    if (out != NULL) {
        *out = now;
    }
    return now;
}

int timespec_get(struct timespec *ts, int base) {
    int result;
    if (real_timespec_get != NULL) {
        result = real_timespec_get(ts, base);
    } else {
        result = base == TIME_UTC && syscall(SYS_clock_gettime, CLOCK_REALTIME, ts) == 0 ? base : 0;
    }
    int64_t offset;
    if (result == TIME_UTC && (offset = current_offset()) != 0) {
        shift(ts, offset);
    }
    return result;
}
