/*
 * fdchannel.c: a forked trial's own pipes and socket pairs.
 *
 * A pipe or a socket pair that the target made holds its queued bytes in
 * the one kernel object that a fork shares: what one trial wrote, the
 * server and every later trial read (asyncio's loop wakes itself through
 * a socket pair). An exec'd trial makes its own. A fork server with no
 * child of its own (forksrv.c checks) holds every end of such a channel
 * there is, so a trial can be given a new one: the bytes queued at the
 * stop copied in (a pipe's by tee(2), a socket's by a peek), each end at
 * the numbers it had, with its flags. The server waits until the trial
 * has copied them (forksrv.c) before it runs on and reads or writes.
 *
 * Only what can be told whole is taken: an anonymous pipe, and an
 * AF_UNIX stream socket whose peer is also the server's, connected and
 * not shut down (sock_diag(7) names the peer), or whose unnamed peer has
 * closed (a new pair whose peer is closed too), with no more queued than
 * the copy buffer. A named FIFO, another kind of socket, or more
 * channels or numbers than the tables hold leave the stop unsafe (the
 * point is exec'd). File descriptors in flight (SCM_RIGHTS) and socket
 * options are not copied.
 * Nothing here allocates (called inside the allocation hook).
 */
#include "internal.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <linux/unix_diag.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <unistd.h>

/* Channels and numbers one stop can note; one more makes it unsafe. */
#define PF_CHANNELS_MAX 32
#define PF_CHANNEL_FDS_MAX 128
/* sock_diag's shutdown bits: the kernel's RCV_SHUTDOWN | SEND_SHUTDOWN. */
#define PF_SHUT_BOTH 3
/* A socket end's queued bytes past this are not copied: unsafe. */
#define PF_CHANNEL_QUEUED_MAX (64 * 1024)

struct channel {
    bool socket;
    ino_t ino[2]; /* a pipe: ino[0]; a socket pair: this end's, its peer's */
    int pipe_size;
};

struct channel_fd {
    int fd, flags, cloexec;
    int channel;
    int end;     /* a pipe: 0 read, 1 write; a socket: its ino's index */
    int same_as; /* an earlier entry with the same open description, or -1 */
};

static struct channel channels[PF_CHANNELS_MAX];
static int nchannels;
static struct channel_fd fds[PF_CHANNEL_FDS_MAX];
static int nfds;

/* The peek buffer of a trial's copies (one thread forks). */
static char queued[PF_CHANNEL_QUEUED_MAX];

void pf_channels_reset(void)
{
    nchannels = nfds = 0;
}

bool pf_channels_noted(void)
{
    return nchannels > 0;
}

/* The channel holding INO (as either end), or -1. */
static int channel_of(ino_t ino)
{
    for (int i = 0; i < nchannels; i++)
        if (channels[i].ino[0] == ino || (channels[i].socket && channels[i].ino[1] == ino))
            return i;
    return -1;
}

/* The earlier entry of channel C's END that is FD's open description,
 * or -1. */
static int same_description(int fd, int c, int end)
{
    for (int i = 0; i < nfds; i++)
        if (fds[i].channel == c && fds[i].end == end && fds[i].same_as < 0 &&
            pf_fd_one_description(fd, pf_pid(), fds[i].fd))
            return i;
    return -1;
}

/* What sock_diag(7) says of a connected socket. */
enum peer_kind {
    PEER_UNKNOWN, /* it cannot tell, or the socket is shut down one way */
    PEER_LIVE,    /* a peer, neither end shut down: *PEER its inode */
    PEER_CLOSED,  /* the peer closed (inode 0), both ways shut */
};

