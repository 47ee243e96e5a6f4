/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * png_compare [-t TOLERANCE] A.png B.png [FIRST_ROW LAST_ROW]: compares two RGB pictures pixel by
 * pixel over a range of rows (all rows by default). A pixel differs when any channel differs by
 * more than TOLERANCE (default 0: exact). Prints the size of each and the number of differing
 * pixels; exits 0 when sizes match and no pixel differs, 1 otherwise, 2 on unreadable input.
 */
#include <png.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct Picture {
    unsigned w, h;
    uint8_t *rgb;
} Picture;

static int load(const char *path, Picture *p)
{
    png_image img;
    memset(&img, 0, sizeof img);
    img.version = PNG_IMAGE_VERSION;
    if (!png_image_begin_read_from_file(&img, path)) {
        fprintf(stderr, "%s: %s\n", path, img.message);
        return 0;
    }
    img.format = PNG_FORMAT_RGB;
    p->w = img.width;
    p->h = img.height;
    p->rgb = malloc(PNG_IMAGE_SIZE(img));
    if (!p->rgb || !png_image_finish_read(&img, NULL, p->rgb, 0, NULL)) {
        fprintf(stderr, "%s: %s\n", path, img.message);
        png_image_free(&img);
        return 0;
    }
    return 1;
}

int main(int argc, char **argv)
{
    int tolerance = 0;
    if (argc > 2 && !strcmp(argv[1], "-t")) {
        tolerance = atoi(argv[2]);
        argc -= 2;
        argv += 2;
    }
    if (argc != 3 && argc != 5) {
        fprintf(stderr, "usage: png_compare [-t TOLERANCE] A.png B.png [FIRST_ROW LAST_ROW]\n");
        return 2;
    }
    Picture a = {0}, b = {0};
    if (!load(argv[1], &a) || !load(argv[2], &b)) {
        return 2;
    }
    printf("%s: %ux%u, %s: %ux%u\n", argv[1], a.w, a.h, argv[2], b.w, b.h);
    if (a.w != b.w || a.h != b.h) {
        printf("sizes differ\n");
        return 1;
    }
    unsigned first = 0, last = a.h - 1;
    if (argc == 5) {
        first = (unsigned)atoi(argv[3]);
        last = (unsigned)atoi(argv[4]);
        if (first > last || last >= a.h) {
            fprintf(stderr, "rows %u-%u are outside the %u-row picture\n", first, last, a.h);
            return 2;
        }
    }
    unsigned long diff = 0;
    for (unsigned y = first; y <= last; y++) {
        for (unsigned x = 0; x < a.w; x++) {
            size_t i = ((size_t)y * a.w + x) * 3;
            for (int c = 0; c < 3; c++) {
                if (abs(a.rgb[i + c] - b.rgb[i + c]) > tolerance) {
                    diff++;
                    break;
                }
            }
        }
    }
    printf("rows %u-%u: %lu of %lu pixels differ\n", first, last, diff,
           (unsigned long)(last - first + 1) * a.w);
    free(a.rgb);
    free(b.rgb);
    return diff ? 1 : 0;
}
