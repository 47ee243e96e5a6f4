/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "cli/png_write.h"

#include <errno.h>
#include <png.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* libpng reports errors by longjmp; everything the jump may skip is owned by this struct so the
 * landing site can free it. */
typedef struct PngJob {
    FILE *f;
    png_structp png;
    png_infop info;
    uint8_t *row;
} PngJob;

static bool png_encode(PngJob *job, const uint32_t *pixels, unsigned width, unsigned height)
{
    if (setjmp(png_jmpbuf(job->png))) {
        return false;
    }
    png_init_io(job->png, job->f);
    png_set_IHDR(job->png, job->info, width, height, 8, PNG_COLOR_TYPE_RGB, PNG_INTERLACE_NONE,
                 PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    png_write_info(job->png, job->info);
    for (unsigned y = 0; y < height; y++) {
        const uint32_t *src = pixels + (size_t)y * width;
        for (unsigned x = 0; x < width; x++) {
            job->row[3 * x] = (uint8_t)(src[x] >> 16);
            job->row[3 * x + 1] = (uint8_t)(src[x] >> 8);
            job->row[3 * x + 2] = (uint8_t)src[x];
        }
        png_write_row(job->png, job->row);
    }
    png_write_end(job->png, NULL);
    return true;
}

bool png_write_xrgb(const char *path, const uint32_t *pixels, unsigned width, unsigned height,
                    AmberError *err)
{
    if (!pixels || width == 0 || height == 0) {
        return amber_error(err, "%s: there is no picture to save (the display shows nothing)", path);
    }
    size_t tmplen = strlen(path) + 16;
    char *tmp = malloc(tmplen);
    if (!tmp) {
        return amber_error(err, "%s: out of memory", path);
    }
    snprintf(tmp, tmplen, "%s.tmp-XXXXXX", path);
    int fd = mkstemp(tmp);
    if (fd < 0) {
        amber_error(err, "%s: cannot write: %s", path, strerror(errno));
        free(tmp);
        return false;
    }
    PngJob job = {0};
    job.f = fdopen(fd, "wb");
    job.row = malloc((size_t)width * 3);
    job.png = png_create_write_struct(PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
    job.info = job.png ? png_create_info_struct(job.png) : NULL;
    bool ok = job.f && job.row && job.png && job.info && png_encode(&job, pixels, width, height);
    if (job.png) {
        png_destroy_write_struct(&job.png, job.info ? &job.info : NULL);
    }
    free(job.row);
    if (job.f) {
        ok = (fflush(job.f) == 0) && ok;
        ok = (fclose(job.f) == 0) && ok;
    } else {
        close(fd);
    }
    if (ok && rename(tmp, path) != 0) {
        amber_error(err, "%s: cannot write: %s", path, strerror(errno));
        ok = false;
    } else if (!ok) {
        amber_error(err, "%s: cannot write the PNG file", path);
    }
    if (!ok) {
        unlink(tmp);
    }
    free(tmp);
    return ok;
}
