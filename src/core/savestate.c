/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Save-state files (layout in savestate.h).
 *
 * Saving never leaves half a file where the user looks: everything goes to PATH.tmp-XXXXXX in the
 * same folder (so the rename stays on one file system and is atomic), which is synced, renamed
 * over PATH, and the folder synced so the rename itself survives a crash. On any error the
 * temporary file is removed and PATH is as it was. RAM is deflated straight into the file in
 * chunks, so saving a big guest needs no second copy of its memory; the section's stored length
 * is patched in afterwards and its CRC assembled with crc32_combine.
 *
 * Loading reads the whole file and checks all of it -- structure, every CRC, that the sections
 * are exactly this machine's, that every payload decodes, that every RAM block inflates to its
 * exact size (into scratch buffers) -- before it touches the machine. Only then are the sections
 * applied, RAM copied in, the clock and its events set, and post_load hooks run.
 */
#include "core/savestate.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "config.h"
#include "core/endian.h"
#include "core/state.h"

static const char savestate_magic[8] = { 'A', 'M', 'B', 'E', 'R', 'S', 'A', 'V' };
static const char section_tag[4] = { 'S', 'E', 'C', 'T' };
static const char trailer_tag[4] = { 'E', 'N', 'D', '!' };

#define SECTION_ZLIB 1u
#define CLOCK_SECTION "clock"
#define CLOCK_SECTION_VERSION 1
#define RAM_PREFIX "ram:"
/* Section header after the name: u32 version, u32 flags, u64 stored length, u64 raw length. */
#define SECTION_FIXED (4 + 4 + 8 + 8)
#define RAM_CHUNK (1u << 20)
/* State sections at least this big are stored compressed. */
#define COMPRESS_MIN 4096

/* Formats "PATH: problem" into err. */
static bool fail(AmberError *err, const char *path, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static bool fail(AmberError *err, const char *path, const char *fmt, ...)
{
    char msg[AMBER_ERROR_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return amber_error(err, "%s: %s", path, msg);
}

static uint32_t crc_of(const void *data, size_t len)
{
    return (uint32_t)crc32_z(crc32_z(0, Z_NULL, 0), data, len);
}

/* ======================================================================== saving */

typedef struct Writer {
    int fd;
    uint64_t offset; /* bytes written so far */
    const char *path;
    AmberError *err;
} Writer;

static bool w_write(Writer *w, const void *data, size_t len)
{
    const uint8_t *p = data;
    while (len) {
        ssize_t n = write(w->fd, p, len);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            return fail(w->err, w->path, "cannot write: %s", n < 0 ? strerror(errno) : "no space");
        }
        p += n;
        len -= (size_t)n;
        w->offset += (uint64_t)n;
    }
    return true;
}

static bool w_pwrite(Writer *w, const void *data, size_t len, uint64_t at)
{
    const uint8_t *p = data;
    while (len) {
        ssize_t n = pwrite(w->fd, p, len, (off_t)at);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            return fail(w->err, w->path, "cannot write: %s", n < 0 ? strerror(errno) : "no space");
        }
        p += n;
        len -= (size_t)n;
        at += (uint64_t)n;
    }
    return true;
}

static bool buf_u16(StateBuf *b, uint16_t v)
{
    uint8_t x[2];
    st_le16(x, v);
    return statebuf_append(b, x, 2);
}
static bool buf_u32(StateBuf *b, uint32_t v)
{
    uint8_t x[4];
    st_le32(x, v);
    return statebuf_append(b, x, 4);
}
static bool buf_u64(StateBuf *b, uint64_t v)
{
    uint8_t x[8];
    st_le64(x, v);
    return statebuf_append(b, x, 8);
}
static bool buf_str32(StateBuf *b, const char *s)
{
    size_t len = s ? strlen(s) : 0;
    return len <= UINT32_MAX && buf_u32(b, (uint32_t)len) && statebuf_append(b, s, len);
}

/* Section prefix: tag, name, version, flags, stored length, raw length. */
static bool buf_section_prefix(StateBuf *b, const char *name, uint32_t version, uint32_t flags,
                               uint64_t stored, uint64_t raw)
{
    size_t nlen = strlen(name);
    return nlen <= UINT16_MAX && statebuf_append(b, section_tag, 4) &&
           buf_u16(b, (uint16_t)nlen) && statebuf_append(b, name, nlen) &&
           buf_u32(b, version) && buf_u32(b, flags) && buf_u64(b, stored) && buf_u64(b, raw);
}

/* Writes a section from a payload in memory; big ones (video memory kept as device state) are
 * compressed when that makes them smaller. */
static bool write_state_section(Writer *w, const char *name, uint32_t version,
                                const StateBuf *payload)
{
    const uint8_t *stored = payload->data;
    uint64_t stored_len = payload->len;
    uint32_t flags = 0;
    uint8_t *z = NULL;
    if (payload->len >= COMPRESS_MIN) {
        uLongf zlen = compressBound(payload->len);
        z = malloc(zlen);
        if (z && compress2(z, &zlen, payload->data, payload->len, Z_BEST_SPEED) == Z_OK &&
            zlen < payload->len) {
            stored = z;
            stored_len = zlen;
            flags = SECTION_ZLIB;
        }
    }
    StateBuf b = { 0 };
    bool ok = buf_section_prefix(&b, name, version, flags, stored_len, payload->len) &&
              statebuf_append(&b, stored, (size_t)stored_len) &&
              buf_u32(&b, crc_of(b.data, b.len));
    free(z);
    if (!ok) {
        statebuf_free(&b);
        return fail(w->err, w->path, "out of memory writing section %s", name);
    }
    ok = w_write(w, b.data, b.len);
    statebuf_free(&b);
    return ok;
}

