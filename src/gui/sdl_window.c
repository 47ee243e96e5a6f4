/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * SDL2 display and keyboard for `amber run --window`. Guest time is paced to host time here and
 * only here: the machine itself never looks at the host clock.
 */
#include "config.h"

#include "gui/sdl_window.h"

#include <stdlib.h>

#include <SDL.h>

#include "cli/host_io.h"
#include "cli/keymap.h"

struct SdlWindow {
    SDL_Window *window;
    SDL_Renderer *renderer;
    SDL_Texture *texture;
    unsigned tex_w, tex_h;
    uint64_t host_start;   /* SDL performance counter at the first frame */
    int64_t guest_start;   /* guest ns at the first frame */
    bool started;
    uint32_t last_present; /* SDL ticks of the last picture, to cap the refresh at ~60 Hz */
};

/* SDL scancodes (USB HID usage order) to PC scan code set 1 (IBM AT Technical Reference). */
typedef struct ScanMap {
    SDL_Scancode sdl;
    uint8_t code;
    bool ext;
} ScanMap;

static const ScanMap scan_map[] = {
    {SDL_SCANCODE_ESCAPE, 0x01, false}, {SDL_SCANCODE_1, 0x02, false}, {SDL_SCANCODE_2, 0x03, false},
    {SDL_SCANCODE_3, 0x04, false}, {SDL_SCANCODE_4, 0x05, false}, {SDL_SCANCODE_5, 0x06, false},
    {SDL_SCANCODE_6, 0x07, false}, {SDL_SCANCODE_7, 0x08, false}, {SDL_SCANCODE_8, 0x09, false},
    {SDL_SCANCODE_9, 0x0A, false}, {SDL_SCANCODE_0, 0x0B, false}, {SDL_SCANCODE_MINUS, 0x0C, false},
    {SDL_SCANCODE_EQUALS, 0x0D, false}, {SDL_SCANCODE_BACKSPACE, 0x0E, false},
    {SDL_SCANCODE_TAB, 0x0F, false}, {SDL_SCANCODE_Q, 0x10, false}, {SDL_SCANCODE_W, 0x11, false},
    {SDL_SCANCODE_E, 0x12, false}, {SDL_SCANCODE_R, 0x13, false}, {SDL_SCANCODE_T, 0x14, false},
    {SDL_SCANCODE_Y, 0x15, false}, {SDL_SCANCODE_U, 0x16, false}, {SDL_SCANCODE_I, 0x17, false},
    {SDL_SCANCODE_O, 0x18, false}, {SDL_SCANCODE_P, 0x19, false},
    {SDL_SCANCODE_LEFTBRACKET, 0x1A, false}, {SDL_SCANCODE_RIGHTBRACKET, 0x1B, false},
    {SDL_SCANCODE_RETURN, 0x1C, false}, {SDL_SCANCODE_LCTRL, 0x1D, false},
    {SDL_SCANCODE_A, 0x1E, false}, {SDL_SCANCODE_S, 0x1F, false}, {SDL_SCANCODE_D, 0x20, false},
    {SDL_SCANCODE_F, 0x21, false}, {SDL_SCANCODE_G, 0x22, false}, {SDL_SCANCODE_H, 0x23, false},
    {SDL_SCANCODE_J, 0x24, false}, {SDL_SCANCODE_K, 0x25, false}, {SDL_SCANCODE_L, 0x26, false},
    {SDL_SCANCODE_SEMICOLON, 0x27, false}, {SDL_SCANCODE_APOSTROPHE, 0x28, false},
    {SDL_SCANCODE_GRAVE, 0x29, false}, {SDL_SCANCODE_LSHIFT, 0x2A, false},
    {SDL_SCANCODE_BACKSLASH, 0x2B, false}, {SDL_SCANCODE_Z, 0x2C, false},
    {SDL_SCANCODE_X, 0x2D, false}, {SDL_SCANCODE_C, 0x2E, false}, {SDL_SCANCODE_V, 0x2F, false},
    {SDL_SCANCODE_B, 0x30, false}, {SDL_SCANCODE_N, 0x31, false}, {SDL_SCANCODE_M, 0x32, false},
    {SDL_SCANCODE_COMMA, 0x33, false}, {SDL_SCANCODE_PERIOD, 0x34, false},
    {SDL_SCANCODE_SLASH, 0x35, false}, {SDL_SCANCODE_RSHIFT, 0x36, false},
    {SDL_SCANCODE_KP_MULTIPLY, 0x37, false}, {SDL_SCANCODE_LALT, 0x38, false},
    {SDL_SCANCODE_SPACE, 0x39, false}, {SDL_SCANCODE_CAPSLOCK, 0x3A, false},
    {SDL_SCANCODE_F1, 0x3B, false}, {SDL_SCANCODE_F2, 0x3C, false}, {SDL_SCANCODE_F3, 0x3D, false},
    {SDL_SCANCODE_F4, 0x3E, false}, {SDL_SCANCODE_F5, 0x3F, false}, {SDL_SCANCODE_F6, 0x40, false},
    {SDL_SCANCODE_F7, 0x41, false}, {SDL_SCANCODE_F8, 0x42, false}, {SDL_SCANCODE_F9, 0x43, false},
    {SDL_SCANCODE_F10, 0x44, false}, {SDL_SCANCODE_NUMLOCKCLEAR, 0x45, false},
    {SDL_SCANCODE_SCROLLLOCK, 0x46, false}, {SDL_SCANCODE_KP_7, 0x47, false},
    {SDL_SCANCODE_KP_8, 0x48, false}, {SDL_SCANCODE_KP_9, 0x49, false},
    {SDL_SCANCODE_KP_MINUS, 0x4A, false}, {SDL_SCANCODE_KP_4, 0x4B, false},
    {SDL_SCANCODE_KP_5, 0x4C, false}, {SDL_SCANCODE_KP_6, 0x4D, false},
    {SDL_SCANCODE_KP_PLUS, 0x4E, false}, {SDL_SCANCODE_KP_1, 0x4F, false},
    {SDL_SCANCODE_KP_2, 0x50, false}, {SDL_SCANCODE_KP_3, 0x51, false},
    {SDL_SCANCODE_KP_0, 0x52, false}, {SDL_SCANCODE_KP_PERIOD, 0x53, false},
    {SDL_SCANCODE_F11, 0x57, false}, {SDL_SCANCODE_F12, 0x58, false},
    {SDL_SCANCODE_KP_ENTER, 0x1C, true}, {SDL_SCANCODE_RCTRL, 0x1D, true},
    {SDL_SCANCODE_KP_DIVIDE, 0x35, true}, {SDL_SCANCODE_RALT, 0x38, true},
    {SDL_SCANCODE_HOME, 0x47, true}, {SDL_SCANCODE_UP, 0x48, true}, {SDL_SCANCODE_PAGEUP, 0x49, true},
    {SDL_SCANCODE_LEFT, 0x4B, true}, {SDL_SCANCODE_RIGHT, 0x4D, true}, {SDL_SCANCODE_END, 0x4F, true},
    {SDL_SCANCODE_DOWN, 0x50, true}, {SDL_SCANCODE_PAGEDOWN, 0x51, true},
    {SDL_SCANCODE_INSERT, 0x52, true}, {SDL_SCANCODE_DELETE, 0x53, true},
    {SDL_SCANCODE_LGUI, 0x5B, true}, {SDL_SCANCODE_RGUI, 0x5C, true},
    {SDL_SCANCODE_APPLICATION, 0x5D, true},
};

