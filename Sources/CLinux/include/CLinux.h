#ifndef CLINUX_H
#define CLINUX_H

// Makes the Linux-only readiness and file APIs visible to Swift.
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/sendfile.h>
#include <sys/uio.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>
#include <netdb.h>
#include <fcntl.h>
#include <unistd.h>
#include <errno.h>
#include <stdint.h>
#include <malloc.h>

/// errno as a plain function, so Swift code reads it right after the call that set it.
static inline int clinux_errno(void) { return errno; }

/// `epoll_event` is packed on x86_64; these accessors keep Swift away from its layout.
static inline uint64_t clinux_epoll_event_data(const struct epoll_event *event) { return event->data.u64; }
static inline uint32_t clinux_epoll_event_events(const struct epoll_event *event) { return event->events; }
static inline struct epoll_event clinux_epoll_event_make(uint32_t events, uint64_t data) {
    struct epoll_event event;
    event.events = events;
    event.data.u64 = data;
    return event;
}

/// accept4(2) is declared only under _GNU_SOURCE, which the Swift Glibc module is built without;
/// this prototype matches glibc's, so the transport can accept non-blocking, close-on-exec sockets in one call.
extern int accept4(int fd, struct sockaddr *address, socklen_t *length, int flags);
static inline int clinux_accept4(int fd, struct sockaddr *address, socklen_t *length, int flags) {
    return accept4(fd, address, length, flags);
}

/// glibc's allocator for a long-running server: at most `arenas` arenas (by default 8 a core, and each
/// keeps the free memory of the threads that used it), and blocks from `mmap_threshold` bytes up taken
/// with mmap and given back whole when freed (the default threshold grows up to 32 MiB after the first
/// large free, after which a 30 MiB line buffer stays in a heap). Returns 1 when both were accepted.
static inline int clinux_malloc_configure(int arenas, int mmap_threshold) {
    return mallopt(M_ARENA_MAX, arenas) == 1 && mallopt(M_MMAP_THRESHOLD, mmap_threshold) == 1;
}

/// Gives the free pages of every arena back to the kernel (`malloc_trim(0)`); 1 when some were.
static inline int clinux_malloc_trim(void) { return malloc_trim(0); }

#endif