static bool write_header(Writer *w, const Machine *m)
{
    StateBuf b = { 0 };
    bool ok = statebuf_append(&b, savestate_magic, 8) &&
              buf_u32(&b, SAVESTATE_FORMAT_VERSION) && buf_u32(&b, 0) &&
              buf_str32(&b, PACKAGE_VERSION) && buf_str32(&b, m->profile_name) &&
              buf_str32(&b, m->profile_text);
    if (ok && b.len + 4 > UINT32_MAX) {
        ok = false;
    }
    if (ok) {
        st_le32(b.data + 12, (uint32_t)(b.len + 4));
        ok = buf_u32(&b, crc_of(b.data, b.len));
    }
    if (!ok) {
        statebuf_free(&b);
        return fail(w->err, w->path, "out of memory writing the header");
    }
    ok = w_write(w, b.data, b.len);
    statebuf_free(&b);
    return ok;
}

/* Orders pending events by arming sequence (their tie-breaking order), then the idle ones in
 * creation order. */
typedef struct EventRef {
    Event *ev;
    bool pending;
    uint64_t seq;
    unsigned index;
} EventRef;

static int event_ref_cmp(const void *a, const void *b)
{
    const EventRef *x = a, *y = b;
    if (x->pending != y->pending) {
        return x->pending ? -1 : 1;
    }
    if (x->pending && x->seq != y->seq) {
        return x->seq < y->seq ? -1 : 1;
    }
    return x->index < y->index ? -1 : x->index > y->index;
}

/* Clock payload: i64 now, u32 event count, per event u16 name length, name, u8 pending,
 * i64 deadline. Pending events come first, in the order they were armed. */
static bool encode_clock(Clock *clock, StateBuf *b)
{
    unsigned n = clock_event_count(clock);
    EventRef *refs = malloc((n ? n : 1) * sizeof *refs);
    if (!refs) {
        return false;
    }
    for (unsigned i = 0; i < n; i++) {
        Event *ev = clock_event_at(clock, i);
        bool pending = clock_event_pending(ev);
        refs[i] = (EventRef){ ev, pending, pending ? clock_event_seq(ev) : 0, i };
    }
    qsort(refs, n, sizeof *refs, event_ref_cmp);
    bool ok = buf_u64(b, (uint64_t)clock_now(clock)) && buf_u32(b, n);
    for (unsigned i = 0; ok && i < n; i++) {
        const Event *ev = refs[i].ev;
        const char *name = clock_event_name(ev);
        size_t nlen = strlen(name);
        uint8_t p = refs[i].pending;
        ok = nlen <= UINT16_MAX && buf_u16(b, (uint16_t)nlen) && statebuf_append(b, name, nlen) &&
             statebuf_append(b, &p, 1) &&
             buf_u64(b, (uint64_t)(p ? clock_event_deadline(ev) : CLOCK_NEVER));
    }
    free(refs);
    return ok;
}

static bool write_ram_section(Writer *w, const MemRamBlock *blk)
{
    size_t nlen = strlen(RAM_PREFIX) + strlen(blk->name);
    char *name = malloc(nlen + 1);
    if (!name) {
        return fail(w->err, w->path, "out of memory");
    }
    snprintf(name, nlen + 1, "%s%s", RAM_PREFIX, blk->name);
    StateBuf prefix = { 0 };
    bool ok = buf_section_prefix(&prefix, name, 1, SECTION_ZLIB, 0, blk->size);
    uint8_t *out = malloc(RAM_CHUNK);
    z_stream zs;
    memset(&zs, 0, sizeof zs);
    bool zinit = false;
    if (!ok || !out) {
        fail(w->err, w->path, "out of memory writing section %s", name);
        ok = false;
        goto done;
    }
    /* The stored length sits 8 + 8 bytes before the end of the prefix (then the raw length). */
    uint64_t stored_at = w->offset + prefix.len - 16;
    if (!w_write(w, prefix.data, prefix.len)) {
        ok = false;
        goto done;
    }
    if (deflateInit(&zs, Z_BEST_SPEED) != Z_OK) {
        fail(w->err, w->path, "cannot start compressing section %s", name);
        ok = false;
        goto done;
    }
    zinit = true;
    uint32_t payload_crc = (uint32_t)crc32_z(0, Z_NULL, 0);
    uint64_t stored = 0, fed = 0;
    int zr = Z_OK;
    while (zr != Z_STREAM_END) {
        if (zs.avail_in == 0 && fed < blk->size) {
            uint64_t chunk = blk->size - fed < RAM_CHUNK ? blk->size - fed : RAM_CHUNK;
            zs.next_in = blk->host + fed;
            zs.avail_in = (uInt)chunk;
            fed += chunk;
        }
        zs.next_out = out;
        zs.avail_out = RAM_CHUNK;
        zr = deflate(&zs, fed == blk->size ? Z_FINISH : Z_NO_FLUSH);
        if (zr != Z_OK && zr != Z_STREAM_END && zr != Z_BUF_ERROR) {
            fail(w->err, w->path, "cannot compress section %s", name);
            ok = false;
            goto done;
        }
        size_t produced = RAM_CHUNK - zs.avail_out;
        if (produced) {
            payload_crc = (uint32_t)crc32_z(payload_crc, out, produced);
            stored += produced;
            if (!w_write(w, out, produced)) {
                ok = false;
                goto done;
            }
        }
    }
    /* Now the stored length is known: patch it, and combine the CRCs of prefix and payload. */
    st_le64(prefix.data + prefix.len - 16, stored);
    uint32_t crc = (uint32_t)crc32_combine(crc_of(prefix.data, prefix.len), payload_crc,
                                           (z_off_t)stored);
    uint8_t le[8];
    st_le64(le, stored);
    uint8_t crcb[4];
    st_le32(crcb, crc);
    ok = w_pwrite(w, le, 8, stored_at) && w_write(w, crcb, 4);
done:
    if (zinit) {
        deflateEnd(&zs);
    }
    free(out);
    statebuf_free(&prefix);
    free(name);
    return ok;
}