static bool sdl_to_pc(SDL_Scancode sc, PcKey *out)
{
    for (size_t i = 0; i < sizeof scan_map / sizeof scan_map[0]; i++) {
        if (scan_map[i].sdl == sc) {
            *out = (PcKey){scan_map[i].code, scan_map[i].ext, false};
            return true;
        }
    }
    return false;
}

SdlWindow *sdl_window_open(Machine *m, const char *title, AmberError *err)
{
    (void)m;
    if (SDL_InitSubSystem(SDL_INIT_VIDEO) != 0) {
        amber_error(err, "--window: cannot open a window: %s", SDL_GetError());
        return NULL;
    }
    SdlWindow *w = calloc(1, sizeof *w);
    if (!w) {
        amber_error(err, "--window: out of memory");
        return NULL;
    }
    w->window = SDL_CreateWindow(title, SDL_WINDOWPOS_UNDEFINED, SDL_WINDOWPOS_UNDEFINED, 960, 720,
                                 SDL_WINDOW_RESIZABLE);
    if (w->window) {
        w->renderer = SDL_CreateRenderer(w->window, -1, 0);
    }
    if (!w->window || !w->renderer) {
        amber_error(err, "--window: cannot open a window: %s", SDL_GetError());
        sdl_window_close(w);
        return NULL;
    }
    SDL_SetHint(SDL_HINT_RENDER_SCALE_QUALITY, "linear");
    return w;
}