/* Socket INO's peer, by sock_diag(7). */
static enum peer_kind unix_peer(ino_t ino, ino_t *peer)
{
    int nl = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
    if (nl < 0)
        return PEER_UNKNOWN;
    struct {
        struct nlmsghdr h;
        struct unix_diag_req r;
    } req = {
        .h = {.nlmsg_len = sizeof req, .nlmsg_type = SOCK_DIAG_BY_FAMILY,
              .nlmsg_flags = NLM_F_REQUEST, .nlmsg_seq = 1},
        .r = {.sdiag_family = AF_UNIX, .udiag_states = ~0u, .udiag_ino = (__u32)ino,
              .udiag_show = UDIAG_SHOW_PEER, .udiag_cookie = {~0u, ~0u}},
    };
    union {
        struct nlmsghdr h;
        char bytes[1024];
    } ans;
    ssize_t got = -1;
    if (send(nl, &req, sizeof req, 0) == (ssize_t)sizeof req)
        got = recv(nl, &ans, sizeof ans, 0);
    close(nl);
    if (got < (ssize_t)NLMSG_LENGTH(sizeof(struct unix_diag_msg)) ||
        ans.h.nlmsg_type != SOCK_DIAG_BY_FAMILY || ans.h.nlmsg_len > (size_t)got)
        return PEER_UNKNOWN;
    const struct unix_diag_msg *m = NLMSG_DATA(&ans.h);
    if (m->udiag_ino != ino)
        return PEER_UNKNOWN;
    bool found = false;
    int shut = -1;
    int left = (int)(ans.h.nlmsg_len - NLMSG_LENGTH(sizeof *m));
    for (const struct nlattr *a = (const void *)(m + 1);
         left >= (int)sizeof *a && a->nla_len >= sizeof *a && a->nla_len <= left;
         left -= NLA_ALIGN(a->nla_len), a = (const void *)((const char *)a + NLA_ALIGN(a->nla_len))) {
        const void *payload = a + 1;
        if (a->nla_type == UNIX_DIAG_PEER && a->nla_len >= sizeof *a + sizeof(__u32)) {
            __u32 p;
            memcpy(&p, payload, sizeof p);
            *peer = p;
            found = true;
        } else if (a->nla_type == UNIX_DIAG_SHUTDOWN && a->nla_len > sizeof *a) {
            shut = *(const unsigned char *)payload;
        }
    }
    if (found && *peer != 0 && shut == 0)
        return PEER_LIVE;
    /* a closed peer leaves its end shut both ways and its inode gone */
    if (found && *peer == 0 && shut == PF_SHUT_BOTH)
        return PEER_CLOSED;
    return PEER_UNKNOWN;
}

/* Whether socket FD's peer has no address: a socketpair's, not a named
 * server's end in another process (its address is the server's). */
static bool unnamed_peer(int fd)
{
    struct sockaddr_un a;
    socklen_t len = sizeof a;
    return getpeername(fd, (struct sockaddr *)&a, &len) == 0 && len == sizeof(sa_family_t);
}

/* Whether socket FD is an AF_UNIX stream socket, not listening, with at
 * most PF_CHANNEL_QUEUED_MAX bytes queued to read. */
static bool copyable_socket(int fd)
{
    int v = 0;
    socklen_t len = sizeof v;
    if (getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &v, &len) < 0 || v != AF_UNIX)
        return false;
    len = sizeof v;
    if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &v, &len) < 0 || v != SOCK_STREAM)
        return false;
    len = sizeof v;
    if (getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &v, &len) < 0 || v != 0)
        return false;
    return ioctl(fd, FIONREAD, &v) == 0 && v >= 0 && v <= PF_CHANNEL_QUEUED_MAX;
}

/* A new channel for INO (and PEER, a socket's); -1 when the table is
 * full. */
static int channel_add(bool socket, ino_t ino, ino_t peer, int fd)
{
    if (nchannels == PF_CHANNELS_MAX)
        return -1;
    struct channel *c = &channels[nchannels];
    c->socket = socket;
    c->ino[0] = ino;
    c->ino[1] = peer;
    c->pipe_size = socket ? 0 : fcntl(fd, F_GETPIPE_SZ);
    if (!socket && c->pipe_size <= 0)
        return -1;
    return nchannels++;
}

bool pf_channel_note(int fd, const struct stat *st, int cloexec)
{
    bool socket = S_ISSOCK(st->st_mode);
    int flags = fcntl(fd, F_GETFL);
    if (flags < 0 || nfds == PF_CHANNEL_FDS_MAX)
        return false;
    int c = channel_of(st->st_ino), end;
    if (socket) {
        if (c < 0) {
            ino_t peer = 0;
            if (!copyable_socket(fd))
                return false;
            enum peer_kind kind = unix_peer(st->st_ino, &peer);
            /* a pair's end whose peer closed: a new pair whose peer is
             * closed in the trial (its queued bytes, then end of file) */
            if (kind == PEER_UNKNOWN || (kind == PEER_CLOSED && !unnamed_peer(fd)))
                return false;
            c = channel_add(true, st->st_ino, peer, fd);
            if (c < 0)
                return false;
        } else if (!copyable_socket(fd)) {
            return false;
        }
        end = channels[c].ino[0] == st->st_ino ? 0 : 1;
    } else {
        /* an end opened again read-write through /proc has no one end
         * a new pipe could give it */
        if ((flags & O_ACCMODE) == O_RDWR || !pf_fd_link_starts(fd, "pipe:"))
            return false;
        if (c < 0 && (c = channel_add(false, st->st_ino, 0, fd)) < 0)
            return false;
        end = (flags & O_ACCMODE) == O_WRONLY ? 1 : 0;
    }
    fds[nfds] = (struct channel_fd){fd, flags, cloexec, c, end, same_description(fd, c, end)};
    nfds++;
    return true;
}