static bool write_everything(Writer *w, Machine *m)
{
    if (!write_header(w, m)) {
        return false;
    }
    uint32_t sections = 0;
    unsigned n = machine_state_section_count(m);
    for (unsigned i = 0; i < n; i++) {
        StateSection sec;
        if (!machine_state_section(m, i, &sec, NULL)) {
            continue;
        }
        if (strcmp(sec.name, CLOCK_SECTION) == 0 ||
            strncmp(sec.name, RAM_PREFIX, strlen(RAM_PREFIX)) == 0) {
            return fail(w->err, w->path, "state section name '%s' is reserved for the file's own",
                        sec.name);
        }
        StateBuf payload = { 0 };
        if (!state_encode(&sec, &payload)) {
            statebuf_free(&payload);
            return fail(w->err, w->path, "out of memory encoding section %s", sec.name);
        }
        bool ok = write_state_section(w, sec.name, sec.version, &payload);
        statebuf_free(&payload);
        if (!ok) {
            return false;
        }
        sections++;
    }
    StateBuf clk = { 0 };
    if (!encode_clock(m->clock, &clk)) {
        statebuf_free(&clk);
        return fail(w->err, w->path, "out of memory encoding the clock");
    }
    bool ok = write_state_section(w, CLOCK_SECTION, CLOCK_SECTION_VERSION, &clk);
    statebuf_free(&clk);
    if (!ok) {
        return false;
    }
    sections++;
    size_t nram = membus_ram_block_count(m->mem);
    for (size_t i = 0; i < nram; i++) {
        if (!write_ram_section(w, membus_ram_block(m->mem, i))) {
            return false;
        }
        sections++;
    }
    uint8_t trailer[12];
    memcpy(trailer, trailer_tag, 4);
    st_le32(trailer + 4, sections);
    st_le32(trailer + 8, crc_of(trailer, 8));
    return w_write(w, trailer, sizeof trailer);
}

/* Syncs the folder that holds path, so a completed rename survives a crash. */
static bool sync_folder(const char *path, AmberError *err)
{
    size_t len = strlen(path);
    char *dir = malloc(len + 2); /* room for "." */
    if (!dir) {
        return fail(err, path, "out of memory");
    }
    memcpy(dir, path, len + 1);
    char *slash = strrchr(dir, '/');
    if (!slash) {
        strcpy(dir, ".");
    } else if (slash == dir) {
        dir[1] = '\0';
    } else {
        *slash = '\0';
    }
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    bool ok = true;
    if (fd < 0 || (fsync(fd) != 0 && errno != EINVAL && errno != ENOTSUP)) {
        ok = fail(err, path, "saved, but syncing its folder %s failed: %s", dir, strerror(errno));
    }
    if (fd >= 0) {
        close(fd);
    }
    free(dir);
    return ok;
}

/*
 * mkstemp creates the file readable by its owner only; a save-state should get the permissions any
 * new file gets (0666 less the umask), or keep those of the file it replaces. The umask is read
 * from /proc, since umask() can only read it by changing it, process-wide.
 */
static mode_t new_file_mode(const char *path)
{
    struct stat st;
    if (stat(path, &st) == 0 && S_ISREG(st.st_mode)) {
        return st.st_mode & 07777;
    }
    mode_t mask = 022;
    FILE *f = fopen("/proc/self/status", "r");
    if (f) {
        char line[128];
        unsigned v;
        while (fgets(line, sizeof line, f)) {
            if (sscanf(line, "Umask: %o", &v) == 1) {
                mask = (mode_t)v;
                break;
            }
        }
        fclose(f);
    }
    return 0666 & ~mask;
}

bool savestate_save(Machine *m, const char *path, AmberError *err)
{
    if (m->cpu_ops && m->cpu_ops->sync_to_canonical) {
        m->cpu_ops->sync_to_canonical(m->cpu);
    }
    size_t plen = strlen(path);
    if (plen == 0 || path[plen - 1] == '/') {
        return fail(err, path, "is not a file name");
    }
    char *tmp = malloc(plen + sizeof ".tmp-XXXXXX");
    if (!tmp) {
        return fail(err, path, "out of memory");
    }
    memcpy(tmp, path, plen);
    memcpy(tmp + plen, ".tmp-XXXXXX", sizeof ".tmp-XXXXXX");
    int fd = mkstemp(tmp);
    if (fd < 0) {
        fail(err, path, "cannot create a temporary file beside it: %s", strerror(errno));
        free(tmp);
        return false;
    }
    Writer w = { fd, 0, path, err };
    bool ok = true;
    if (fchmod(fd, new_file_mode(path)) != 0) {
        ok = fail(err, path, "cannot set the permissions of its temporary file: %s",
                  strerror(errno));
    }
    ok = ok && write_everything(&w, m);
    if (ok && fsync(fd) != 0) {
        ok = fail(err, path, "cannot sync: %s", strerror(errno));
    }
    if (close(fd) != 0 && ok) {
        ok = fail(err, path, "cannot write: %s", strerror(errno));
    }
    if (ok && rename(tmp, path) != 0) {
        ok = fail(err, path, "cannot replace it: %s", strerror(errno));
    }
    if (!ok) {
        unlink(tmp);
        free(tmp);
        return false;
    }
    free(tmp);
    return sync_folder(path, err);
}