static void show_picture(SdlWindow *w, Machine *m)
{
    const uint32_t *px;
    unsigned pw, ph;
    if (!host_screen_pixels(m, &px, &pw, &ph) || !px) {
        return;
    }
    if (!w->texture || w->tex_w != pw || w->tex_h != ph) {
        if (w->texture) {
            SDL_DestroyTexture(w->texture);
        }
        w->texture = SDL_CreateTexture(w->renderer, SDL_PIXELFORMAT_RGB888,
                                       SDL_TEXTUREACCESS_STREAMING, (int)pw, (int)ph);
        w->tex_w = pw;
        w->tex_h = ph;
        /* Every VGA raster fills a 4:3 screen; keep that shape when the window is resized. */
        SDL_RenderSetLogicalSize(w->renderer, 640, 480);
    }
    if (!w->texture) {
        return;
    }
    SDL_UpdateTexture(w->texture, NULL, px, (int)(pw * sizeof(uint32_t)));
    SDL_RenderClear(w->renderer);
    SDL_RenderCopy(w->renderer, w->texture, NULL, NULL);
    SDL_RenderPresent(w->renderer);
}

bool sdl_window_frame(SdlWindow *w, Machine *m, int64_t guest_now)
{
    uint64_t freq = SDL_GetPerformanceFrequency();
    if (!w->started) {
        w->started = true;
        w->host_start = SDL_GetPerformanceCounter();
        w->guest_start = guest_now;
    }
    /* Pacing: sleep until host time has caught up with guest time. */
    for (;;) {
        double host_ns = (double)(SDL_GetPerformanceCounter() - w->host_start) * 1e9 / (double)freq;
        double ahead_ns = (double)(guest_now - w->guest_start) - host_ns;
        if (ahead_ns <= 1e6) {
            break;
        }
        SDL_Delay((uint32_t)(ahead_ns / 1e6));
    }
    SDL_Event ev;
    while (SDL_PollEvent(&ev)) {
        if (ev.type == SDL_QUIT ||
            (ev.type == SDL_WINDOWEVENT && ev.window.event == SDL_WINDOWEVENT_CLOSE)) {
            return false;
        }
        if ((ev.type == SDL_KEYDOWN || ev.type == SDL_KEYUP) && !ev.key.repeat) {
            PcKey key;
            if (sdl_to_pc(ev.key.keysym.scancode, &key)) {
                host_key(m, key, ev.type == SDL_KEYDOWN);
            }
        }
    }
    uint32_t now = SDL_GetTicks();
    if (now - w->last_present >= 16) {
        w->last_present = now;
        show_picture(w, m);
    }
    return true;
}

void sdl_window_close(SdlWindow *w)
{
    if (!w) {
        return;
    }
    if (w->texture) {
        SDL_DestroyTexture(w->texture);
    }
    if (w->renderer) {
        SDL_DestroyRenderer(w->renderer);
    }
    if (w->window) {
        SDL_DestroyWindow(w->window);
    }
    SDL_QuitSubSystem(SDL_INIT_VIDEO);
    free(w);
}