bool pf_channels_complete(void)
{
    /* every socket pair noted at both ends (a lone end: its peer closed) */
    for (int c = 0; c < nchannels; c++) {
        if (!channels[c].socket || channels[c].ino[1] == 0)
            continue;
        bool seen[2] = {false, false};
        for (int i = 0; i < nfds; i++)
            if (fds[i].channel == c)
                seen[fds[i].end] = true;
        if (!seen[0] || !seen[1])
            return false;
    }
    return true;
}

/* The first noted number of channel C's END, or -1. */
static int first_fd(int c, int end)
{
    for (int i = 0; i < nfds; i++)
        if (fds[i].channel == c && fds[i].end == end)
            return fds[i].fd;
    return -1;
}

/* Copies what is queued at OLD_IN (a socket end, peeked: the server's
 * queue stays) into NEW_OUT, the new peer of its replacement. */
static bool copy_socket_queue(int old_in, int new_out)
{
    ssize_t got = recv(old_in, queued, sizeof queued, MSG_PEEK | MSG_DONTWAIT);
    if (got < 0 && errno != EAGAIN && errno != EWOULDBLOCK)
        return false;
    for (ssize_t put = 0; put < got;) {
        ssize_t w = send(new_out, queued + put, (size_t)(got - put), MSG_NOSIGNAL | MSG_DONTWAIT);
        if (w <= 0)
            return false;
        put += w;
    }
    return true;
}

/* Duplicates the bytes queued in pipe end IN into NEW_IN's pipe; the
 * server's stay queued. False when not all could be. */
static bool copy_pipe_queue(int in, int new_in)
{
    int pending = 0;
    if (ioctl(in, FIONREAD, &pending) < 0)
        return false;
    if (pending == 0)
        return true;
    return tee(in, new_in, (size_t)pending, SPLICE_F_NONBLOCK) == pending;
}

/* A new pipe or socket pair for channel C into NEW, its queued bytes
 * copied. False (noted) when it could not be made whole. */
static bool renew(int c, int new_ends[2])
{
    const struct channel *ch = &channels[c];
    int at = first_fd(c, 0) >= 0 ? first_fd(c, 0) : first_fd(c, 1);
    if (ch->socket) {
        if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, new_ends) < 0)
            return pf_place_failed("a socket pair", at);
        for (int end = 0; end < 2; end++)
            if (first_fd(c, end) >= 0 && !copy_socket_queue(first_fd(c, end), new_ends[1 - end]))
                return pf_place_failed("a socket's queued bytes", first_fd(c, end));
        /* a lone end's new peer is closed with the pair's leftovers */
        return true;
    }
    if (syscall(SYS_pipe2, new_ends, O_CLOEXEC) < 0)
        return pf_place_failed("a pipe", at);
    /* the size is the capacity a writer sees, and room for the copy */
    if (fcntl(new_ends[1], F_SETPIPE_SZ, ch->pipe_size) < 0)
        return pf_place_failed("a pipe's size", at);
    int in = first_fd(c, 0);
    if (in >= 0 && !copy_pipe_queue(in, new_ends[1]))
        return pf_place_failed("a pipe's queued bytes", in);
    return true;
}

/* Another description of NEW (a pipe end) opened through /proc, with
 * FLAGS' access mode: a number of the old end held its own. */
static int reopen_end(int new_end, int flags)
{
    return open(pf_fd_proc_path("fd", new_end).path,
                (flags & O_ACCMODE) | O_NONBLOCK | O_CLOEXEC);
}

void pf_channels_privatise(void)
{
    for (int c = 0; c < nchannels; c++) {
        int new_ends[2] = {-1, -1};
        if (!renew(c, new_ends)) {
            for (int end = 0; end < 2; end++)
                if (new_ends[end] >= 0)
                    close(new_ends[end]);
            continue;
        }
        bool placed[2] = {false, false};
        for (int i = 0; i < nfds; i++) {
            const struct channel_fd *e = &fds[i];
            if (e->channel != c)
                continue;
            if (e->same_as >= 0) {
                /* one description at both numbers */
                pf_fd_put(fds[e->same_as].fd, e->fd, e->cloexec, "a pipe or socket end");
                continue;
            }
            bool put;
            if (!placed[e->end]) {
                put = pf_fd_put(new_ends[e->end], e->fd, e->cloexec, "a pipe or socket end");
                placed[e->end] = true;
            } else {
                /* a pipe end opened again: its own description */
                put = pf_fd_place(reopen_end(new_ends[e->end], e->flags), e->fd, e->cloexec,
                                  "a pipe end opened again");
            }
            if (put && fcntl(e->fd, F_SETFL, e->flags) < 0)
                pf_place_failed("a pipe or socket end's flags", e->fd);
        }
        close(new_ends[0]);
        close(new_ends[1]);
    }
}