/* ======================================================================== loading */

typedef struct FileSection {
    char *name;          /* printable copy */
    const uint8_t *name_raw;
    size_t name_len;
    uint32_t version;
    uint32_t flags;
    const uint8_t *payload;
    uint64_t stored;
    uint64_t raw;
    bool used;
} FileSection;

/* What a load will apply, gathered while checking. */
typedef struct LoadPlan {
    FileSection *secs;
    size_t n_secs;
    unsigned n_machine;     /* machine_state_section_count */
    int *machine_sec;       /* per machine section: index into secs */
    const uint8_t **payload; /* per machine section: its (inflated) payload */
    size_t *payload_len;
    uint8_t **inflated;     /* per machine section: owned inflated copy, or NULL */
    int64_t clock_now;
    unsigned n_events;
    int64_t *deadlines;     /* per clock event (creation order); CLOCK_NEVER: cancelled */
    unsigned *arm_order;    /* pending events (creation indices) in the file's order */
    unsigned n_arm;
    size_t n_ram;
    uint8_t **ram;          /* per RAM block: its inflated contents */
} LoadPlan;

static void plan_free(LoadPlan *p)
{
    for (size_t i = 0; i < p->n_secs; i++) {
        free(p->secs[i].name);
    }
    free(p->secs);
    free(p->machine_sec);
    if (p->inflated) {
        for (unsigned i = 0; i < p->n_machine; i++) {
            free(p->inflated[i]);
        }
    }
    free(p->inflated);
    free(p->payload);
    free(p->payload_len);
    free(p->deadlines);
    free(p->arm_order);
    if (p->ram) {
        for (size_t i = 0; i < p->n_ram; i++) {
            free(p->ram[i]);
        }
    }
    free(p->ram);
}

/* A copy of a name from the file that is safe to print (a damaged name may hold anything). */
static char *printable(const uint8_t *s, size_t len)
{
    if (len > 80) {
        len = 80;
    }
    char *out = malloc(len + 1);
    if (!out) {
        return NULL;
    }
    for (size_t i = 0; i < len; i++) {
        out[i] = (s[i] >= 0x20 && s[i] < 0x7f) ? (char)s[i] : '?';
    }
    out[len] = '\0';
    return out;
}

/* Reads n bytes or up to end of file; returns the count, or -1 with errno set. */
static ssize_t read_full(int fd, uint8_t *buf, size_t n)
{
    size_t got = 0;
    while (got < n) {
        ssize_t r = read(fd, buf + got, n - got);
        if (r < 0 && errno == EINTR) {
            continue;
        }
        if (r < 0) {
            return -1;
        }
        if (r == 0) {
            break;
        }
        got += (size_t)r;
    }
    return (ssize_t)got;
}

/*
 * Reads the whole file. The magic is looked at first, so a disk image passed by mistake is not
 * read into memory only to be refused: a file that does not start like a save-state is returned
 * as its first bytes alone, for check_header to name the problem.
 */
static bool read_file(const char *path, uint8_t **data, size_t *len, AmberError *err)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        return fail(err, path, "cannot open: %s", strerror(errno));
    }
    struct stat st;
    if (fstat(fd, &st) != 0) {
        int e = errno;
        close(fd);
        return fail(err, path, "cannot read: %s", strerror(e));
    }
    if (S_ISDIR(st.st_mode)) {
        close(fd);
        return fail(err, path, "is a directory, not a save-state");
    }
    uint8_t head[sizeof savestate_magic];
    ssize_t hn = read_full(fd, head, sizeof head);
    if (hn < 0) {
        int e = errno;
        close(fd);
        return fail(err, path, "cannot read: %s", strerror(e));
    }
    size_t n = (size_t)hn;
    bool more = n == sizeof head && memcmp(head, savestate_magic, sizeof head) == 0;
    size_t cap = S_ISREG(st.st_mode) && (uint64_t)st.st_size > n && (uint64_t)st.st_size < SIZE_MAX
                     ? (size_t)st.st_size + 1
                     : 65536;
    uint8_t *buf = malloc(more ? cap : sizeof head);
    if (!buf) {
        close(fd);
        return fail(err, path, "out of memory reading it");
    }
    memcpy(buf, head, n);
    while (more) {
        if (n == cap) {
            uint8_t *nb = cap < SIZE_MAX / 2 ? realloc(buf, cap * 2) : NULL;
            if (!nb) {
                free(buf);
                close(fd);
                return fail(err, path, "out of memory reading it");
            }
            buf = nb;
            cap *= 2;
        }
        ssize_t r = read_full(fd, buf + n, cap - n);
        if (r < 0) {
            int e = errno;
            free(buf);
            close(fd);
            return fail(err, path, "cannot read: %s", strerror(e));
        }
        n += (size_t)r;
        more = n == cap; /* a short read means end of file */
    }
    close(fd);
    *data = buf;
    *len = n;
    return true;
}

/* Checks the header; returns the offset of the first section, or 0 on error. */
static size_t check_header(const char *path, const uint8_t *d, size_t len, AmberError *err)
{
    if (len == 0) {
        fail(err, path, "is empty, not a save-state");
        return 0;
    }
    size_t mlen = len < 8 ? len : 8;
    if (memcmp(d, savestate_magic, mlen) != 0) {
        fail(err, path, "is not an Amber save-state (bad magic)");
        return 0;
    }
    if (len < 16) {
        fail(err, path, "is truncated (in the header)");
        return 0;
    }
    uint32_t version = ld_le32(d + 8);
    if (version > SAVESTATE_FORMAT_VERSION) {
        fail(err, path,
             "was written by a newer Amber (format %" PRIu32 ", this one reads up to %d)",
             version, SAVESTATE_FORMAT_VERSION);
        return 0;
    }
    if (version == 0) {
        fail(err, path, "has an invalid format version 0");
        return 0;
    }
    uint32_t hlen = ld_le32(d + 12);
    if (hlen < 16 + 3 * 4 + 4) {
        fail(err, path, "header is damaged (length %" PRIu32 ")", hlen);
        return 0;
    }
    if (hlen > len) {
        fail(err, path, "is truncated (in the header)");
        return 0;
    }
    if (crc_of(d, hlen - 4) != ld_le32(d + hlen - 4)) {
        fail(err, path, "header is damaged (CRC mismatch)");
        return 0;
    }
    /* Three length-prefixed strings must fill the header exactly. */
    size_t pos = 16;
    for (int i = 0; i < 3; i++) {
        if (hlen - 4 - pos < 4 || ld_le32(d + pos) > hlen - 4 - pos - 4) {
            fail(err, path, "header is damaged (bad string length)");
            return 0;
        }
        pos += 4 + ld_le32(d + pos);
    }
    if (pos != hlen - 4) {
        fail(err, path, "header is damaged (%zu stray bytes)", hlen - 4 - pos);
        return 0;
    }
    return hlen;
}

/* Splits the file into sections, checking structure and CRCs. */
static bool parse_sections(const char *path, const uint8_t *d, size_t len, size_t pos,
                           LoadPlan *p, AmberError *err)
{
    size_t cap = 0;
    for (;;) {
        if (len - pos < 4) {
            return fail(err, path, "is truncated (after %zu sections)", p->n_secs);
        }
        if (memcmp(d + pos, trailer_tag, 4) == 0) {
            if (len - pos < 12) {
                return fail(err, path, "is truncated (in the trailer)");
            }
            if (crc_of(d + pos, 8) != ld_le32(d + pos + 8)) {
                return fail(err, path, "trailer is damaged (CRC mismatch)");
            }
            if (ld_le32(d + pos + 4) != p->n_secs) {
                return fail(err, path, "is damaged: the trailer counts %" PRIu32
                            " sections, the file has %zu",
                            ld_le32(d + pos + 4), p->n_secs);
            }
            if (len - pos != 12) {
                return fail(err, path, "has %zu bytes of junk after its end", len - pos - 12);
            }
            return true;
        }
        if (memcmp(d + pos, section_tag, 4) != 0) {
            return fail(err, path, "is damaged: no section starts at byte %zu", pos);
        }
        size_t start = pos;
        if (len - pos < 4 + 2) {
            return fail(err, path, "is truncated (in section %zu)", p->n_secs + 1);
        }
        size_t nlen = ld_le16(d + pos + 4);
        pos += 6;
        if (len - pos < nlen + SECTION_FIXED) {
            return fail(err, path, "is truncated (in section %zu)", p->n_secs + 1);
        }
        FileSection fs = { 0 };
        fs.name_raw = d + pos;
        fs.name_len = nlen;
        pos += nlen;
        fs.version = ld_le32(d + pos);
        fs.flags = ld_le32(d + pos + 4);
        fs.stored = ld_le64(d + pos + 8);
        fs.raw = ld_le64(d + pos + 16);
        pos += SECTION_FIXED;
        fs.name = printable(fs.name_raw, nlen);
        if (!fs.name) {
            return fail(err, path, "out of memory");
        }
        if (fs.stored > len - pos || len - pos - fs.stored < 4) {
            fail(err, path, "is truncated (in section %s)", fs.name);
            free(fs.name);
            return false;
        }
        fs.payload = d + pos;
        pos += fs.stored;
        if (crc_of(d + start, pos - start) != ld_le32(d + pos)) {
            fail(err, path, "section %s is damaged (CRC mismatch)", fs.name);
            free(fs.name);
            return false;
        }
        pos += 4;
        if (p->n_secs == cap) {
            size_t ncap = cap ? cap * 2 : 16;
            FileSection *ns = realloc(p->secs, ncap * sizeof *ns);
            if (!ns) {
                free(fs.name);
                return fail(err, path, "out of memory");
            }
            p->secs = ns;
            cap = ncap;
        }
        p->secs[p->n_secs++] = fs;
    }
}

static bool check_clock(const char *path, Machine *m, const FileSection *fs, LoadPlan *p,
                        AmberError *err)
{
    if (fs->flags != 0 || fs->raw != fs->stored) {
        return fail(err, path, "section %s has unexpected flags", fs->name);
    }
    if (fs->version > CLOCK_SECTION_VERSION) {
        return fail(err, path,
                    "section %s is version %" PRIu32 ", newer than this Amber reads (%d)",
                    fs->name, fs->version, CLOCK_SECTION_VERSION);
    }
    const uint8_t *d = fs->payload;
    size_t len = (size_t)fs->stored, pos = 12;
    if (len < 12) {
        return fail(err, path, "section %s is damaged (too short)", fs->name);
    }
    p->clock_now = (int64_t)ld_le64(d);
    if (p->clock_now < 0) {
        return fail(err, path, "section %s is damaged (negative time)", fs->name);
    }
    uint32_t n = ld_le32(d + 8);
    p->n_events = clock_event_count(m->clock);
    p->deadlines = malloc((p->n_events ? p->n_events : 1) * sizeof *p->deadlines);
    p->arm_order = malloc((p->n_events ? p->n_events : 1) * sizeof *p->arm_order);
    bool *named = calloc(p->n_events ? p->n_events : 1, sizeof *named);
    if (!p->deadlines || !p->arm_order || !named) {
        free(named);
        return fail(err, path, "out of memory");
    }
    /* Events the file does not name are cancelled: their deadlines belong to the old timeline. */
    for (unsigned i = 0; i < p->n_events; i++) {
        p->deadlines[i] = CLOCK_NEVER;
    }
    bool ok = false;
    for (uint32_t e = 0; e < n; e++) {
        if (len - pos < 2 || len - pos - 2 < (size_t)ld_le16(d + pos) + 9) {
            fail(err, path, "section %s is damaged (event %" PRIu32 " is cut short)", fs->name, e);
            goto out;
        }
        size_t nlen = ld_le16(d + pos);
        char *name = malloc(nlen + 1);
        if (!name) {
            fail(err, path, "out of memory");
            goto out;
        }
        memcpy(name, d + pos + 2, nlen);
        name[nlen] = '\0';
        uint8_t pending = d[pos + 2 + nlen];
        int64_t deadline = (int64_t)ld_le64(d + pos + 3 + nlen);
        pos += 2 + nlen + 9;
        Event *ev = memchr(name, '\0', nlen) ? NULL : clock_event_find(m->clock, name);
        unsigned idx = 0;
        while (ev && idx < p->n_events && clock_event_at(m->clock, idx) != ev) {
            idx++;
        }
        if (!ev || idx == p->n_events) {
            char *shown = printable((const uint8_t *)name, nlen);
            fail(err, path, "section %s names event '%s', which this machine does not have",
                 fs->name, shown ? shown : "?");
            free(shown);
            free(name);
            goto out;
        }
        free(name);
        if (named[idx]) {
            fail(err, path, "section %s names event '%s' twice", fs->name, clock_event_name(ev));
            goto out;
        }
        named[idx] = true;
        if (pending > 1) {
            fail(err, path, "section %s is damaged (event '%s')", fs->name, clock_event_name(ev));
            goto out;
        }
        if (pending && deadline == CLOCK_NEVER) {
            fail(err, path, "section %s is damaged (event '%s')", fs->name, clock_event_name(ev));
            goto out;
        }
        p->deadlines[idx] = pending ? deadline : CLOCK_NEVER;
        if (pending) {
            p->arm_order[p->n_arm++] = idx;
        }
    }
    if (pos != len) {
        fail(err, path, "section %s is damaged (%zu stray bytes)", fs->name, len - pos);
        goto out;
    }
    ok = true;
out:
    free(named);
    return ok;
}

/* Inflates a zlib section into a new buffer of exactly its raw length. */
static bool inflate_section(const char *path, const FileSection *fs, uint8_t **out,
                            AmberError *err)
{
    if (fs->raw > SIZE_MAX - 1) {
        return fail(err, path, "section %s is too large for this host", fs->name);
    }
    size_t size = (size_t)fs->raw;
    uint8_t *buf = malloc(size ? size : 1);
    if (!buf) {
        return fail(err, path, "out of memory for section %s", fs->name);
    }
    z_stream zs;
    memset(&zs, 0, sizeof zs);
    if (inflateInit(&zs) != Z_OK) {
        free(buf);
        return fail(err, path, "cannot start decompressing section %s", fs->name);
    }
    uint64_t in_done = 0, out_done = 0;
    int zr = Z_OK;
    while (zr == Z_OK) {
        if (zs.avail_in == 0 && in_done < fs->stored) {
            uint64_t c = fs->stored - in_done < RAM_CHUNK ? fs->stored - in_done : RAM_CHUNK;
            zs.next_in = (Bytef *)(uintptr_t)(fs->payload + in_done);
            zs.avail_in = (uInt)c;
            in_done += c;
        }
        if (zs.avail_out == 0) {
            uint64_t c = size - out_done < RAM_CHUNK ? size - out_done : RAM_CHUNK;
            zs.next_out = buf + out_done;
            zs.avail_out = (uInt)c;
            out_done += c;
        }
        uInt before_in = zs.avail_in, before_out = zs.avail_out;
        zr = inflate(&zs, Z_NO_FLUSH);
        if (zr == Z_BUF_ERROR || (zr == Z_OK && zs.avail_in == before_in &&
                                  zs.avail_out == before_out)) {
            break; /* no progress: input or output exhausted */
        }
    }
    bool ok = zr == Z_STREAM_END && zs.total_out == size && zs.avail_in == 0 &&
              in_done == fs->stored;
    inflateEnd(&zs);
    if (!ok) {
        free(buf);
        return fail(err, path, "section %s is damaged (bad compressed data)", fs->name);
    }
    *out = buf;
    return true;
}

/* The payload of a state section, stored plain or compressed; *owned is set when inflated. */
static bool section_payload(const char *path, const FileSection *fs, const uint8_t **data,
                            size_t *len, uint8_t **owned, AmberError *err)
{
    *owned = NULL;
    if (fs->flags == 0 && fs->raw == fs->stored) {
        *data = fs->payload;
        *len = (size_t)fs->stored;
        return true;
    }
    if (fs->flags != SECTION_ZLIB) {
        return fail(err, path, "section %s has unexpected flags", fs->name);
    }
    if (!inflate_section(path, fs, owned, err)) {
        return false;
    }
    *data = *owned;
    *len = (size_t)fs->raw;
    return true;
}

static bool check_ram(const char *path, const MemRamBlock *blk, const FileSection *fs,
                      uint8_t **out, AmberError *err)
{
    if (fs->flags != SECTION_ZLIB) {
        return fail(err, path, "section %s has unexpected flags", fs->name);
    }
    if (fs->raw != blk->size) {
        return fail(err, path,
                    "section %s holds %" PRIu64 " bytes of RAM, this machine's block '%s' has %"
                    PRIu64,
                    fs->name, fs->raw, blk->name, blk->size);
    }
    return inflate_section(path, fs, out, err);
}

static int find_file_section(const LoadPlan *p, const char *prefix, const char *name)
{
    size_t plen = strlen(prefix), nlen = strlen(name);
    for (size_t j = 0; j < p->n_secs; j++) {
        const FileSection *fs = &p->secs[j];
        if (fs->name_len == plen + nlen && memcmp(fs->name_raw, prefix, plen) == 0 &&
            memcmp(fs->name_raw + plen, name, nlen) == 0) {
            return (int)j;
        }
    }
    return -1;
}

/*
 * Checks every section against the machine and fills the plan; changes nothing. The file's
 * sections are matched to the machine's first, so a file from another machine is reported as
 * such (unknown or missing sections) rather than by the first detail that differs.
 */
static bool check_sections(const char *path, Machine *m, LoadPlan *p, AmberError *err)
{
    for (size_t i = 0; i < p->n_secs; i++) {
        for (size_t j = 0; j < i; j++) {
            if (p->secs[i].name_len == p->secs[j].name_len &&
                memcmp(p->secs[i].name_raw, p->secs[j].name_raw, p->secs[i].name_len) == 0) {
                return fail(err, path, "has section %s twice", p->secs[i].name);
            }
        }
    }
    p->n_machine = machine_state_section_count(m);
    size_t nm = p->n_machine ? p->n_machine : 1;
    p->machine_sec = malloc(nm * sizeof *p->machine_sec);
    p->payload = calloc(nm, sizeof *p->payload);
    p->payload_len = calloc(nm, sizeof *p->payload_len);
    p->inflated = calloc(nm, sizeof *p->inflated);
    p->n_ram = membus_ram_block_count(m->mem);
    p->ram = calloc(p->n_ram ? p->n_ram : 1, sizeof *p->ram);
    int *ram_sec = malloc((p->n_ram ? p->n_ram : 1) * sizeof *ram_sec);
    if (!p->machine_sec || !p->payload || !p->payload_len || !p->inflated || !p->ram ||
        !ram_sec) {
        free(ram_sec);
        return fail(err, path, "out of memory");
    }
    bool ok = false;

    /* Match names. */
    for (unsigned i = 0; i < p->n_machine; i++) {
        StateSection sec;
        p->machine_sec[i] = machine_state_section(m, i, &sec, NULL)
                                ? find_file_section(p, "", sec.name)
                                : -1;
        if (p->machine_sec[i] >= 0) {
            p->secs[p->machine_sec[i]].used = true;
        }
    }
    int clock_sec = find_file_section(p, "", CLOCK_SECTION);
    if (clock_sec >= 0) {
        p->secs[clock_sec].used = true;
    }
    for (size_t i = 0; i < p->n_ram; i++) {
        ram_sec[i] = find_file_section(p, RAM_PREFIX, membus_ram_block(m->mem, i)->name);
        if (ram_sec[i] >= 0) {
            p->secs[ram_sec[i]].used = true;
        }
    }
    for (size_t j = 0; j < p->n_secs; j++) {
        if (!p->secs[j].used) {
            fail(err, path, "unknown section %s", p->secs[j].name);
            goto out;
        }
    }
    for (unsigned i = 0; i < p->n_machine; i++) {
        StateSection sec;
        if (p->machine_sec[i] < 0 && machine_state_section(m, i, &sec, NULL)) {
            fail(err, path, "has no section %s", sec.name);
            goto out;
        }
    }
    if (clock_sec < 0) {
        fail(err, path, "has no section " CLOCK_SECTION);
        goto out;
    }
    for (size_t i = 0; i < p->n_ram; i++) {
        if (ram_sec[i] < 0) {
            fail(err, path, "has no section " RAM_PREFIX "%s", membus_ram_block(m->mem, i)->name);
            goto out;
        }
    }

    /* Check contents. */
    for (unsigned i = 0; i < p->n_machine; i++) {
        StateSection sec;
        if (p->machine_sec[i] < 0 || !machine_state_section(m, i, &sec, NULL)) {
            continue;
        }
        const FileSection *fs = &p->secs[p->machine_sec[i]];
        if (!section_payload(path, fs, &p->payload[i], &p->payload_len[i], &p->inflated[i],
                             err)) {
            goto out;
        }
        AmberError inner = { 0 };
        if (!state_check_version(&sec, fs->version, p->payload[i], p->payload_len[i], &inner)) {
            fail(err, path, "%s", inner.msg);
            goto out;
        }
    }
    if (!check_clock(path, m, &p->secs[clock_sec], p, err)) {
        goto out;
    }
    for (size_t i = 0; i < p->n_ram; i++) {
        if (!check_ram(path, membus_ram_block(m->mem, i), &p->secs[ram_sec[i]], &p->ram[i],
                       err)) {
            goto out;
        }
    }
    ok = true;
out:
    free(ram_sec);
    return ok;
}

static bool apply_plan(const char *path, Machine *m, LoadPlan *p, AmberError *err)
{
    for (unsigned i = 0; i < p->n_machine; i++) {
        StateSection sec;
        if (p->machine_sec[i] < 0 || !machine_state_section(m, i, &sec, NULL)) {
            continue;
        }
        const FileSection *fs = &p->secs[p->machine_sec[i]];
        AmberError inner = { 0 };
        if (!state_decode_version(&sec, fs->version, p->payload[i], p->payload_len[i], &inner)) {
            return fail(err, path, "%s", inner.msg);
        }
    }
    for (size_t i = 0; i < p->n_ram; i++) {
        const MemRamBlock *blk = membus_ram_block(m->mem, i);
        memcpy(blk->host, p->ram[i], (size_t)blk->size);
    }
    clock_set_now(m->clock, p->clock_now);
    for (unsigned i = 0; i < p->n_events; i++) {
        if (p->deadlines[i] == CLOCK_NEVER) {
            clock_event_cancel(clock_event_at(m->clock, i));
        }
    }
    /* Re-arming in the file's order (the original arming order) gives equal deadlines the same
     * firing order as in the run that saved. */
    for (unsigned k = 0; k < p->n_arm; k++) {
        unsigned i = p->arm_order[k];
        clock_event_arm_at(clock_event_at(m->clock, i), p->deadlines[i]);
    }
    if (m->cpu_ops) {
        if (m->cpu_ops->sync_from_canonical) {
            m->cpu_ops->sync_from_canonical(m->cpu);
        }
        if (m->cpu_ops->invalidate) {
            /* Every translated block may now be stale. */
            uint64_t mask = membus_addr_mask(m->mem);
            m->cpu_ops->invalidate(m->cpu, 0, mask == UINT64_MAX ? mask : mask + 1);
        }
    }
    for (unsigned i = 0; i < p->n_machine; i++) {
        StateSection sec;
        bool (*post_load)(void *base, AmberError *err) = NULL;
        if (!machine_state_section(m, i, &sec, &post_load) || !post_load) {
            continue;
        }
        AmberError inner = { 0 };
        if (!post_load(sec.base, &inner)) {
            return fail(err, path, "section %s: %s", sec.name, inner.msg);
        }
    }
    return true;
}

/* Checks data as a whole save-state for m, then applies it; with undo, a machine that a device
 * refuses after the apply (its post_load hook) is first saved there, to be put back. */
static bool load_buffer(const char *path, Machine *m, const uint8_t *data, size_t len, FILE *undo,
                        AmberError *err);

/* Puts the machine back as it was saved in undo (see load_buffer). */
static void roll_back(Machine *m, FILE *undo)
{
    uint8_t *data = NULL;
    long len = (fflush(undo) == 0 && fseek(undo, 0, SEEK_END) == 0) ? ftell(undo) : -1;
    if (len > 0 && fseek(undo, 0, SEEK_SET) == 0 && (data = malloc((size_t)len)) != NULL &&
        fread(data, 1, (size_t)len, undo) == (size_t)len) {
        AmberError ignored = { 0 };
        load_buffer("(the machine before the load)", m, data, (size_t)len, NULL, &ignored);
    }
    free(data);
}

static bool load_buffer(const char *path, Machine *m, const uint8_t *data, size_t len, FILE *undo,
                        AmberError *err)
{
    LoadPlan plan = { 0 };
    size_t pos = check_header(path, data, len, err);
    bool ok = pos && parse_sections(path, data, len, pos, &plan, err) &&
              check_sections(path, m, &plan, err);
    bool saved = false;
    if (ok && undo) {
        /* The file passed every check the loader can make; devices check their own invariants
         * only once applied. Keep the machine as it is now, so a refusal leaves it untouched. */
        if (m->cpu_ops && m->cpu_ops->sync_to_canonical) {
            m->cpu_ops->sync_to_canonical(m->cpu);
        }
        Writer w = { fileno(undo), 0, "(a temporary copy of the machine before the load)", err };
        ok = saved = write_everything(&w, m);
    }
    if (ok && !apply_plan(path, m, &plan, err)) {
        ok = false;
        if (saved) {
            roll_back(m, undo);
        }
    }
    plan_free(&plan);
    return ok;
}

bool savestate_load(Machine *m, const char *path, AmberError *err)
{
    uint8_t *data = NULL;
    size_t len = 0;
    if (!read_file(path, &data, &len, err)) {
        return false;
    }
    FILE *undo = tmpfile();
    bool ok = undo ? load_buffer(path, m, data, len, undo, err)
                   : fail(err, path, "cannot create a temporary file to load it safely: %s",
                          strerror(errno));
    if (undo) {
        fclose(undo);
    }
    free(data);
    return ok;
}
